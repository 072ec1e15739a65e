"""Finding a submission's sheets, its header row and its columns, tolerant of how people type headers."""

import difflib
from dataclasses import dataclass, field
from functools import cache, lru_cache

import pandas as pd

from pipeline.intake.discover import Submission
from pipeline.intake.read import (
    ERROR_MARK,
    TEMPLATE_SHEETS,
    RawSheet,
    RawWorkbook,
    cell_ref,
    column_letter,
    parse_ref,
    read_workbook,
)
from pipeline.issues import IssueLog, suggestion_text
from schemas.columns import ColumnInfo, columns_of
from schemas.kinds import Sheet
from schemas.parse import fold

HEADER_SEARCH_ROWS = 10
PASSWORD_WORDS = ("парол", "password", "passwd", "pwd")
TOTAL_WORDS = ("итого", "всего", "total")


@dataclass
class MappedSheet:
    """A data sheet located in a workbook: its text by schema column, Excel row numbers as the index."""

    sheet: Sheet
    title: str
    text: pd.DataFrame  # schema column names; index = Excel row numbers (1-based)
    letters: dict[str, str]  # schema column name -> column letter
    raw: RawSheet
    header_row: int  # Excel row number of the header


@dataclass
class MappedFile:
    submission: Submission
    readable: bool
    sheets: dict[str, MappedSheet] = field(default_factory=dict)  # by Sheet.name
    log: IssueLog = field(default_factory=IssueLog)
    raw: RawWorkbook | None = None

    @property
    def where(self) -> dict:
        s = self.submission
        return {"file": s.name, "login": s.login, "kind": s.kind.slug}


@cache
def _columns(model) -> tuple[ColumnInfo, ...]:
    """columns_of builds the pandera schema each time; a run maps thousands of sheets of a dozen models."""
    return tuple(columns_of(model))


@lru_cache(maxsize=16384)  # the same templates' headers, file after file
def header_key(text: str) -> str:
    return fold(text).replace("ё", "е").replace(",", "").replace("  ", " ")


def map_workbook(submission: Submission, raw: RawWorkbook, log: IssueLog) -> dict[str, MappedSheet]:
    """Locate each sheet of the submission's kind and map its columns; problems go to the log."""
    where = {"file": submission.name, "login": submission.login, "kind": submission.kind.slug}
    data_titles = [t for t in raw.sheets if fold(t) not in TEMPLATE_SHEETS]
    used, mapped = set(), {}
    for sheet in submission.kind.sheets:
        title = next((t for t in data_titles if fold(t) == fold(sheet.title)), None)
        if title is None and len(submission.kind.sheets) == 1:
            unused = [t for t in data_titles if _has_content(raw.sheets[t])]
            if len(unused) == 1:
                title = unused[0]
        if title is None:
            close = difflib.get_close_matches(sheet.title, data_titles, n=1, cutoff=0.4)
            log.add(
                "sheet_missing",
                sheet=sheet.title,
                suggestion=suggestion_text(close[0] if close else None),
                **where,
            )
            continue
        used.add(title)
        raw_sheet = raw.sheets[title]
        if raw_sheet.hidden:
            log.add("sheet_hidden", sheet=title, **where)
        result = _map_sheet(sheet, raw_sheet, log, where)
        if result is not None:
            mapped[sheet.name] = result
    for title in data_titles:
        if title not in used and _has_content(raw.sheets[title]):
            log.add("sheet_extra", sheet=title, **where)
    return mapped


def _has_content(raw: RawSheet) -> bool:
    return any(any(cell.strip() for cell in row) for row in raw.rows[:50])


def _map_sheet(sheet: Sheet, raw: RawSheet, log: IssueLog, where: dict) -> MappedSheet | None:
    infos = _columns(sheet.model)
    lookup = {}
    for info in infos:
        for name in (info.header, *info.aliases, info.name):
            lookup.setdefault(header_key(name), info)
    header_index = _find_header(raw.rows, lookup, infos)
    if header_index is None:
        log.add("header_missing", sheet=raw.title, **where)
        return None
    header = raw.rows[header_index]
    positions: dict[str, int] = {}
    unknown: list[tuple[int, str]] = []
    for col, text in enumerate(header):
        if not text.strip():
            continue
        key = header_key(text)
        if any(word in key for word in PASSWORD_WORDS):
            log.add(
                "password_column",
                sheet=raw.title,
                row=header_index + 1,
                cell=cell_ref(header_index, col),
                value=text.strip(),
                **where,
            )
            continue
        info = lookup.get(key)
        if info is None:
            unknown.append((col, text.strip()))
            continue
        if info.name in positions:
            log.add(
                "column_duplicate",
                sheet=raw.title,
                row=header_index + 1,
                column=info.header,
                cell=cell_ref(header_index, col),
                value=text.strip(),
                **where,
            )
            continue
        positions[info.name] = col
        if key != header_key(info.header):
            log.add(
                "column_renamed",
                sheet=raw.title,
                row=header_index + 1,
                column=info.header,
                cell=cell_ref(header_index, col),
                value=text.strip(),
                **where,
            )
    unknown_texts = [t for _, t in unknown]
    for info in infos:
        if info.name in positions:
            continue
        close = difflib.get_close_matches(info.header, unknown_texts, n=1, cutoff=0.6)
        code = "column_missing" if info.required else "column_missing_optional"
        log.add(
            code,
            sheet=raw.title,
            row=header_index + 1,
            column=info.header,
            suggestion=(f"; похожий столбец в файле: «{close[0]}»" if close else ""),
            **where,
        )
    for col, text in unknown:
        expected = [i.header for i in infos if i.name not in positions]
        close = difflib.get_close_matches(text, expected, n=1, cutoff=0.5)
        log.add(
            "column_unknown",
            sheet=raw.title,
            row=header_index + 1,
            cell=cell_ref(header_index, col),
            value=text,
            suggestion=(f"; возможно, это «{close[0]}»" if close else ""),
            **where,
        )
    if any(info.required and info.name not in positions for info in infos):
        return None  # without a required column no row can be valid: the sheet changes nothing
    _fill_merged(raw, header_index, log, where)
    text = _data_frame(raw, header_index, positions, infos, log, where)
    letters = {name: column_letter(col) for name, col in positions.items()}
    return MappedSheet(sheet, raw.title, text, letters, raw, header_index + 1)


