"""The intake's place in the run: take in every file, then answer every operator."""

from pathlib import Path

import pandas as pd

from pipeline.intake.discover import list_input_files
from pipeline.intake.feedback import STATUS_COLUMNS, status_table, write_feedback
from pipeline.intake.take_in import take_in
from pipeline.workbook_cache import frame_fingerprint
from pipeline.workbooks import frame_to_sheet, write_workbook_from
from pipeline.workers import start_forkserver

SOURCES = ("pipeline/intake/stage.py", "pipeline/intake/feedback.py")  # the headers shown
ISSUE_HEADERS = {
    "file": "Файл",
    "login": "Логин",
    "kind": "Вид",
    "sheet": "Лист",
    "row": "Строка",
    "column": "Столбец",
    "cell": "Ячейка",
    "value": "Значение",
    "code": "Код",
    "severity": "Важность",
    "message": "Замечание",
    "fix": "Как исправить",
}


def run_intake(ctx, state: dict) -> dict:
    files = list_input_files(ctx.inputs)
    start_forkserver(len(files))  # the later stages' workers, preloaded while the files are read
    intake = take_in(files, ctx.inputs, ctx.config, progress=ctx.progress)
    return {"intake": intake}


def run_feedback(ctx, state: dict) -> dict:
    """Runs after every stage that may refuse rows, so each file's answer is complete."""
    intake = state["intake"]
    status = status_table(intake, ctx.config)
    issues = intake.log.to_frame()
    ctx.write_later(lambda: _write_answers(intake, status, issues, ctx.reports))
    return {"status": status, "issues": issues}


def _write_answers(intake, status: pd.DataFrame, issues: pd.DataFrame, reports: Path) -> None:
    """Each file's answer, all the issues in one workbook and the status of every file."""
    write_feedback(intake, status, reports / "feedback", issues)
    write_workbook_from(
        reports / "issues.xlsx",
        frame_fingerprint(issues),
        lambda: [frame_to_sheet("Замечания", issues, ISSUE_HEADERS)],
        title="Все замечания к файлам операторов",
        sources=SOURCES,
    )
    shown = status.drop(columns=["kind"]).copy()
    shown["late"] = shown["late"].map({True: "да", False: "нет"})
    write_workbook_from(
        reports / "submissions.xlsx",
        frame_fingerprint(shown),
        lambda: [frame_to_sheet("Статус отправки", shown, STATUS_COLUMNS)],
        title="Статус отправки файлов",
        sources=SOURCES,
    )
