"""A cheap, safe look at a submitted file before any parser touches it: format, zip bombs, entities, formulas."""

import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from defusedxml import ElementTree as SafeTree

from pipeline.intake import xml_scan
from pipeline.intake.compound_file import CompoundFileBroken, describe_compound_file
from pipeline.intake.file_sniff import describe_bytes
from pipeline.intake.ods_scan import scan_content

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Members this small cannot be bombs whatever their ratio; a sheet of blank styled rows compresses well.
RATIO_FLOOR_BYTES = 1 << 20
SMALL_PART_CAP = 32 << 20  # workbook.xml, rels, content types, manifests
WORKSHEET_RE = re.compile(r"xl/worksheets/[^/]+\.xml$", re.IGNORECASE)
NESTED_ARCHIVE_SUFFIXES = (".zip", ".jar", ".7z", ".rar", ".gz", ".tar", ".cab")

MAIN_TYPES = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": "xlsx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml": "xlsx",
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml": "xlsm",
    "application/vnd.ms-excel.template.macroEnabled.main+xml": "xlsm",
}
OTHER_PACKAGES = {
    "application/vnd.ms-excel.sheet.binary.macroEnabled.main": "двоичная книга Excel (.xlsb)",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": "документ Word (.docx)",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": "презентация PowerPoint (.pptx)",
}
ODS_TYPES = (
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.spreadsheet-template",
)
FORMAT_TITLES = {
    "xlsx": "книга Excel (.xlsx)",
    "xlsm": "книга Excel с макросами (.xlsm)",
    "xls": "книга Excel 97–2003 (.xls)",
    "ods": "таблица OpenDocument (.ods)",
}


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 50 * 2**20
    max_members: int = 2000  # zip members
    max_uncompressed_bytes: int = 500 * 2**20  # total declared
    max_ratio: float = 200.0  # per member compressed:uncompressed
    max_rows: int = 200_000  # per sheet, from <dimension> or the last row seen
    max_cols: int = 300
    max_cell_chars: int = 32_767


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class Finding:
    code: str  # a key of pipeline.issues.TEMPLATES
    value: str = ""
    sheet: str = ""
    cell: str = ""  # "C12"
    params: tuple[tuple[str, str], ...] = ()  # extra template parameters, e.g. (("expected", "200000"),)


@dataclass
class Inspection:
    format: str  # "xlsx", "xlsm", "xls", "ods" or "" when not a spreadsheet
    readable: bool  # False: do not parse at all; the findings say why (errors)
    findings: list[Finding] = field(default_factory=list)
    formulas: dict[str, dict[str, bool]] = field(default_factory=dict)  # sheet -> {cell: has a cached value}
    errors: dict[str, dict[str, str]] = field(default_factory=dict)  # sheet -> {cell: "#DIV/0!"}
    hidden_sheets: set[str] = field(default_factory=set)
    sheet_rows: dict[str, int] = field(default_factory=dict)  # sheet -> last used row (best effort)

    def refuse(self, code: str, value: str = "", sheet: str = "", expected: str = "") -> None:
        params = (("expected", expected),) if expected else ()
        self.findings.append(Finding(code, value, sheet, params=params))
        self.readable = False

    def note(self, code: str, value: str = "", expected: str = "") -> None:
        params = (("expected", expected),) if expected else ()
        self.findings.append(Finding(code, value, params=params))


class Refused(Exception):
    """Inspection stops: the file must not be parsed; the finding is already recorded."""


def inspect_workbook(path: Path, limits: Limits = DEFAULT_LIMITS) -> Inspection:
    """What the file really is and whether it is safe to parse; never raises on bad input."""
    result = Inspection(format="", readable=True)
    try:
        _inspect(Path(path), limits, result)
    except Refused:
        pass
    except xml_scan.ScanAbort as stop:
        result.refuse(stop.code, stop.value, expected=stop.expected)
    except Exception as error:  # every other failure of a hostile or broken file means "unreadable"
        result.refuse("file_unreadable", _reason(error))
    if not result.readable:
        result.formulas, result.errors = {}, {}
    return result


def megabytes(size: int) -> str:
    return f"{size / 2**20:.1f} МБ".replace(".", ",")


def _inspect(path: Path, limits: Limits, result: Inspection) -> None:
    size = path.stat().st_size
    if size > limits.max_file_bytes:
        result.refuse("file_too_large", megabytes(size), expected=megabytes(limits.max_file_bytes))
        raise Refused
    with path.open("rb") as handle:
        head = handle.read(4096)
    if head.startswith(ZIP_MAGIC):
        _inspect_zip(path, limits, result)
    elif head.startswith(CFB_MAGIC):
        verdict = describe_compound_file(path)
        if verdict.encrypted:
            result.refuse("file_encrypted")
        elif verdict.workbook:
            result.format = "xls"
        else:
            result.refuse("file_format_unsupported", verdict.description)
    else:
        result.refuse("file_format_unsupported", describe_bytes(head, size))
    _note_suffix(path, result)


