"""Answering every operator: a feedback workbook per file with bad cells in red, and the submission status table."""

from collections import namedtuple
from functools import partial
from pathlib import Path

import pandas as pd

from pipeline.config import RegionConfig
from pipeline.intake import cache
from pipeline.intake.read import ERROR_MARK
from pipeline.intake.take_in import IntakeResult, deadline_of
from pipeline.issues import ERROR, WARNING
from pipeline.workbook_cache import slice_fingerprints
from pipeline.workbooks import SheetSpec, write_workbook_from

# An issue as a file's answer lists it (IssueLog.to_frame's columns)
Issue = namedtuple("Issue", ["sheet", "row", "column", "cell", "value", "severity", "message", "fix"])
# What shapes a feedback workbook besides its inputs (the grid comes with the reading code's version): this
# code and the issue severities.
SOURCES = ("pipeline/intake/feedback.py", "pipeline/issues.py")
ISSUE_HEADERS = ["Лист", "Строка", "Столбец", "Ячейка", "Значение", "Важность", "Замечание", "Как исправить"]
STATUS_COLUMNS = {
    "file": "Файл",
    "login": "Логин",
    "kind_title": "Вид сведений",
    "plan_year": "Плановый год",
    "quarter": "Квартал",
    "submitted": "Дата отправки",
    "deadline": "Срок",
    "late": "С опозданием",
    "rows_in": "Строк в файле",
    "accepted": "Принято",
    "kept": "Оставлено из прежней версии",
    "refused": "Не принято",
    "errors": "Ошибок",
    "warnings": "Предупреждений",
    "status": "Итог",
}


def status_table(result: IntakeResult, config: RegionConfig) -> pd.DataFrame:
    """Who sent what and when, and what became of its rows. No personal data: logins and counts only."""
    issues = result.log.to_frame()
    by_file = issues.groupby(["file", "severity"]).size().unstack(fill_value=0) if not issues.empty else None
    late_files = set(issues.loc[issues["code"] == "file_late", "file"]) if not issues.empty else set()
    file_errors = (
        set(issues.loc[(issues["severity"] == ERROR) & issues["row"].isna(), "file"])
        if not issues.empty
        else set()
    )
    rows = []
    for sub in sorted(result.submissions, key=lambda s: s.name):
        counts = result.counts.get(sub.name)
        errors = (
            int(by_file.at[sub.name, ERROR])
            if by_file is not None and sub.name in by_file.index and ERROR in by_file.columns
            else 0
        )
        warnings = (
            int(by_file.at[sub.name, WARNING])
            if by_file is not None and sub.name in by_file.index and WARNING in by_file.columns
            else 0
        )
        accepted = counts.accepted if counts else 0
        refused = counts.refused if counts else 0
        if accepted == 0 and (refused or sub.name in file_errors or not counts or counts.rows_in == 0):
            status = "не принят"
        elif refused or (counts and counts.kept):
            status = "принят частично"
        else:
            status = "принят"
        deadline = deadline_of(sub, config)
        rows.append(
            {
                "file": sub.name,
                "login": sub.login,
                "kind": sub.kind.slug,
                "kind_title": sub.kind.title,
                "plan_year": sub.plan_year,
                "quarter": sub.quarter,
                "submitted": pd.Timestamp(sub.submitted),
                "deadline": pd.Timestamp(deadline) if deadline else pd.NaT,
                "late": sub.name in late_files,
                "rows_in": counts.rows_in if counts else 0,
                "accepted": accepted,
                "kept": counts.kept if counts else 0,
                "refused": refused,
                "errors": errors,
                "warnings": warnings,
                "status": status,
            }
        )
    frame = pd.DataFrame(rows, columns=["file", "login", "kind", *list(STATUS_COLUMNS)[2:]])
    for column in ("plan_year", "quarter"):
        frame[column] = pd.array(frame[column], dtype="Int64")
    return frame


