"""The safety inspection says exactly what each hostile file is, stays bounded, and never raises."""

import io
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import openpyxl
import pytest
from fuzzing import examples
from hostile_corpus import EXPECTED, sheet_xml, write_corpus, xlsx_parts, zip_bytes
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.intake import xml_scan
from pipeline.intake.inspect import Inspection, Limits, inspect_workbook
from pipeline.issues import ERROR, TEMPLATES, IssueLog
from pipeline.workbooks import SheetSpec, write_workbook

TESTS = Path(__file__).resolve().parent


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict[str, Path]:
    return write_corpus(tmp_path_factory.mktemp("hostile"))


def test_corpus_is_large_and_deterministic(corpus, tmp_path):
    again = write_corpus(tmp_path / "again")
    assert len(corpus) >= 40
    assert set(corpus) == set(EXPECTED) == set(again)
    assert all(corpus[name].read_bytes() == again[name].read_bytes() for name in corpus)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file_gives_exactly_its_findings(corpus, name):
    expected = EXPECTED[name]
    result = inspect_workbook(corpus[name])
    assert tuple(sorted(f.code for f in result.findings)) == expected.codes
    assert result.readable == expected.readable
    assert result.format == expected.format
    assert result.hidden_sheets == set(expected.hidden)
    assert result.formulas == expected.formulas
    assert result.errors == expected.errors


def test_every_finding_makes_a_russian_message(corpus):
    log = IssueLog()
    for path in corpus.values():
        for finding in inspect_workbook(path).findings:
            assert finding.code in TEMPLATES
            log.add(
                finding.code,
                file=path.name,
                sheet=finding.sheet,
                cell=finding.cell,
                value=finding.value,
                **dict(finding.params),
            )
    messages = [row["message"] + row["fix"] for row in log.rows]
    assert messages and not any("{" in text or "}" in text for text in messages)
    unsupported = {
        row["file"]: row["message"] for row in log.rows if row["code"] == "file_format_unsupported"
    }
    assert "текстовый файл CSV" in unsupported["csv-renamed.xlsx"]
    assert "изображение PNG" in unsupported["png-renamed.xlsx"]
    assert "веб-страница HTML" in unsupported["html-renamed.xlsx"]


def test_refused_files_say_why_with_an_error(corpus):
    for name, path in corpus.items():
        result = inspect_workbook(path)
        if not result.readable:
            assert any(TEMPLATES[f.code].severity == ERROR for f in result.findings), name


BOUNDED_SCRIPT = """
import resource, sys
from pathlib import Path
resource.setrlimit(resource.RLIMIT_AS, (2**30, 2**30))
sys.path[:0] = [sys.argv[1], sys.argv[2]]
from hostile_corpus import write_corpus
from pipeline.intake.inspect import inspect_workbook
files = write_corpus(Path(sys.argv[3]))
print(sum(1 for path in files.values() if inspect_workbook(path).findings is not None))
"""