def _note_suffix(path: Path, result: Inspection) -> None:
    if result.readable and result.format and path.suffix.lower() != f".{result.format}":
        result.note("file_suffix_mismatch", path.suffix or "без расширения", FORMAT_TITLES[result.format])


def _reason(error: Exception) -> str:
    if isinstance(error, CompoundFileBroken):
        return str(error)
    if isinstance(error, zipfile.BadZipFile | EOFError):
        return "архив повреждён или скопирован не полностью"
    if isinstance(error, SafeTree.ParseError):
        return "повреждена разметка XML внутри книги"
    if isinstance(error, MemoryError):
        return "не хватило памяти"
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return f"внутренняя ошибка разбора ({text[:150]})"


# --- zip containers -------------------------------------------------------------------------------------------


def _inspect_zip(path: Path, limits: Limits, result: Inspection) -> None:
    _check_directory_size(path, limits, result)
    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
        _check_members(infos, limits, result)
        names = {info.filename for info in infos}
        for info in infos:
            # Worksheets, the bulk of the bytes, are checked in their own single pass.
            if _is_xml_part(info.filename) and not WORKSHEET_RE.match(info.filename):
                _refuse_entities(archive, info.filename, limits, result)
        if "mimetype" in names and "[Content_Types].xml" not in names:
            _inspect_ods(archive, names, limits, result)
        elif "[Content_Types].xml" in names:
            _inspect_ooxml(archive, names, limits, result)
        else:
            result.refuse("file_format_unsupported", "архив ZIP, а не книга Excel")


def _check_directory_size(path: Path, limits: Limits, result: Inspection) -> None:
    """Count members from the end-of-directory record before the zip module builds an object per member."""
    with path.open("rb") as handle:
        handle.seek(0, 2)
        size = handle.tell()
        handle.seek(max(size - 65_557, 0))
        tail = handle.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) < at + 22:
        raise zipfile.BadZipFile("no end of central directory")
    declared = int.from_bytes(tail[at + 10 : at + 12], "little")
    directory_bytes = int.from_bytes(tail[at + 12 : at + 16], "little")
    # A member's directory entry is 46 bytes plus its name; 1 KiB each is far beyond any real workbook.
    if declared > limits.max_members or directory_bytes > limits.max_members * 1024:
        count = declared if declared != 0xFFFF else directory_bytes // 46
        result.refuse("too_many_members", str(count), expected=str(limits.max_members))
        raise Refused


def _check_members(infos: list[zipfile.ZipInfo], limits: Limits, result: Inspection) -> None:
    if len(infos) > limits.max_members:
        result.refuse("too_many_members", str(len(infos)), expected=str(limits.max_members))
        raise Refused
    seen: set[str] = set()
    for info in infos:
        problem = _name_problem(info.filename, seen)
        if problem:
            result.refuse("zip_suspicious_member", problem)
            raise Refused
        seen.add(info.filename.lower())
        if info.flag_bits & 0x1:
            result.refuse("file_encrypted")
            raise Refused
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            result.refuse("file_unreadable", f"часть «{info.filename}» сжата неизвестным способом")
            raise Refused
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_FLOOR_BYTES and ratio > limits.max_ratio:
            result.refuse("zip_bomb", f"часть «{info.filename}» сжата в {ratio:.0f} раз")
            raise Refused
    total = sum(info.file_size for info in infos)
    if total > limits.max_uncompressed_bytes:
        result.refuse("zip_bomb", megabytes(total), expected=megabytes(limits.max_uncompressed_bytes))
        raise Refused
    _check_overlaps(infos, result)


def _name_problem(name: str, seen: set[str]) -> str:
    parts = PurePosixPath(name.replace("\\", "/")).parts
    if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name) or ".." in parts or "\x00" in name:
        return f"недопустимое имя «{name[:120]}»"
    if name.lower() in seen:
        return f"имя «{name[:120]}» повторяется"
    inside_embeddings = name.startswith("xl/embeddings/")
    if name.lower().endswith(NESTED_ARCHIVE_SUFFIXES) and not inside_embeddings:
        return f"вложенный архив «{name[:120]}»"
    return ""


def _check_overlaps(infos: list[zipfile.ZipInfo], result: Inspection) -> None:
    """Members sharing bytes (the overlapping-file zip bomb) are never written by a spreadsheet program."""
    ordered = sorted(infos, key=lambda info: info.header_offset)
    for before, after in zip(ordered, ordered[1:], strict=False):
        if before.header_offset + 30 + before.compress_size > after.header_offset:
            result.refuse("zip_bomb", f"части «{before.filename}» и «{after.filename}» перекрываются")
            raise Refused


