"""Cheap, bounded scans of the XML inside a workbook: entities, absurd ranges, giant text, formulas, errors."""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO

import numpy as np
from defusedxml import ElementTree as SafeTree

CHUNK_BYTES = 1 << 20
# A token the byte scans look for is never longer than this; windows overlap by as much.
OVERLAP_BYTES = 512

# DOCTYPE/ENTITY in ASCII-compatible encodings and in both UTF-16 byte orders (a hostile writer may use either).
_DECLARATIONS = [
    word.encode(enc) for word in ("<!DOCTYPE", "<!ENTITY") for enc in ("ascii", "utf-16-le", "utf-16-be")
]
DECLARATION_RE = re.compile(b"|".join(re.escape(d) for d in _DECLARATIONS), re.IGNORECASE)
ROW_RE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")
ROW_NUMBER_RE = re.compile(rb'\sr="(\d{1,12})"')
DIMENSION_RE = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?dimension\s[^>]*?ref="([^"]{0,64})"')
FORMULA_RE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s/>]")
ERROR_TYPE_RE = re.compile(rb'\st="e"')
INLINE_RUN_RE = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?is[\s>](?:(?!</(?:[A-Za-z_][\w.-]*:)?is>).){0,4096}?<(?:[A-Za-z_][\w.-]*:)?r>",
    re.S,
)
OLE_RE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?oleObjects?[\s>]")
CONTROL_RE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?controls?[\s>]")
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


def _greater_than(text: str, alphabet: str) -> str:
    """A regex matching strings of the alphabet (no leading zero/blank) ranking above text: longer, or same length
    and greater place by place."""
    first, last = alphabet[0], alphabet[-1]
    lead = alphabet[1] if alphabet == "0123456789" else first
    options = [f"[{lead}-{last}][{first}-{last}]{{{len(text)},}}"]
    for i, ch in enumerate(text):
        following = alphabet.index(ch) + 1
        if following < len(alphabet):
            options.append(
                f"{re.escape(text[:i])}[{alphabet[following]}-{last}][{first}-{last}]{{{len(text) - i - 1}}}"
            )
    return "|".join(options)


def beyond_limits_pattern(max_rows: int, max_cols: int) -> re.Pattern:
    """Any r="..." attribute (a cell or a row) that points past the limits, found at C speed."""
    cols = _greater_than(column_letters(max_cols), "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    rows = _greater_than(str(max_rows), "0123456789")
    return re.compile(rf'\sr="(?:(?:{cols})\d|[A-Z]*(?:{rows})")'.encode())


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
    rows_seen: int = 0
    last_row: int = 0
    dimension: str = ""
    has_formulas: bool = False
    has_errors: bool = False
    has_inline_runs: bool = False
    has_ole: bool = False
    has_controls: bool = False
    longest_text: int = 0
    structure_ok: bool = True
    notes: list[str] = field(default_factory=list)


def scan_part(
    stream: IO[bytes], cap: int, *, sheet: bool = False, beyond: re.Pattern | None = None, max_rows: int = 0
) -> PartScan:
    """One pass over a part's raw bytes. For a sheet also rows, dimension and what needs a closer look;
    raises ScanAbort at the first absurd reference."""
    found = PartScan()
    first = True
    tail = b""
    runs = TextRuns()
    for window, fresh_end, final in windows(stream, cap):
        limit = len(window) if final else fresh_end
        if first:
            first = False
            if sheet and not SHEET_START_RE.match(window[:64]):
                found.structure_ok = False
        if DECLARATION_RE.search(window):
            found.declarations = True
            return found
        runs.feed(window[:limit])
        found.longest_text = runs.result()
        if not sheet:
            tail = window[-64:]
            continue
        if not found.dimension and (m := DIMENSION_RE.search(window)):
            found.dimension = m.group(1).decode("ascii", "replace")
        if beyond is not None and (m := beyond.search(window)):
            raise ScanAbort("absurd_range", m.group(0).decode("ascii", "replace").split('"')[1])
        rows = [m for m in ROW_RE.finditer(window) if m.start() < limit]
        found.rows_seen += len(rows)
        if rows:
            number = ROW_NUMBER_RE.search(window[rows[-1].start() : rows[-1].start() + 400].split(b">")[0])
            found.last_row = int(number.group(1)) if number else found.last_row + len(rows)
        if max_rows and max(found.rows_seen, found.last_row) > max_rows:
            raise ScanAbort("absurd_range", f"{max(found.rows_seen, found.last_row)} строк")
        found.has_formulas = found.has_formulas or bool(FORMULA_RE.search(window))
        found.has_errors = found.has_errors or bool(ERROR_TYPE_RE.search(window))
        found.has_inline_runs = found.has_inline_runs or bool(INLINE_RUN_RE.search(window))
        found.has_ole = found.has_ole or bool(OLE_RE.search(window))
        found.has_controls = found.has_controls or bool(CONTROL_RE.search(window))
        tail = window[-64:]
    if sheet and not tail.rstrip().endswith(b"worksheet>"):
        found.structure_ok = False
    return found


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
