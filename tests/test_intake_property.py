"""Property: random corruption of a valid workbook never crashes a run and never loses an accepted record."""

import io
import shutil
import zipfile

import openpyxl
from fuzzing import examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from pipeline.config import load_config
from pipeline.intake.discover import list_input_files
from pipeline.intake.take_in import take_in
from tests.intake_cases import STAFF, base_region, headers

KEY = ["surname", "first_name", "patronymic", "birth_year"]
NASTY_TEXT = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "",
            " ",
            "=1/0",
            '=HYPERLINK("http://x")',
            "+7",
            "-",
            "@SUM(A1)",
            "#DIV/0!",
            "\u00a0",
            "19x5",
            "31.02.2026",
            "9" * 30,
            "Ивaнов",
            "NaN",
            "None",
            "\t=cmd",
            "0012",
        ]
    ),
    st.integers(min_value=-(10**9), max_value=10**9),
    st.floats(allow_nan=True, allow_infinity=True),
)
CELL_EDIT = st.tuples(st.integers(1, 6), st.integers(1, 20), NASTY_TEXT)


def corrupted_staff_file(edits, drop_rows, byte_flips) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Работники"
    sheet.append(headers("staff"))
    for index, row in enumerate(STAFF):
        if index not in drop_rows:
            sheet.append(row)
    for row, col, value in edits:
        if isinstance(value, str):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)  # what no spreadsheet program can store
        sheet.cell(row=row, column=col).value = value  # "=..." becomes a formula without a cached value
    buffer = io.BytesIO()
    book.save(buffer)
    data = bytearray(buffer.getvalue())
    for position, byte in byte_flips:
        data[position % len(data)] = byte
    return bytes(data)


def accepted_keys(frame):
    return {tuple("" if v != v else v for v in row) for row in frame[KEY].itertuples(index=False)}


@settings(
    max_examples=examples(25), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    edits=st.lists(CELL_EDIT, max_size=8),
    drop_rows=st.sets(st.integers(0, 2), max_size=2),
    byte_flips=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), max_size=3),
)
def test_corruption_never_crashes_and_never_loses_a_record(tmp_path_factory, edits, drop_rows, byte_flips):
    root = tmp_path_factory.mktemp("prop") / "inputs"
    shutil.copytree(BASE, root)
    config = load_config(root)
    before = take_in(list_input_files(root), root, config)
    known = accepted_keys(before.records["staff"])
    (root / "oo-100012" / "2026-11-01 работники.xlsx").write_bytes(
        corrupted_staff_file(edits, drop_rows, byte_flips)
    )
    after = take_in(list_input_files(root), root, config)
    kept = accepted_keys(after.records["staff"]) | accepted_keys(after.archive["staff"])
    assert known <= kept
    for name in ("organisations", "programs", "catalog", "providers"):
        assert len(after.records[name]) == len(before.records[name])
    for counts in after.counts.values():
        assert counts.rows_in == counts.accepted + counts.kept + counts.refused


def _base():
    import tempfile
    from pathlib import Path

    return base_region(Path(tempfile.mkdtemp(prefix="asupk-prop-")) / "inputs")


BASE = _base()


def test_a_truncated_zip_is_a_file_that_changes_nothing(tmp_path):
    root = tmp_path / "inputs"
    shutil.copytree(BASE, root)
    data = corrupted_staff_file([], set(), [])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.namelist()
    (root / "oo-100012" / "2026-11-01 работники.xlsx").write_bytes(data[: len(data) // 2])
    result = take_in(list_input_files(root), root, load_config(root))
    assert len(result.records["staff"]) == 3
    assert "file_unreadable" in set(result.log.to_frame()["code"])
