"""Validating the mapped sheets of one kind together: parse text into types, run the schema, apply the rules
that depend on when and for which period a file was sent."""

import re

import numpy as np
import pandas as pd
import pandera.pandas as pa

from pipeline.intake.layout import MappedFile
from pipeline.issues import ERROR, TEMPLATES, IssueLog
from schemas.columns import ColumnInfo, columns_of
from schemas.kinds import Sheet
from schemas.parse import ParseContext, parse_column
from schemas.staff import MIN_AGE_AT_APPOINTMENT

META = ("file", "row")

# pandera's built-in checks, by the start of their name, as issue codes.
CHECK_CODES = (
    ("not_nullable", "missing_value"),
    ("isin", "value_not_in_list"),
    ("greater_than_or_equal_to", "out_of_range"),
    ("less_than_or_equal_to", "out_of_range"),
    ("in_range", "out_of_range"),
    ("str_length", "bad_length"),
)
FORMAT_CODES = {"email": "bad_email", "phone": "bad_phone", "login": "bad_login"}


def validate_sheet(
    sheet: Sheet, files: list[MappedFile], context: ParseContext, log: IssueLog
) -> pd.DataFrame:
    """All files' rows of one sheet kind, typed, with columns file and row; problems go to the log."""
    parts, names = [], []
    for mapped in files:
        part = mapped.sheets.get(sheet.name)
        if part is None or part.text.empty:
            continue
        parts.append(part.text)
        names.append(mapped.submission.name)
    infos = columns_of(sheet.model)
    if not parts:
        return _empty(infos)
    # One concatenation; the file and row columns are built whole rather than inserted file by file.
    text = pd.concat(parts).reset_index()
    text.insert(0, "file", np.repeat(np.array(names, dtype=object), [len(p) for p in parts]))
    located = _Locator(sheet, files, text)
    typed = {"file": text["file"], "row": text["row"].astype("Int64")}
    flagged: set[tuple[int, str]] = set()
    for info in infos:
        values, problems = parse_column(text[info.name], info, context)
        typed[info.name] = values
        for problem in problems:
            located.add(log, problem.code, problem.index, info, value=problem.value, **problem.params)
            if TEMPLATES[problem.code].severity == ERROR:
                flagged.add((problem.index, info.name))
    frame = pd.DataFrame(typed)
    _run_schema(sheet, frame, infos, located, log, flagged)
    return frame


def _empty(infos: list[ColumnInfo]) -> pd.DataFrame:
    frame = pd.DataFrame({"file": pd.Series(dtype="str"), "row": pd.Series(dtype="Int64")})
    for info in infos:
        dtype = {
            "int": "Int64",
            "year": "Int64",
            "date": "datetime64[s]",
            "date_or_indefinite": "datetime64[s]",
        }
        frame[info.name] = pd.Series(dtype=dtype.get(info.kind, "str"))
    return frame


class _Locator:
    """Turns a row of the concatenated frame and a column into the file, sheet, row and cell of an issue."""

    def __init__(self, sheet: Sheet, files: list[MappedFile], text: pd.DataFrame):
        self.by_file = {m.submission.name: m for m in files}
        self.sheet = sheet
        self.files = text["file"].tolist()
        self.rows = text["row"].tolist()

    def add(
        self, log: IssueLog, code: str, index: int, info: ColumnInfo | None, value: object = "", **params
    ):
        mapped = self.by_file[self.files[index]]
        part = mapped.sheets[self.sheet.name]
        row = int(self.rows[index])
        letter = part.letters.get(info.name) if info else None
        log.add(
            code,
            sheet=part.title,
            row=row,
            column=info.header if info else "",
            cell=f"{letter}{row}" if letter else "",
            value=value,
            **mapped.where,
            **params,
        )


def _run_schema(
    sheet: Sheet,
    frame: pd.DataFrame,
    infos: list[ColumnInfo],
    located: _Locator,
    log: IssueLog,
    flagged: set[tuple[int, str]],
) -> None:
    by_name = {i.name: i for i in infos}
    try:
        sheet.model.validate(frame, lazy=True)
        return
    except pa.errors.SchemaErrors as errors:
        cases = errors.failure_cases
    seen = set()
    for case in cases.itertuples(index=False):
        index = case.index
        if index is None or (isinstance(index, float) and index != index):
            continue
        index = int(index)
        check = str(case.check)
        if ":" in check and not check.startswith(("isin", "str_matches")):
            code, column = check.split(":", 1)
        else:
            column = case.column
            code = _code_for(check, by_name.get(column))
        if code is None or column not in by_name or (index, column) in flagged or (index, code) in seen:
            continue
        seen.add((index, code))
        info = by_name[column]
        value = frame.at[index, column]
        params = _params_for(code, check, info)
        located.add(log, code, index, info, value=_shown(value), **params)


