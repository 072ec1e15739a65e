"""A streaming, entity-free look at an OpenDocument spreadsheet's content: sheets, formulas, errors, sizes."""

from dataclasses import dataclass, field
from typing import IO

from defusedxml import ElementTree as SafeTree

from pipeline.intake.xml_scan import column_letters

TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
STYLE = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"
CALCEXT = "{urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0}"
CELLS = (f"{TABLE}table-cell", f"{TABLE}covered-table-cell")
# Older LibreOffice versions store an error result only as the text a person sees.
ERROR_TEXTS = {"#DIV/0!", "#NAME?", "#VALUE!", "#REF!", "#N/A", "#NUM!", "#NULL!"}


@dataclass
class ContentScan:
    formulas: dict[str, dict[str, bool]] = field(default_factory=dict)
    errors: dict[str, dict[str, str]] = field(default_factory=dict)
    hidden: set[str] = field(default_factory=set)
    rows: dict[str, int] = field(default_factory=dict)  # sheet -> last row with content
    problem: tuple[str, str, str] | None = None  # (code, value, sheet) that makes the file unreadable


@dataclass
class _Place:
    sheet: str = ""
    row: int = 0  # rows finished so far
    row_repeat: int = 1
    col: int = 0


def scan_content(stream: IO[bytes], limits) -> ContentScan:
    """Walk content.xml once; repeated rows and columns are counted, never expanded."""
    found = ContentScan()
    hidden_styles: set[str] = set()
    place = _Place()
    stack = []
    for event, elem in SafeTree.iterparse(stream, events=("start", "end"), forbid_dtd=True):
        if event == "start":
            stack.append(elem)
            if elem.tag == f"{TABLE}table":
                place = _Place(sheet=elem.get(f"{TABLE}name", ""))
                if elem.get(f"{TABLE}style-name") in hidden_styles:
                    found.hidden.add(place.sheet)
            elif elem.tag == f"{TABLE}table-row":
                place.row_repeat = _count(elem.get(f"{TABLE}number-rows-repeated"))
                place.col = 0
            continue
        stack.pop()
        if elem.tag == f"{STYLE}style" and elem.get(f"{STYLE}family") == "table":
            if any(p.get(f"{TABLE}display") == "false" for p in elem):
                hidden_styles.add(elem.get(f"{STYLE}name", ""))
        elif elem.tag in CELLS:
            found.problem = _read_cell(elem, place, found, limits)
            if found.problem:
                return found
            elem.clear()
        elif elem.tag == f"{TABLE}table-row":
            place.row += place.row_repeat
            if stack:
                stack[-1].remove(elem)
    return found


def _count(text: str | None) -> int:
    try:
        return max(int(text or 1), 1)
    except ValueError:
        return 1


def _read_cell(elem, place: _Place, found: ContentScan, limits) -> tuple[str, str, str] | None:
    repeat = _count(elem.get(f"{TABLE}number-columns-repeated"))
    first_col = place.col + 1
    place.col += repeat
    text = "".join(elem.itertext())
    value_type = elem.get(f"{OFFICE}value-type")
    if not text and not value_type:
        return None
    last_row = place.row + place.row_repeat
    if last_row > limits.max_rows or place.col > limits.max_cols:
        return "absurd_range", f"{column_letters(place.col)}{last_row}", place.sheet
    if len(text) > limits.max_cell_chars:
        return "giant_cell", str(len(text)), place.sheet
    found.rows[place.sheet] = max(found.rows.get(place.sheet, 0), last_row)
    ref = f"{column_letters(first_col)}{place.row + 1}"
    formula = elem.get(f"{TABLE}formula")
    is_error = elem.get(f"{CALCEXT}value-type") == "error" or (formula and text.strip() in ERROR_TEXTS)
    if formula:
        found.formulas.setdefault(place.sheet, {})[ref] = bool(value_type) and not is_error or bool(text)
    if is_error:
        found.errors.setdefault(place.sheet, {})[ref] = text.strip()
    return None
