"""Writing workbooks and CSV files that are safe to open and byte-identical for the same content."""

import csv
import datetime as dt
import io
import multiprocessing
import os
import re
import zipfile
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import xlsxwriter

# A fixed creation time keeps written workbooks byte-identical from run to run.
FIXED_CREATED = dt.datetime(2026, 1, 1)
NICENESS = 10  # of the background writers

# Text that a spreadsheet program could take for a formula or a command (OWASP: CSV injection).
DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Phones and signed numbers begin with + or - legitimately and are harmless.
HARMLESS_SIGNED = re.compile(r"^[+-][\d\s().,-]*$")


def safe_text(value: str) -> str:
    """The text with a leading apostrophe where a spreadsheet program could run it as a formula."""
    if value and value.startswith(DANGEROUS_PREFIXES) and not HARMLESS_SIGNED.match(value):
        return "'" + value
    return value


def display(value: object) -> object:
    """A value as a person reads it in a report: dates as 15.10.2026, missing as empty."""
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, float) and value != value:
        return ""
    if isinstance(value, (pd.Timestamp, dt.datetime)):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        return value.item()
    return value


@dataclass
class SheetSpec:
    """One sheet to write: a header row and data rows, with the decorations reports and templates need."""

    name: str
    header: list[str]
    rows: list[list[object]] = field(default_factory=list)
    widths: list[int] | None = None
    hidden: bool = False
    freeze_header: bool = True
    autofilter: bool = True
    title: str | None = None  # a line above the header (then the header is on row 2)
    marks: dict[tuple[int, int], str] = field(default_factory=dict)  # (data row, col) -> "error"/"warning"
    notes: dict[tuple[int, int], str] = field(default_factory=dict)  # (data row, col) -> comment text
    # (first_col, last_col, list source) for drop-downs; the source is a sheet range like "='Списки'!$A$2:$A$9"
    dropdowns: list[tuple[int, int, str]] = field(default_factory=list)
    dropdown_rows: int = 1000
    header_notes: dict[int, str] = field(default_factory=dict)  # col -> help text shown on the header cell
    text_columns: set[int] = field(default_factory=set)  # columns formatted as text so "0012" stays
    date_columns: set[int] = field(default_factory=set)  # columns formatted as dates, 15.10.2026
    wrap_columns: set[int] = field(default_factory=set)  # columns whose long text wraps
    intro: list[str] = field(default_factory=list)  # lines of text between the title and the header
    # (first_col, last_col, xlsxwriter data_validation options) over the same rows as the drop-downs
    validations: list[tuple[int, int, dict]] = field(default_factory=list)


def frame_to_sheet(
    name: str, frame: pd.DataFrame, headers: dict[str, str] | None = None, **options
) -> SheetSpec:
    """A DataFrame as a sheet, with Russian headers from the map where given."""
    headers = headers or {}
    columns = [_display_column(frame.iloc[:, i]) for i in range(frame.shape[1])]
    # Like itertuples, a frame without columns gives no rows.
    rows = [list(row) for row in zip(*columns, strict=True)]
    return SheetSpec(name=name, header=[headers.get(c, c) for c in frame.columns], rows=rows, **options)


class FrameSlices:
    """Sheets of slices of one frame: a list per municipality or per organisation. The first few are cut out of
    the frame; from then on the whole frame's values are displayed once and each slice takes its rows by
    position (cutting thousands of small frames costs more than the whole). A re-run that builds only a few
    lists never displays the whole frame. The rows are the same either way."""

    WHOLE_AFTER = 8  # slices cut out one by one before the whole frame is displayed

    def __init__(self, frame: pd.DataFrame, headers: dict[str, str] | None = None):
        self._frame = frame
        self._headers = headers or {}
        self._columns: list[list[object]] | None = None
        self._built = 0

    def sheet(self, name: str, positions, **options) -> SheetSpec:
        """frame_to_sheet(name, frame.iloc[positions], headers, **options)."""
        self._built += 1
        if self._columns is None:
            if self._built <= self.WHOLE_AFTER:
                return frame_to_sheet(name, self._frame.iloc[positions], self._headers, **options)
            self._columns = [_display_column(self._frame.iloc[:, i]) for i in range(self._frame.shape[1])]
        columns = self._columns
        rows = [[column[p] for column in columns] for p in np.asarray(positions).tolist()] if columns else []
        header = [self._headers.get(c, c) for c in self._frame.columns]
        return SheetSpec(name=name, header=header, rows=rows, **options)