def _code_for(check: str, info: ColumnInfo | None) -> str | None:
    if info is None:
        return None
    for prefix, code in CHECK_CODES:
        if check.startswith(prefix):
            return code
    if check.startswith("str_matches"):
        return FORMAT_CODES.get(info.kind, "bad_format")
    return "bad_format"


def _params_for(code: str, check: str, info: ColumnInfo) -> dict:
    if code == "out_of_range":
        numbers = re.findall(r"-?\d+", check)
        if check.startswith("greater"):
            return {"expected": f"не меньше {numbers[0]}"}
        if check.startswith("less"):
            return {"expected": f"не больше {numbers[0]}"}
        return {"expected": f"от {numbers[0]} до {numbers[1]}" if len(numbers) > 1 else ""}
    if code == "bad_length":
        numbers = re.findall(r"\d+", check)
        return {"expected": f"от {numbers[0]} до {numbers[1]} знаков" if len(numbers) > 1 else ""}
    if code == "bad_format":
        example = f" Пример: {info.example}." if info.example else ""
        return {"expected": info.description + example}
    if code == "value_not_in_list":
        return {"expected": "; ".join(info.values or ())}
    return {}


def _shown(value: object) -> str:
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, pd.Timestamp):
        return value.strftime("%d.%m.%Y")
    return str(value)


def contextual_checks(sheet: Sheet, frame: pd.DataFrame, files: list[MappedFile], log: IssueLog) -> None:
    """Rules that depend on the file's submission date or period: nothing of the future, dates in the period."""
    if frame.empty:
        return
    infos = {i.name: i for i in columns_of(sheet.model)}
    located = _Locator(sheet, files, frame)
    submitted = (
        frame["file"].map({m.submission.name: m.submission.submitted.year for m in files}).astype("Int64")
    )
    if sheet.name == "staff":
        for column, code in (
            ("last_attestation_year", "attestation_in_future"),
            ("year_appointed", "year_in_future"),
            ("last_training_year", "year_in_future"),
        ):
            bad = (frame[column] > submitted).fillna(False)
            for index in frame.index[bad]:
                located.add(log, code, index, infos[column], value=frame.at[index, column])
        limit = submitted - frame["birth_year"] - MIN_AGE_AT_APPOINTMENT + 1
        bad = (frame["teaching_experience"] > limit).fillna(False)
        for index in frame.index[bad]:
            located.add(
                log,
                "experience_exceeds_age",
                index,
                infos["teaching_experience"],
                value=frame.at[index, "teaching_experience"],
            )
    if sheet.name == "schedule_groups":
        years = frame["file"].map({m.submission.name: m.submission.plan_year for m in files})
        for column in ("start_date", "end_date"):
            bad = (frame[column].dt.year != years).fillna(False) & frame[column].notna()
            for index in frame.index[bad]:
                located.add(
                    log,
                    "date_outside_plan_year",
                    index,
                    infos[column],
                    value=_shown(frame.at[index, column]),
                    expected=str(years[index]),
                )
    if sheet.name == "execution_groups":
        period = {m.submission.name: (m.submission.plan_year, m.submission.quarter) for m in files}
        held = frame["status"] == "проведена"
        for index in frame.index[held.fillna(False)]:
            year, quarter = period[frame.at[index, "file"]]
            end = frame.at[index, "actual_end"]
            if pd.notna(end) and (end.year != year or (end.month - 1) // 3 + 1 != quarter):
                located.add(
                    log,
                    "date_outside_quarter",
                    index,
                    infos["actual_end"],
                    value=_shown(end),
                    expected=f"{quarter} квартал {year} года",
                )


def duplicate_keys(sheet: Sheet, frame: pd.DataFrame, files: list[MappedFile], log: IssueLog) -> None:
    """A record typed twice in one file: the first stays, the later ones are errors."""
    if frame.empty:
        return
    key = ["file", *sheet.key]
    duplicated = frame.duplicated(key, keep="first") & frame[list(sheet.key)].notna().all(axis=1)
    if not duplicated.any():
        return
    first_rows = frame.drop_duplicates(key, keep="first").set_index(key)["row"]
    infos = {i.name: i for i in columns_of(sheet.model)}
    located = _Locator(sheet, files, frame)
    headers = ", ".join(infos[k].header for k in sheet.key)
    for index in frame.index[duplicated]:
        first = first_rows.loc[tuple(frame.loc[index, key])]
        located.add(log, "duplicate_key", index, infos[sheet.key[0]], value=int(first), expected=headers)