def _refuse_entities(archive: zipfile.ZipFile, name: str, limits: Limits, result: Inspection) -> None:
    info = archive.getinfo(name)
    with archive.open(info) as stream:
        if xml_scan.scan_part(stream, _cap(info, limits)).declarations:
            result.refuse("xml_entities", name)
            raise Refused


def _is_xml_part(name: str) -> bool:
    return name.lower().endswith((".xml", ".rels", ".vml")) or name == "mimetype"


def _cap(info: zipfile.ZipInfo, limits: Limits) -> int:
    # Never trust the declared size alone: read at most what was declared (and what the limits allow).
    return min(info.file_size, limits.max_uncompressed_bytes)


def _read_small(archive: zipfile.ZipFile, name: str, limits: Limits) -> bytes:
    info = archive.getinfo(name)
    cap = min(_cap(info, limits), SMALL_PART_CAP)
    with archive.open(info) as stream:
        data = stream.read(cap + 1)
    if len(data) > cap:
        raise xml_scan.ScanAbort("zip_bomb", f"часть «{name}» больше {megabytes(cap)}")
    return data


def _parse_small(archive: zipfile.ZipFile, name: str, limits: Limits):
    return SafeTree.fromstring(_read_small(archive, name, limits), forbid_dtd=True)


# --- OOXML ----------------------------------------------------------------------------------------------------


def _inspect_ooxml(archive: zipfile.ZipFile, names: set[str], limits: Limits, result: Inspection) -> None:
    content_types = _parse_small(archive, "[Content_Types].xml", limits)
    types = {item.get("ContentType", "") for item in content_types if xml_scan.local(item.tag) == "Override"}
    main = [MAIN_TYPES[t] for t in types if t in MAIN_TYPES]
    if not main:
        other = [OTHER_PACKAGES[t] for t in sorted(types) if t in OTHER_PACKAGES]
        result.refuse("file_format_unsupported", other[0] if other else "архив ZIP, а не книга Excel")
        raise Refused
    result.format = "xlsm" if "xlsm" in main else "xlsx"
    _note_package_parts(names, result)
    sheets = _sheet_parts(archive, names, limits, result)
    for title, _part, state in sheets:
        if state in ("hidden", "veryHidden"):
            result.hidden_sheets.add(title)
    scanned = set()
    for title, part, _state in sheets:
        if part in names and part not in scanned:
            scanned.add(part)
            _inspect_sheet(archive, title, part, limits, result)
    for name in sorted(names - scanned):
        if WORKSHEET_RE.match(name):  # a sheet no title points to: still checked for entities
            _refuse_entities(archive, name, limits, result)
    for name in sorted(names):
        if re.fullmatch(r"xl/sharedStrings\d*\.xml", name, re.IGNORECASE):
            _check_shared_strings(archive, name, limits, result)


def _note_package_parts(names: set[str], result: Inspection) -> None:
    lowered = sorted(name.lower() for name in names)
    if any(name.endswith("vbaproject.bin") for name in lowered):
        result.note("macros_ignored")
    if any(name.startswith("xl/externallinks/") for name in lowered):
        result.note("external_links")
    embedded = [
        PurePosixPath(name).name for name in sorted(names) if name.lower().startswith("xl/embeddings/")
    ]
    if embedded:
        shown = ", ".join(embedded[:3]) + (f" и ещё {len(embedded) - 3}" if len(embedded) > 3 else "")
        result.note("embedded_objects", shown)
    if any(name.startswith("xl/activex/") for name in lowered):
        result.note("activex")


def _sheet_parts(archive, names: set[str], limits: Limits, result: Inspection) -> list[tuple[str, str, str]]:
    """(title, part name, state) of every sheet, in workbook order."""
    workbook_part = "xl/workbook.xml"
    if "_rels/.rels" in names:
        for rel in _parse_small(archive, "_rels/.rels", limits):
            if rel.get("Type", "").endswith("/officeDocument"):
                workbook_part = _resolve("", rel.get("Target", ""))
    if workbook_part not in names:
        result.refuse("file_unreadable", "в книге нет описания листов (workbook.xml)")
        raise Refused
    folder = posixpath.dirname(workbook_part)
    rels_part = f"{folder}/_rels/{posixpath.basename(workbook_part)}.rels"
    targets = {}
    if rels_part in names:
        for rel in _parse_small(archive, rels_part, limits):
            if rel.get("TargetMode") != "External":
                targets[rel.get("Id")] = _resolve(folder, rel.get("Target", ""))
    sheets = []
    for elem in _parse_small(archive, workbook_part, limits).iter():
        if xml_scan.local(elem.tag) != "sheet":
            continue
        rel_id = next((v for k, v in elem.attrib.items() if xml_scan.local(k) == "id"), "")
        sheets.append((elem.get("name", ""), targets.get(rel_id, ""), elem.get("state", "visible")))
    return sheets