def _find_header(rows: list[list[str]], lookup: dict, infos: list[ColumnInfo]) -> int | None:
    needed = max(1, min(3, len(infos) // 2))
    best, best_hits = None, 0
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        hits = len({info.name for t in row if t.strip() and (info := lookup.get(header_key(t)))})
        if hits > best_hits:
            best, best_hits = index, hits
    return best if best_hits >= needed else None


def _fill_merged(raw: RawSheet, header_index: int, log: IssueLog, where: dict) -> None:
    for r0, c0, r1, c1 in raw.merged:
        if r1 <= header_index:
            continue
        span = f"{cell_ref(r0, c0)}:{cell_ref(r1, c1)}"
        log.add(
            "merged_cells",
            sheet=raw.title,
            row=max(r0, header_index + 1) + 1,
            cell=cell_ref(r0, c0),
            value=span,
            **where,
        )
        top = raw.rows[r0][c0] if r0 < len(raw.rows) and c0 < len(raw.rows[r0]) else ""
        for r in range(max(r0, header_index + 1), min(r1, len(raw.rows) - 1) + 1):
            line = raw.rows[r]
            line.extend([""] * (c1 + 1 - len(line)))
            for c in range(c0, c1 + 1):
                line[c] = top


def _data_frame(
    raw: RawSheet,
    header_index: int,
    positions: dict[str, int],
    infos: tuple[ColumnInfo, ...],
    log: IssueLog,
    where: dict,
) -> pd.DataFrame:
    """The data rows' text by schema column, column by column; only rows that hold a formula or an error cell
    are looked at cell by cell (for their issues)."""
    used_cols = sorted(positions.values())
    marked = {parse_ref(ref)[0] for ref in (*raw.formulas, *raw.errors)}
    kept, index = [], []
    for r in range(header_index + 1, len(raw.rows)):
        line = raw.rows[r]
        cells = [line[c] if c < len(line) else "" for c in used_cols]
        errors = ERROR_MARK in cells
        # a row of nothing but error cells is still a row the person meant to fill
        if not errors and not any(cell.strip() for cell in cells):
            continue
        first = next((cell.strip() for cell in line if cell.strip()), "")
        if fold(first).startswith(TOTAL_WORDS):
            log.add("total_row_skipped", sheet=raw.title, row=r + 1, value=first, **where)
            continue
        if errors or r in marked:
            _note_cells(raw, r, line, positions, infos, log, where)
        kept.append(line)
        index.append(r + 1)
    columns = {}
    for info in infos:
        col = positions.get(info.name)
        if col is None:
            columns[info.name] = [""] * len(kept)
        else:
            texts = [line[col] if col < len(line) else "" for line in kept]
            columns[info.name] = (
                ["" if t == ERROR_MARK else t for t in texts] if ERROR_MARK in texts else texts
            )
    return pd.DataFrame(columns, index=pd.Index(index, name="row"), dtype=object)


def _note_cells(
    raw: RawSheet,
    r: int,
    line: list[str],
    positions: dict[str, int],
    infos: tuple[ColumnInfo, ...],
    log: IssueLog,
    where: dict,
) -> None:
    """The issues of a data row's error cells and formulas, in the order of its columns."""
    for name, col in positions.items():
        text = line[col] if col < len(line) else ""
        ref = cell_ref(r, col)
        header = next(i.header for i in infos if i.name == name)
        if text == ERROR_MARK:
            value = raw.errors.get(ref, "#ОШИБКА")
            log.add("error_cell", sheet=raw.title, row=r + 1, column=header, cell=ref, value=value, **where)
        elif ref in raw.formulas:
            if raw.formulas[ref]:
                log.add(
                    "formula_value_used",
                    sheet=raw.title,
                    row=r + 1,
                    column=header,
                    cell=ref,
                    value=text,
                    **where,
                )
            else:
                log.add("formula_without_value", sheet=raw.title, row=r + 1, column=header, cell=ref, **where)


def read_submission(submission: Submission) -> MappedFile:
    """Read and map one file. Runs in a worker process: depends on nothing but the file."""
    log = IssueLog()
    where = {"file": submission.name, "login": submission.login, "kind": submission.kind.slug}
    raw = read_workbook(submission.path, log, where)
    if raw is None:
        return MappedFile(submission, readable=False, log=log)
    sheets = map_workbook(submission, raw, log)
    mapped = MappedFile(submission, readable=True, sheets=sheets, log=log, raw=raw)
    if not any(not part.text.empty for part in sheets.values()):
        if sheets:
            log.add("file_empty", sheet=submission.kind.main_sheet.title, **where)
        mapped.readable = False
    return mapped