def write_feedback(
    result: IntakeResult, status: pd.DataFrame, out: Path, issues: pd.DataFrame | None = None
) -> list[Path]:
    """reports/feedback/<login>/<file> — замечания.xlsx for every submitted file. A file's workbook depends on
    its status row, its issues and its grid; the grid follows from the file's bytes and the reading code (the
    intake cache's key), so an unchanged file's answer is copied without building its sheets."""
    issues = result.log.to_frame() if issues is None else issues
    by_file = _issues_by_file(issues)
    issue_keys = slice_fingerprints(issues, "file") if not issues.empty else {}
    by_name = {sub.name: sub for sub in result.submissions}
    reading = cache.code_version()
    written = []
    for row in status.itertuples(index=False):
        path = out / row.login / f"{Path(row.file).stem} — замечания.xlsx"
        sub = by_name.get(row.file)
        # repr, not pickle: the same values give the same text whatever objects they happen to share.
        inputs = repr((tuple(row), issue_keys.get(row.file), sub and cache.entry_key(sub), reading))
        build = partial(feedback_sheets, result, row, by_file.get(row.file, []))
        write_workbook_from(path, inputs, build, title=f"Замечания к {row.file}", sources=SOURCES)
        written.append(path)
    return written


def _issues_by_file(issues: pd.DataFrame) -> dict[str, list[Issue]]:
    """Each file's issues in the frame's order, taken out of the frame once for all the files."""
    by_file: dict[str, list[Issue]] = {}
    if issues.empty:
        return by_file
    for file, *fields in zip(issues["file"], *(issues[c] for c in Issue._fields), strict=True):
        by_file.setdefault(file, []).append(Issue._make(fields))
    return by_file


def feedback_sheets(result: IntakeResult, status_row, issues: list[Issue]) -> list[SheetSpec]:
    """The answer to one file: its issues, then each data sheet as sent with the cells at fault marked."""
    summary = (
        f"{status_row.file}: {status_row.status}. Строк в файле: {status_row.rows_in}, принято: "
        f"{status_row.accepted}, оставлено из прежней версии: {status_row.kept}, не принято: {status_row.refused}."
    )
    listing = SheetSpec(
        name="Замечания",
        header=ISSUE_HEADERS,
        title=summary,
        rows=[[r.sheet, r.row, r.column, r.cell, r.value, r.severity, r.message, r.fix] for r in issues]
        or [["", "", "", "", "", "", "Замечаний нет.", ""]],
        widths=[16, 8, 28, 8, 24, 14, 70, 60],
        wrap_columns={6, 7},
    )
    sheets = [listing]
    mapped = result.mapped.get(status_row.file)
    if mapped is None or mapped.raw is None:
        return sheets
    for part in mapped.sheets.values():
        raw = part.raw
        header = raw.rows[part.header_row - 1] if raw.rows else []
        width = max((len(r) for r in raw.rows), default=0)
        data = [
            ([("#ОШИБКА" if c == ERROR_MARK else c) for c in r] if ERROR_MARK in r else r)
            + [""] * (width - len(r))
            for r in raw.rows[part.header_row :]
        ]
        marks, notes = {}, {}
        for issue in (i for i in issues if i.sheet == raw.title):
            if not issue.cell or issue.row is None or pd.isna(issue.row):
                continue
            r = int(issue.row) - part.header_row - 1
            c = _column_index(issue.cell)
            if r < 0 or r >= len(data) or c >= width:
                continue
            if issue.severity == ERROR or marks.get((r, c)) != "error":
                marks[(r, c)] = (
                    "error"
                    if issue.severity == ERROR
                    else "warning"
                    if issue.severity == WARNING
                    else marks.get((r, c), "")
                )
            notes[(r, c)] = (
                notes.get((r, c), "") + "\n" if (r, c) in notes else ""
            ) + f"{issue.message} {issue.fix}"
        marks = {k: v for k, v in marks.items() if v}
        sheets.append(
            SheetSpec(
                name=raw.title,
                header=header + [""] * (width - len(header)),
                rows=data,
                marks=marks,
                notes=notes,
                autofilter=False,
            )
        )
    return sheets


def _column_index(cell: str) -> int:
    col = 0
    for ch in cell:
        if ch.isalpha():
            col = col * 26 + (ord(ch.upper()) - 64)
    return col - 1