def _resolve(folder: str, target: str) -> str:
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join(folder, target))


def _inspect_sheet(archive, title: str, part: str, limits: Limits, result: Inspection) -> None:
    info = archive.getinfo(part)
    try:
        with archive.open(info) as stream:
            scan = xml_scan.scan_sheet(stream, _cap(info, limits), limits.max_rows, limits.max_cols)
    except xml_scan.ScanAbort as stop:
        expected = (
            f"{limits.max_rows} строк, {limits.max_cols} столбцов" if stop.code == "absurd_range" else ""
        )
        result.refuse(stop.code, stop.value, sheet=title, expected=expected)
        raise Refused from None
    if scan.declarations:
        result.refuse("xml_entities", part)
        raise Refused
    if not scan.structure_ok:
        result.refuse("file_unreadable", f"лист «{title}» повреждён")
        raise Refused
    _check_dimension(title, scan.dimension, limits, result)
    if scan.has_ole and not any(f.code == "embedded_objects" for f in result.findings):
        result.note("embedded_objects", "объекты OLE")
    if scan.has_controls and not any(f.code == "activex" for f in result.findings):
        result.note("activex")
    result.sheet_rows[title] = scan.last_row
    formulas, errors = scan.formulas, scan.errors
    if scan.full_parse_needed or scan.longest_text > limits.max_cell_chars:
        with archive.open(info) as stream:
            cells = xml_scan.scan_sheet_cells(stream)
        if cells.longest_text > limits.max_cell_chars:
            result.refuse(
                "giant_cell", str(cells.longest_text), sheet=title, expected=str(limits.max_cell_chars)
            )
            raise Refused
        formulas, errors = cells.formulas, cells.errors
    if formulas:
        result.formulas[title] = formulas
    if errors:
        result.errors[title] = errors


def _check_dimension(title: str, ref: str, limits: Limits, result: Inspection) -> None:
    for corner in ref.split(":"):
        where = xml_scan.split_ref(corner)
        if where and (where[0] > limits.max_rows or where[1] > limits.max_cols):
            expected = f"{limits.max_rows} строк, {limits.max_cols} столбцов"
            result.refuse("absurd_range", ref, sheet=title, expected=expected)
            raise Refused


def _check_shared_strings(archive, name: str, limits: Limits, result: Inspection) -> None:
    info = archive.getinfo(name)
    if info.file_size <= limits.max_cell_chars:
        return  # too small to hold a string over the limit
    with archive.open(info) as stream:
        longest = xml_scan.longest_shared_string(stream)
    if longest > limits.max_cell_chars:
        result.refuse("giant_cell", str(longest), expected=str(limits.max_cell_chars))
        raise Refused


# --- OpenDocument ---------------------------------------------------------------------------------------------


def _inspect_ods(archive: zipfile.ZipFile, names: set[str], limits: Limits, result: Inspection) -> None:
    mimetype = _read_small(archive, "mimetype", limits).decode("ascii", "replace").strip()
    if mimetype not in ODS_TYPES:
        result.refuse("file_format_unsupported", f"документ OpenDocument другого вида ({mimetype[:60]})")
        raise Refused
    result.format = "ods"
    manifest = "META-INF/manifest.xml"
    if manifest in names and b"encryption-data" in _read_small(archive, manifest, limits):
        result.refuse("file_encrypted")
        raise Refused
    if "content.xml" not in names:
        result.refuse("file_unreadable", "в таблице нет содержимого (content.xml)")
        raise Refused
    info = archive.getinfo("content.xml")
    with archive.open(info) as stream:
        content = scan_content(stream, limits)
    if content.problem:
        code, value, sheet = content.problem
        expected = {
            "absurd_range": f"{limits.max_rows} строк, {limits.max_cols} столбцов",
            "giant_cell": str(limits.max_cell_chars),
        }.get(code, "")
        result.refuse(code, value, sheet=sheet, expected=expected)
        raise Refused
    result.hidden_sheets |= content.hidden
    result.formulas.update({k: v for k, v in content.formulas.items() if v})
    result.errors.update({k: v for k, v in content.errors.items() if v})
    result.sheet_rows.update(content.rows)
    if any(name.startswith("Object") or name.startswith("ObjectReplacements/") for name in names):
        result.note("embedded_objects", "объекты OLE")
    if any(name.lower().startswith("basic/") for name in names):
        result.note("macros_ignored")
