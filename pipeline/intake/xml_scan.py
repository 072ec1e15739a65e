"""Cheap, bounded scans of the XML inside a workbook: entities, absurd ranges, giant text, formulas, errors."""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO

import numpy as np
from defusedxml import ElementTree as SafeTree

CHUNK_BYTES = 1 << 20
# A token or a formula cell the byte scans cut out is never longer than this; windows overlap by as much.
OVERLAP_BYTES = 64 * 1024

# DOCTYPE/ENTITY in ASCII-compatible encodings and in both UTF-16 byte orders (a hostile writer may use either).
_DECLARATIONS = [
    word.encode(enc) for word in ("<!DOCTYPE", "<!ENTITY") for enc in ("ascii", "utf-16-le", "utf-16-be")
]
DECLARATION_RE = re.compile(b"|".join(re.escape(d) for d in _DECLARATIONS), re.IGNORECASE)
DIMENSION_RE = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?dimension\s[^>]*?ref="([^"]{0,64})"')
SHEET_START_RE = re.compile(rb"^(?:\xef\xbb\xbf)?\s*<")


class ScanAbort(Exception):
    """A part is over a limit; the scan stops at once instead of reading the rest."""

    def __init__(self, code: str, value: str = "", expected: str = ""):
        super().__init__(code, value)
        self.code, self.value, self.expected = code, value, expected