def test_whole_corpus_inspection_fits_in_one_gibibyte(tmp_path):
    done = subprocess.run(
        [sys.executable, "-c", BOUNDED_SCRIPT, str(TESTS), str(TESTS.parent), str(tmp_path / "corpus")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert int(done.stdout.strip()) == len(EXPECTED)


def test_valid_workbooks_give_no_errors(tmp_path):
    written = write_workbook(
        tmp_path / "отчёт.xlsx",
        [
            SheetSpec(
                "Заявки", ["ФИО", "Код", "Формула?"], [["Иванов И. И.", "100012", "=СУММ(A1:A3)"]] * 50
            ),
            SheetSpec("Списки", ["Значение"], [["первая"], ["высшая"]], hidden=True),
        ],
    )
    book = openpyxl.Workbook()
    book.active.title = "Работники"
    for row in range(1, 200):
        book.active.append([f"Работник {row}", 1970 + row % 30, "учитель" * (row % 3)])
    book.save(tmp_path / "openpyxl.xlsx")
    for path in (written, tmp_path / "openpyxl.xlsx"):
        result = inspect_workbook(path)
        assert result.readable and result.format == "xlsx"
        assert not [f for f in result.findings if TEMPLATES[f.code].severity == ERROR]
        assert result.formulas == {} and result.errors == {}
    assert inspect_workbook(written).hidden_sheets == {"Списки"}
    assert inspect_workbook(tmp_path / "openpyxl.xlsx").sheet_rows == {"Работники": 199}


def test_openpyxl_formulas_are_located_by_cell(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Заявки"
    sheet["A1"], sheet["A2"] = 10, 0
    sheet["B2"] = "=A1*2"
    sheet["C7"] = "=A1/A2"
    book.create_sheet("Итоги")["AB300"] = "=SUM(Заявки!A1:A2)"
    book.save(tmp_path / "formulas.xlsx")
    result = inspect_workbook(tmp_path / "formulas.xlsx")
    assert result.readable
    assert result.formulas == {"Заявки": {"B2": False, "C7": False}, "Итоги": {"AB300": False}}
    assert result.sheet_rows == {"Заявки": 7, "Итоги": 300}


def test_cells_found_past_the_first_window(tmp_path):
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>{r * 7919}</v></c></row>' for r in range(1, 40_000))
    giant = "ж" * 33_000
    tail = (
        '<row r="40000"><c r="B40000" t="e"><f>1/0</f><v>#DIV/0!</v></c>'
        f'<c r="C40000" t="inlineStr"><is><t>{giant}</t></is></c></row>'
    )
    assert len(rows) > xml_scan.CHUNK_BYTES
    path = tmp_path / "long.xlsx"
    zip_bytes(xlsx_parts([("Лист1", sheet_xml(rows + tail, "A1:C40000"), "")]), path)
    result = inspect_workbook(path)
    assert [f.code for f in result.findings] == ["giant_cell"] and not result.readable
    short = tail.replace(giant, "короткий текст")
    zip_bytes(xlsx_parts([("Лист1", sheet_xml(rows + short, "A1:C40000"), "")]), path)
    result = inspect_workbook(path)
    assert result.readable and result.findings == []
    assert result.errors == {"Лист1": {"B40000": "#DIV/0!"}}
    assert result.sheet_rows == {"Лист1": 40000}


def test_fast_and_full_cell_scans_agree(tmp_path):
    cells = []
    for r in range(1, 3000):
        cells.append(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c>')
        if r % 7 == 0:
            cells.append(f'<c r="B{r}"><f>A{r}*2</f></c>')
        if r % 11 == 0:
            cells.append(f'<c r="C{r}" t="e"><f>1/0</f><v>#DIV/0!</v></c><c r="D{r}" t="e"><v>#N/A</v></c>')
        if r % 13 == 0:
            cells.append(f'<c r="E{r}" t="str"><f>""</f><v></v></c><c r="F{r}" t="s"><f>X{r}</f><v>0</v></c>')
        cells.append("</row>")
    xml = sheet_xml("".join(cells), f"A1:F{r}").encode()
    fast = xml_scan.scan_sheet(io.BytesIO(xml), len(xml), 200_000, 300)
    full = xml_scan.scan_sheet_cells(io.BytesIO(xml))
    assert not fast.full_parse_needed
    assert fast.formulas == full.formulas and len(full.formulas) > 1000
    assert fast.errors == full.errors and full.errors["D11"] == "#N/A"
    assert fast.last_row == 2999


@pytest.mark.parametrize(
    ("ref", "beyond"),
    [
        ("KN200000", False),
        ("KO1", True),
        ("AAA1", True),
        ("A200001", True),
        ("A1000000", True),
        ("B99999", False),
    ],
)
def test_references_at_the_limits(ref, beyond):
    xml = sheet_xml(f'<row r="1"><c r="{ref}"><v>1</v></c></row>', "A1").encode()
    try:
        xml_scan.scan_sheet(io.BytesIO(xml), len(xml), 200_000, 300)
    except xml_scan.ScanAbort as stop:
        assert beyond and stop.code == "absurd_range" and stop.value == ref
    else:
        assert not beyond


def test_limits_are_configurable(tmp_path):
    path = tmp_path / "two-rows.xlsx"
    zip_bytes(xlsx_parts(), path)
    assert inspect_workbook(path, Limits(max_rows=2)).readable
    assert [f.code for f in inspect_workbook(path, Limits(max_rows=1)).findings] == ["absurd_range"]
    assert [f.code for f in inspect_workbook(path, Limits(max_file_bytes=100)).findings] == ["file_too_large"]
    assert [f.code for f in inspect_workbook(path, Limits(max_members=3)).findings] == ["too_many_members"]


def test_missing_file_is_a_finding_not_an_exception(tmp_path):
    result = inspect_workbook(tmp_path / "нет такого.xlsx")
    assert not result.readable and [f.code for f in result.findings] == ["file_unreadable"]


def _valid_xlsx_bytes() -> bytes:
    book = openpyxl.Workbook()
    book.active.title = "Заявки"
    book.active.append(["ФИО", "Год"])
    book.active.append(["Иванов", 1980])
    book.active["C2"] = "=B2+1"
    book.create_sheet("Скрытый").sheet_state = "hidden"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


VALID_XLSX = _valid_xlsx_bytes()
NAMES = [info.filename for info in zipfile.ZipFile(io.BytesIO(VALID_XLSX)).infolist()]


@settings(max_examples=examples(100), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    edits=st.lists(st.tuples(st.integers(0, len(VALID_XLSX) - 1), st.integers(0, 255)), max_size=30),
    cut=st.one_of(st.none(), st.integers(0, len(VALID_XLSX))),
    insert=st.one_of(st.none(), st.tuples(st.integers(0, len(VALID_XLSX)), st.binary(max_size=64))),
)
def test_mutated_workbooks_never_raise(edits, cut, insert):
    data = bytearray(VALID_XLSX)
    for position, byte in edits:
        data[position] = byte
    if insert:
        data[insert[0] : insert[0]] = insert[1]
    if cut is not None:
        del data[cut:]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "mutated.xlsx"
        path.write_bytes(bytes(data))
        result = inspect_workbook(path)
    assert isinstance(result, Inspection)
    assert result.readable or result.findings
