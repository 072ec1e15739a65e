"""Reading a spreadsheet as text: every cell becomes the text a person sees, after a safety inspection."""

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import python_calamine

from pipeline.intake.bounded import BoundedFailure, run_bounded
from pipeline.intake.inspect import Inspection, inspect_workbook
from pipeline.issues import IssueLog

# Sheets that templates carry for people, not data.
TEMPLATE_SHEETS = {"инструкция", "списки"}
ERROR_MARK = "\x00error\x00"  # stands in for an error cell's text; never a valid value
# calamine holds a sheet as a dense grid from A1 to its farthest cell: two cells, A1 and KN200000, make a
# 1.5 KB file that takes gigabytes and a minute. Sheets past this many rows, and .xls files, which the
# inspection cannot look into, are parsed in a child process with fixed memory and time.
BOUNDED_FROM_ROWS = 20_000
PARSE_MEMORY_BYTES = 2 * 2**30
PARSE_SECONDS = 120.0


@dataclass
class RawSheet:
    title: str
    rows: list[list[str]]  # rows[0] is the sheet's row 1
    hidden: bool = False
    merged: list[tuple[int, int, int, int]] = field(
        default_factory=list
    )  # first row, col, last row, col (0-based)
    formulas: dict[str, bool] = field(default_factory=dict)  # "C5" -> has a cached value
    errors: dict[str, str] = field(default_factory=dict)  # "C5" -> "#DIV/0!"


@dataclass
class RawWorkbook:
    format: str
    sheets: dict[str, RawSheet]  # by title, in workbook order


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_ref(row: int, col: int) -> str:
    """A1-style reference of a 0-based cell."""
    return f"{column_letter(col)}{row + 1}"


def cell_text(value: object) -> str:
    """The text of a cell as the schemas parse it: dates in ISO, whole numbers without «.0»."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time():
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def read_workbook(path: Path, log: IssueLog, where: dict, max_rows: int = 200_000) -> RawWorkbook | None:
    """The workbook's sheets as text; None when it must not or cannot be read (the log says why)."""
    inspection = inspect_workbook(path)
    for finding in inspection.findings:
        log.add(
            finding.code,
            sheet=finding.sheet,
            cell=finding.cell,
            value=finding.value,
            **dict(finding.params),
            **where,
        )
    if not inspection.readable:
        return None
    if inspection.format == "xls" or max(inspection.sheet_rows.values(), default=0) > BOUNDED_FROM_ROWS:
        parsed = run_bounded(
            parse_sheets, path, inspection, max_rows, memory_bytes=PARSE_MEMORY_BYTES, seconds=PARSE_SECONDS
        )
        if isinstance(parsed, BoundedFailure):
            log.add("file_unreadable", value=_bounded_reason(parsed), **where)
            return None
    else:
        parsed = parse_sheets(path, inspection, max_rows)
    if isinstance(parsed, tuple):
        code, value = parsed
        log.add(code, value=value, **where)
        return None
    return RawWorkbook(inspection.format, parsed)


def parse_sheets(path: Path, inspection: Inspection, max_rows: int) -> dict[str, RawSheet] | tuple[str, str]:
    """The worksheets as text, or (issue code, value) when calamine cannot read the file."""
    try:
        # By content, not by suffix: an .xls saved under .xlsx is still read (the inspection noted it).
        with path.open("rb") as handle:
            workbook = python_calamine.CalamineWorkbook.from_filelike(handle)
    except python_calamine.PasswordError:
        return ("file_encrypted", "")
    except Exception as error:  # calamine raises several types for broken files; each means unreadable
        return ("file_unreadable", _reason(error))
    sheets = {}
    try:
        for meta in workbook.sheets_metadata:
            if str(meta.typ) != str(python_calamine.SheetTypeEnum.WorkSheet):
                continue
            sheets[meta.name] = _read_sheet(workbook, meta, inspection, max_rows)
    except Exception as error:
        return ("file_unreadable", _reason(error))
    finally:
        workbook.close()
    return sheets


def _bounded_reason(failure: BoundedFailure) -> str:
    if failure.reason == "memory" or failure.reason == "crashed":
        return f"для разбора книги не хватило {PARSE_MEMORY_BYTES // 2**30} ГБ памяти (в ней огромный диапазон ячеек)"
    if failure.reason == "timeout":
        return f"разбор книги занял больше {PARSE_SECONDS:g} с (в ней огромный диапазон ячеек)"
    return f"внутренняя ошибка разбора ({failure.detail[:150]})"


def _read_sheet(workbook, meta, inspection: Inspection, max_rows: int) -> RawSheet:
    sheet = workbook.get_sheet_by_name(meta.name)
    values = sheet.to_python(skip_empty_area=False, nrows=max_rows + 1)
    rows = [[cell_text(v) for v in row] for row in values]
    errors = inspection.errors.get(meta.name, {})
    for ref in errors:
        row, col = parse_ref(ref)
        if row < len(rows):
            line = rows[row]
            line.extend([""] * (col + 1 - len(line)))
            line[col] = ERROR_MARK
    hidden = meta.name in inspection.hidden_sheets or str(meta.visible) != str(
        python_calamine.SheetVisibleEnum.Visible
    )
    merged = [(a[0], a[1], b[0], b[1]) for a, b in (sheet.merged_cell_ranges or [])]
    return RawSheet(
        meta.name, rows, hidden, merged, dict(inspection.formulas.get(meta.name, {})), dict(errors)
    )


def parse_ref(ref: str) -> tuple[int, int]:
    letters = "".join(ch for ch in ref if ch.isalpha())
    digits = "".join(ch for ch in ref if ch.isdigit())
    col = 0
    for ch in letters.upper():
        col = col * 26 + (ord(ch) - 64)
    return int(digits) - 1, col - 1


def _reason(error: Exception) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return text[:200]