def column_letters(index: int) -> str:
    """1 -> A, 300 -> KN."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_number(letters: str) -> int:
    number = 0
    for ch in letters.upper():
        number = number * 26 + (ord(ch) - 64)
    return number


def split_ref(ref: str) -> tuple[int, int] | None:
    """'C12' -> (12, 3); None when it is not a cell reference."""
    match = re.fullmatch(r"\$?([A-Za-z]{1,7})\$?(\d{1,12})", ref.strip())
    if not match:
        return None
    return int(match.group(2)), column_number(match.group(1))


def windows(stream: IO[bytes], cap: int) -> Iterator[tuple[bytes, int, bool]]:
    """Overlapping windows over a stream, read at most cap bytes: (window, fresh_end, final). A match starting
    before fresh_end belongs to this window; later ones are seen again in the next window."""
    carry = b""
    total = 0
    while True:
        chunk = stream.read(CHUNK_BYTES)
        total += len(chunk)
        if total > cap:
            raise ScanAbort("zip_bomb", f"часть больше {cap // 2**20} МБ при распаковке")
        if not chunk:
            if carry:
                yield carry, len(carry), True
            return
        window = carry + chunk
        fresh_end = max(len(window) - OVERLAP_BYTES, 0)
        yield window, fresh_end, False
        carry = window[fresh_end:]


class TextRuns:
    """The longest run of bytes without '<' (a lower bound on a text node's size), fed segment by segment."""

    def __init__(self):
        self.longest = 0
        self.run = 0

    def feed(self, segment: bytes) -> None:
        positions = np.flatnonzero(np.frombuffer(segment, dtype=np.uint8) == 60)
        if len(positions) == 0:
            self.run += len(segment)
            return
        self.longest = max(self.longest, self.run + int(positions[0]))
        if len(positions) > 1:
            self.longest = max(self.longest, int(np.diff(positions).max()) - 1)
        self.run = len(segment) - int(positions[-1]) - 1

    def result(self) -> int:
        return max(self.longest, self.run)


@dataclass
class PartScan:
    """What the byte scan of one XML part found."""

    declarations: bool = False
    longest_text: int = 0


def _has_declaration(window: bytes) -> bool:
    # A literal search first: "<!" is rare in spreadsheet XML (comments, CDATA), the full pattern is slow.
    if b"<!" in window or b"<\x00!" in window or b"\x00<\x00!" in window:
        return bool(DECLARATION_RE.search(window))
    return False


def scan_part(stream: IO[bytes], cap: int) -> PartScan:
    """One pass over a part's raw bytes: DTD or entity declarations, and the longest text run."""
    found = PartScan()
    runs = TextRuns()
    for window, fresh_end, final in windows(stream, cap):
        if _has_declaration(window):
            found.declarations = True
            return found
        runs.feed(window[: len(window) if final else fresh_end])
    found.longest_text = runs.result()
    return found


@dataclass
class SheetScan:
    """What the byte scan of one worksheet found; full_parse_needed when the fast path could not be sure."""

    declarations: bool = False
    structure_ok: bool = True
    dimension: str = ""
    rows_seen: int = 0
    last_row: int = 0
    formulas: dict[str, bool] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    full_parse_needed: bool = False
    has_ole: bool = False
    has_controls: bool = False
    longest_text: int = 0


PREFIXED_ROOT_RE = re.compile(rb"<[A-Za-z_][\w.-]*:worksheet[\s>]")
ROW_PLAIN_RE = re.compile(rb"<row[\s/>]")
FORMULA_PLAIN_RE = re.compile(rb"<f[\s/>]")
ERROR_PLAIN_RE = re.compile(rb't="e"')
CELL_REF_RE = re.compile(rb'\sr="([A-Z]{1,3}\d{1,7})"')
CELL_TYPE_RE = re.compile(rb'\st="([a-zA-Z]{1,9})"')
VALUE_RE = re.compile(rb"<v>([^<]*)</v>|<v\s*/>")
XML_ESCAPES = {b"&amp;": b"&", b"&lt;": b"<", b"&gt;": b">", b"&quot;": b'"', b"&apos;": b"'"}
LETTER_A, LETTER_Z, DIGIT_0, DIGIT_9 = 65, 90, 48, 57
WHITESPACE = np.array([32, 9, 10, 13], dtype=np.uint8)


def scan_sheet(stream: IO[bytes], cap: int, max_rows: int, max_cols: int) -> SheetScan:
    """One pass over a worksheet at C speed (byte searches, numpy): rows, references past the limits, formula
    and error cells. Raises ScanAbort at the first absurd reference."""
    found = SheetScan()
    runs = TextRuns()
    first, tail = True, b""
    for window, fresh_end, final in windows(stream, cap):
        limit = len(window) if final else fresh_end
        if first:
            first = False
            found.structure_ok = bool(SHEET_START_RE.match(window[:64]))
            found.full_parse_needed = bool(PREFIXED_ROOT_RE.search(window[:4096]))
            if m := DIMENSION_RE.search(window):
                found.dimension = m.group(1).decode("ascii", "replace")
        if _has_declaration(window):
            found.declarations = True
            return found
        runs.feed(window[:limit])
        _check_references(window, limit, max_rows, max_cols, found)
        # Every match of "<row" plus one byte is five bytes long: the end bound keeps exactly those starting
        # before the limit.
        found.rows_seen += len(ROW_PLAIN_RE.findall(window, 0, limit + 4))
        if found.rows_seen > max_rows:
            raise ScanAbort("absurd_range", f"{found.rows_seen} строк")
        if not found.full_parse_needed:
            _locate_cells(window, limit, final, found)
        found.has_ole = found.has_ole or b"oleObject" in window
        found.has_controls = found.has_controls or b"<controls" in window or b":controls" in window
        if b"<is" in window and (b"<r>" in window or b"<r " in window):
            found.full_parse_needed = True  # rich inline strings: their length needs the parser
        tail = window[-64:]
    found.longest_text = runs.result()
    found.structure_ok = found.structure_ok and tail.rstrip().endswith(b"worksheet>")
    if not found.last_row and found.rows_seen:
        found.last_row = found.rows_seen  # rows without r attributes: their count is the best estimate
    return found


def _check_references(window: bytes, limit: int, max_rows: int, max_cols: int, found: SheetScan) -> None:
    """Every r="..." attribute (rows and cells) read with numpy; any past the limits stops the scan."""
    data = np.frombuffer(window, dtype=np.uint8)
    size = len(data)
    if size < 8:
        return
    at = np.flatnonzero(data[1 : size - 3] == ord("r")) + 1
    at = at[(data[at + 1] == ord("=")) & (data[at + 2] == ord('"')) & np.isin(data[at - 1], WHITESPACE)]
    at = at[at < limit]
    if len(at) == 0:
        return
    col = np.zeros(len(at), dtype=np.int64)
    letters = np.zeros(len(at), dtype=np.int64)
    reading = np.ones(len(at), dtype=bool)
    for step in range(4):  # four letters are past any real column
        ch = data[np.minimum(at + 3 + step, size - 1)].astype(np.int64)
        letter = reading & (ch >= LETTER_A) & (ch <= LETTER_Z)
        col = np.where(letter, col * 26 + ch - 64, col)
        letters += letter
        reading &= letter
    row = np.zeros(len(at), dtype=np.int64)
    reading = np.ones(len(at), dtype=bool)
    for step in range(12):  # twelve digits are past any real row
        ch = data[np.minimum(at + 3 + letters + step, size - 1)].astype(np.int64)
        digit = reading & (ch >= DIGIT_0) & (ch <= DIGIT_9)
        row = np.where(digit, row * 10 + ch - 48, row)
        reading &= digit
    found.last_row = max(found.last_row, int(row.max()))
    beyond = np.flatnonzero((row > max_rows) | (col > max_cols))
    if len(beyond):
        start = int(at[beyond[0]]) + 3
        raise ScanAbort(
            "absurd_range", window[start : window.find(b'"', start, start + 24)].decode("ascii", "replace")
        )


def _locate_cells(window: bytes, limit: int, final: bool, found: SheetScan) -> None:
    """Formula and error cells cut out of the window by byte search and read by pattern; anything unusual
    (no reference, a cell running past the window) hands the sheet to the full parser."""
    found_at: dict[int, int] = {}  # where the enclosing cell should start -> where its marker is
    # Each pattern's matches have a fixed length; the end bounds keep those starting before the limit.
    for match in FORMULA_PLAIN_RE.finditer(window, 0, limit + 2):
        found_at[window.rfind(b"<c ", 0, match.start())] = match.start()
    for match in ERROR_PLAIN_RE.finditer(window, 0, limit + 4):
        found_at[window.rfind(b"<", 0, match.start())] = match.start()
    for start, marker in sorted(found_at.items()):
        tag_end = window.find(b">", start)
        if start < 0 or tag_end < 0 or not window.startswith(b"<c ", start):
            found.full_parse_needed = True
            return
        if window[tag_end - 1] == ord("/"):
            cell = window[start : tag_end + 1]
        else:
            close = window.find(b"</c>", tag_end)
            cell = window[start : close + 4] if close >= 0 else b""
        # The marker must lie inside the cell cut out, or the cut went wrong (an odd tag, a cell past the window).
        if not start <= marker < start + len(cell) or not _read_cell_bytes(cell, found):
            found.full_parse_needed = True
            return


def _read_cell_bytes(cell: bytes, found: SheetScan) -> bool:
    head = cell[: cell.find(b">") + 1]
    ref = CELL_REF_RE.search(head)
    if not ref or b"<c " in cell[3:] or b"<is" in cell or b"<![CDATA[" in cell:
        return False
    kind_match = CELL_TYPE_RE.search(head)
    kind = kind_match.group(1) if kind_match else b""
    value = VALUE_RE.search(cell)
    text = value.group(1) if value and value.group(1) is not None else b""
    for escaped, plain in XML_ESCAPES.items():
        text = text.replace(escaped, plain)
    name = ref.group(1).decode("ascii")
    if FORMULA_PLAIN_RE.search(cell):
        found.formulas[name] = value is not None and (bool(text) or kind == b"str")
    if kind == b"e":
        found.errors[name] = text.decode("utf-8", "replace").strip()
    return True


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


@dataclass
class CellScan:
    formulas: dict[str, bool] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    longest_text: int = 0


def scan_sheet_cells(stream: IO[bytes]) -> CellScan:
    """A streaming, entity-free parse that locates formula cells, error cells and the longest inline text."""
    found = CellScan()
    sheet_data = None
    row_number = 0
    col_number = 0
    for event, elem in SafeTree.iterparse(stream, events=("start", "end"), forbid_dtd=True):
        name = local(elem.tag)
        if event == "start":
            if name == "sheetData":
                sheet_data = elem
            elif name == "row":
                row_number = int(elem.get("r") or row_number + 1)
                col_number = 0
            continue
        if name == "c":
            where = split_ref(elem.get("r") or "")
            col_number = where[1] if where else col_number + 1
            ref = f"{column_letters(col_number)}{row_number}"
            _read_cell(elem, ref, found)
            elem.clear()
        elif name == "row" and sheet_data is not None:
            sheet_data.clear()
    return found


def _read_cell(elem, ref: str, found: CellScan) -> None:
    formula = value = inline = None
    for child in elem:
        name = local(child.tag)
        if name == "f":
            formula = child
        elif name == "v":
            value = child
        elif name == "is":
            inline = child
    kind = elem.get("t", "")
    if formula is not None:
        found.formulas[ref] = value is not None and (bool(value.text) or kind == "str")
    if kind == "e":
        found.errors[ref] = (value.text or "").strip() if value is not None else ""
    if inline is not None:
        found.longest_text = max(found.longest_text, len("".join(inline.itertext())))
    if value is not None and value.text:
        found.longest_text = max(found.longest_text, len(value.text))


def longest_shared_string(stream: IO[bytes]) -> int:
    """The longest shared string in characters, its rich-text runs joined, parsed without entities."""
    longest = 0
    root = None
    for event, elem in SafeTree.iterparse(stream, events=("start", "end"), forbid_dtd=True):
        if event == "start":
            root = elem if root is None else root
            continue
        if local(elem.tag) == "si":
            # Phonetic runs (rPh) are hints, not text; only t and r/t make up the string.
            texts = [c for c in elem if local(c.tag) == "t"]
            texts += [t for r in elem if local(r.tag) == "r" for t in r if local(t.tag) == "t"]
            longest = max(longest, sum(len(t.text or "") for t in texts))
            root.clear()
    return longest
