"""The demo region generator: deterministic files, schema headers, planted mistakes where they say they are."""

import datetime as dt
import filecmp
import re

import openpyxl
import pytest

from pipeline.demo import generate_demo
from schemas.columns import columns_of
from schemas.kinds import KINDS, PERSON_KEY

FILE_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2}) (.+?)(?: (\d{4}))?(?: ([1-4])кв)?\.xlsx$")
WORDS = {k.file_word: k for k in KINDS}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    return out, generate_demo("demo", 86, out)


def _tree(root):
    return sorted(p.relative_to(root) for p in root.rglob("*") if p.is_file())


def _rows(path, title):
    sheet = openpyxl.load_workbook(path, read_only=True)[title]
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def test_same_seed_gives_identical_bytes_and_another_seed_differs(demo, tmp_path):
    out, _ = demo
    again = tmp_path / "again"
    generate_demo("demo", 86, again)
    assert _tree(out) == _tree(again)
    _, mismatch, errors = filecmp.cmpfiles(out, again, [str(p) for p in _tree(out)], shallow=False)
    assert mismatch == [] and errors == []
    other = tmp_path / "other"
    generate_demo("demo", 87, other)
    common = set(_tree(out)) & set(_tree(other))
    assert _tree(out) != _tree(other) or any(
        (out / p).read_bytes() != (other / p).read_bytes() for p in common
    )


def test_regeneration_removes_only_its_own_stale_files(tmp_path):
    (tmp_path / "oo-999999").mkdir()
    stale = tmp_path / "oo-999999" / "2020-01-01 работники.xlsx"
    stale.write_bytes(b"old")
    keep = tmp_path / "README.txt"
    keep.write_text("not ours")
    generate_demo("demo", 1, tmp_path)
    assert not stale.exists() and keep.read_text() == "not ours"


def test_every_file_name_follows_the_layout_and_headers_match_the_schemas(demo):
    out, summary = demo
    assert (out / "region.yaml").exists()
    files = sorted(out.glob("*/*.xlsx"))
    assert len(files) == sum(summary.files.values())
    for path in files:
        match = FILE_NAME.match(path.name)
        assert match, path.name
        dt.date.fromisoformat(match.group(1))
        kind = WORDS[match.group(2)]
        assert (match.group(3) is not None) == (kind.period in ("year", "quarter")), path.name
        assert (match.group(4) is not None) == (kind.period == "quarter"), path.name
        book = openpyxl.load_workbook(path, read_only=True)
        assert book.sheetnames == [s.title for s in kind.sheets]
        for sheet in kind.sheets:
            header = next(book[sheet.title].iter_rows(max_row=1, values_only=True))
            assert list(header) == [c.header for c in columns_of(sheet.model)], path.name


def test_planted_mistakes_point_at_the_faulty_cells(demo):
    out, summary = demo
    codes = {m.code for m in summary.mistakes}
    assert {
        "unknown_program",
        "not_a_date",
        "row_out_of_scope",
        "file_late",
        "bad_phone",
        "hours_below_minimum",
        "appointed_too_young",
        "missing_value",
        "value_not_in_list",
    } <= codes
    for m in summary.mistakes:
        path = out / m.login / m.file_name
        assert path.exists(), m
        if m.code == "file_late":
            assert dt.date.fromisoformat(m.file_name[:10]) > dt.date(2026, 10, 15)
            continue
        rows = _rows(path, m.sheet)
        header, row = rows[0], rows[m.row - 1]
        value = row[header.index(m.column_header)]
        assert _faulty(m.code, value, dict(zip(header, row, strict=True)), m.login), (m, value)


def _faulty(code, value, row, login) -> bool:
    if code == "appointed_too_young":
        return value < row["Год рождения"] + 16
    if code == "bad_phone":
        return not re.fullmatch(r"\+7 \(\d{3}\) \d{3}-\d{2}-\d{2}", value)
    if code == "row_out_of_scope":
        return value != login.removeprefix("oo-")
    if code == "unknown_program":
        return isinstance(value, str) and "-" in value
    expected = {"not_a_date": "31.09.2026", "missing_value": None, "value_not_in_list": "вторая"}
    if code in expected:
        return value == expected[code]
    assert code == "hours_below_minimum", code
    return value < 16


def test_every_municipality_has_organisations_and_applicants_are_on_the_staff(demo):
    out, _ = demo
    orgs = []
    for path in out.glob("*/*организации.xlsx"):
        orgs += _rows(path, "Организации")[1:]
    municipalities = {r[4] for r in orgs}
    assert len(municipalities) == 22 and 40 <= len(orgs) <= 50
    staff_by_year = {}
    for path in out.glob("oo-*/*работники.xlsx"):
        year = int(path.name[:4])
        for r in _rows(path, "Работники")[1:]:
            if r[0] == path.parent.name.removeprefix("oo-"):
                staff_by_year.setdefault(year, set()).add(tuple(r[:5]))
    assert sorted(staff_by_year) == [2024, 2026]
    checked = 0
    for path in out.glob("oo-*/*заявки*.xlsx"):
        plan_year = int(path.stem.split()[-1])
        snapshot = staff_by_year[2024 if plan_year < 2027 else 2026]
        for r in _rows(path, "Заявки")[1:]:
            assert tuple(r[: len(PERSON_KEY)]) in snapshot, (path.name, r)
            checked += 1
    assert checked > 500