def _display_column(series: pd.Series) -> list[object]:
    """display() of every value of a column, a whole column at a time where its dtype allows."""
    dtype = series.dtype
    if isinstance(dtype, pd.DatetimeTZDtype) or (isinstance(dtype, np.dtype) and dtype.kind == "M"):
        # Few distinct days in a long column: each formatted once.
        codes, days = pd.factorize(series)
        shown = [value.strftime("%d.%m.%Y") for value in days] + [""]  # code -1 (missing) takes the last
        return [shown[code] for code in codes.tolist()]
    if isinstance(dtype, np.dtype) and dtype.kind in "iub":
        return series.to_numpy().tolist()
    if isinstance(dtype, np.dtype) and dtype.kind == "f":
        return ["" if v != v else v for v in series.to_numpy().tolist()]
    return [v if type(v) is str else display(v) for v in series.astype(object).tolist()]


def write_workbook(path: Path, sheets: list[SheetSpec], *, title: str = "") -> Path:
    """Write the sheets to an .xlsx file: text always as text, never a formula. The same content was written
    before: its bytes come from the workbook cache. Inside `background_writing()` the encoding happens in a
    worker process and the file exists once `flush_background_writes()` returns."""
    if _background is not None:
        _background.submit(path, sheets, title, None)
        return path
    return _write_now(path, sheets, title, None)


def write_workbook_from(
    path: Path,
    inputs: object,
    build: Callable[[], list[SheetSpec]],
    *,
    title: str = "",
    sources: Iterable[str] = (),
) -> Path:
    """write_workbook(path, build(), title=title) for sheets that are a pure function of `inputs` and of the
    code in `sources` (repository-relative files or folders, as for pipeline.memo): a workbook written before
    from the same inputs is copied from the workbook cache and `build` is never called. `inputs` is anything
    pipeline.memo.fingerprint takes; a str is taken as a fingerprint already made."""
    from pipeline import workbook_cache

    key = workbook_cache.inputs_key(inputs, title, tuple(sources))
    if key is not None and workbook_cache.restore(key, path):
        return path
    sheets = build()
    if _background is not None:
        _background.submit(path, sheets, title, key)
        return path
    return _write_now(path, sheets, title, key)


def _write_now(path: Path, sheets: list[SheetSpec], title: str, key: str | None) -> Path:
    from pipeline import workbook_cache

    path.parent.mkdir(parents=True, exist_ok=True)
    if key is None and workbook_cache.cache_root() is not None:  # no cache: no need to hash the content
        key = workbook_cache.content_key(sheets, title)
        if workbook_cache.restore(key, path):
            return path
    # A key given by write_workbook_from was looked up already, before the sheets were built.
    # A file already at the path may be a restored workbook, a link into the cache: replace it, never write
    # into it.
    path.unlink(missing_ok=True)
    options = {"strings_to_formulas": False, "strings_to_urls": False, "in_memory": True}
    workbook = xlsxwriter.Workbook(str(path), options)
    workbook.set_properties({"created": FIXED_CREATED, "title": title, "author": "АСУПК"})
    fmt = _Formats(workbook)
    for spec in sheets:
        _write_sheet(workbook, fmt, spec)
    workbook.close()
    workbook_cache.keep(key, path)
    return path


class _BackgroundWriter:
    """Worker processes that encode workbooks while the run goes on computing, at a lower priority: they take
    what the run's own process leaves of the cores (the run waits for them only before the site)."""

    MAX_IN_FLIGHT = 256  # keeps the memory of queued sheets bounded

    def __init__(self, workers: int):
        context = multiprocessing.get_context("forkserver")
        self.pool = ProcessPoolExecutor(
            workers, mp_context=context, initializer=os.nice, initargs=(NICENESS,)
        )
        self.pending: deque = deque()

    def submit(self, path: Path, sheets: list[SheetSpec], title: str, key: str | None) -> None:
        while len(self.pending) >= self.MAX_IN_FLIGHT:
            self.pending.popleft().result()
        self.pending.append(self.pool.submit(_write_now, path, sheets, title, key))

    def flush(self) -> None:
        while self.pending:
            self.pending.popleft().result()  # a writer's error surfaces here and fails the run


_background: _BackgroundWriter | None = None


@contextmanager
def background_writing(workers: int | None = None):
    """Hand workbook encoding to worker processes until the block ends (every file is written by then)."""
    global _background
    workers = workers or min(os.cpu_count() or 1, 4)
    if _background is not None or workers < 2:
        yield
        return
    _background = _BackgroundWriter(workers)
    try:
        yield
        _background.flush()
    finally:
        writer, _background = _background, None
        writer.pool.shutdown(wait=True, cancel_futures=True)


def flush_background_writes() -> None:
    """Wait until every workbook handed to the workers is on disk."""
    if _background is not None:
        _background.flush()


class _Formats:
    def __init__(self, workbook):
        self.header = workbook.add_format(
            {"bold": True, "bg_color": "#DDE7F3", "text_wrap": True, "valign": "top", "border": 1}
        )
        self.title = workbook.add_format({"bold": True, "font_size": 13})
        self.text = workbook.add_format({"num_format": "@"})
        self.error = workbook.add_format({"bg_color": "#F4B6B6", "num_format": "@"})
        self.warning = workbook.add_format({"bg_color": "#FCE8B2", "num_format": "@"})
        self.date = workbook.add_format({"num_format": "dd.mm.yyyy"})
        self.wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
        self.text_wrap = workbook.add_format({"num_format": "@", "text_wrap": True, "valign": "top"})
        self.intro = workbook.add_format({"valign": "top"})  # its own format: never the column's wrap
        self.date_error = workbook.add_format({"num_format": "dd.mm.yyyy", "bg_color": "#F4B6B6"})


def _write_sheet(workbook, fmt: _Formats, spec: SheetSpec) -> None:
    sheet = workbook.add_worksheet(spec.name[:31])
    # Printed on paper by methodologists: landscape A4, as wide as the page.
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    top = 0
    if spec.title:
        sheet.write_string(0, 0, safe_text(spec.title), fmt.title)
        top = 1
    for line in spec.intro:
        if line:
            sheet.write_string(top, 0, safe_text(line), fmt.intro)
        top += 1
    for col, text in enumerate(spec.header):
        sheet.write_string(top, col, safe_text(str(text)), fmt.header)
        if col in spec.header_notes:
            sheet.write_comment(top, col, spec.header_notes[col], {"x_scale": 2, "y_scale": 2})
    for col in spec.text_columns:
        sheet.set_column(col, col, None, fmt.text)
    marks, notes = spec.marks, spec.notes
    for r, row in enumerate(spec.rows):
        excel_row = top + 1 + r
        if not marks and not notes:
            _write_plain_row(sheet, excel_row, row, fmt)
            continue
        for c, value in enumerate(row):
            mark = marks.get((r, c))
            cell_format = fmt.error if mark == "error" else fmt.warning if mark == "warning" else None
            if isinstance(value, (dt.date, pd.Timestamp)) and not pd.isna(value):
                date_format = fmt.date_error if mark else fmt.date
                sheet.write_datetime(top + 1 + r, c, pd.Timestamp(value).to_pydatetime(), date_format)
            else:
                _write_cell(sheet, top + 1 + r, c, value, cell_format)
            if (r, c) in spec.notes:
                sheet.write_comment(top + 1 + r, c, spec.notes[(r, c)], {"x_scale": 2.5, "y_scale": 2})
    widths = spec.widths or _auto_widths(spec)
    for col, width in enumerate(widths):
        sheet.set_column(col, col, width, _column_format(fmt, spec, col))
    for first, last, source in spec.dropdowns:
        sheet.data_validation(
            top + 1,
            first,
            top + spec.dropdown_rows,
            last,
            {
                "validate": "list",
                "source": source,
                "error_type": "warning",
                "error_title": "Значение не из списка",
                "error_message": "Выберите значение из списка.",
            },
        )
    for first, last, options in spec.validations:
        sheet.data_validation(top + 1, first, top + spec.dropdown_rows, last, options)
    if spec.freeze_header:
        sheet.freeze_panes(top + 1, 0)
    if spec.autofilter and spec.header:
        sheet.autofilter(top, 0, top + max(len(spec.rows), 1), len(spec.header) - 1)
    if spec.hidden:
        sheet.hide()


def _write_plain_row(sheet, excel_row: int, row: list, fmt: _Formats) -> None:
    """A row without marks or notes: the same cells as the general loop writes, text without its detours."""
    for c, value in enumerate(row):
        if type(value) is str:
            if value:
                sheet.write_string(excel_row, c, safe_text(value), None)
        elif isinstance(value, (dt.date, pd.Timestamp)) and not pd.isna(value):
            sheet.write_datetime(excel_row, c, pd.Timestamp(value).to_pydatetime(), fmt.date)
        else:
            _write_cell(sheet, excel_row, c, value, None)


def _column_format(fmt: _Formats, spec: SheetSpec, col: int):
    if col in spec.text_columns:
        return fmt.text_wrap if col in spec.wrap_columns else fmt.text
    if col in spec.date_columns:
        return fmt.date
    return fmt.wrap if col in spec.wrap_columns else None


def _write_cell(sheet, row: int, col: int, value: object, cell_format) -> None:
    value = display(value)
    if value == "" or value is None:
        if cell_format is not None:
            sheet.write_blank(row, col, None, cell_format)
        return
    if isinstance(value, bool):
        sheet.write_string(row, col, "да" if value else "нет", cell_format)
    elif isinstance(value, (int, float)):
        sheet.write_number(row, col, value, cell_format)
    else:
        sheet.write_string(row, col, safe_text(str(value)), cell_format)


def _auto_widths(spec: SheetSpec) -> list[int]:
    widths = []
    for col, head in enumerate(spec.header):
        longest = max(
            [len(str(head)) * 0.8] + [len(str(row[col])) for row in spec.rows[:500] if col < len(row)]
        )
        widths.append(int(min(max(longest + 2, 8), 60)))
    return widths


def normalise_zip(path: Path) -> Path:
    """Rewrite an .xlsx written by another library with fixed member times and creation dates, so the same
    content gives the same bytes."""
    with zipfile.ZipFile(path) as source:
        members = [(info.filename, source.read(info.filename)) for info in source.infolist()]
    path.unlink()  # written anew, not in place: the file may be a link into the workbook cache
    stamp = FIXED_CREATED.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in members:
            if name == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>" + stamp, data)
            info = zipfile.ZipInfo(name, date_time=FIXED_CREATED.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, data)
    return path


def write_csv(path: Path, frame: pd.DataFrame) -> Path:
    """A UTF-8 CSV with every text cell made safe to open in a spreadsheet program."""
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(list(frame.columns))
    for row in frame.itertuples(index=False, name=None):
        writer.writerow([_csv_value(v) for v in row])
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def _csv_value(value: object) -> str:
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, (pd.Timestamp, dt.datetime, dt.date)):
        return value.strftime("%Y-%m-%d")  # open data takes ISO dates
    # The writer quotes a field only for "\n" (its line end): a bare CR would go out unquoted, and a
    # spreadsheet program would start a new row at it, with whatever follows read as a formula.
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    stripped = text.lstrip()
    if stripped != text and safe_text(stripped) != stripped:
        return "'" + text  # a formula behind leading white space, which some programs trim on import
    return safe_text(text)
