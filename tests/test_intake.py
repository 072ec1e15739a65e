"""Intake through real files: every defect answered in Russian at its cell, valid rows through, nothing lost."""

import shutil
from pathlib import Path

import openpyxl
import pytest

from pipeline.config import load_config
from pipeline.intake.check import check_files
from pipeline.intake.discover import list_input_files
from pipeline.intake.feedback import status_table, write_feedback
from pipeline.intake.take_in import take_in
from tests.intake_cases import CASES, STAFF, base_region, put, staff_row

QUIET_CODES = {"column_missing_optional"}


@pytest.fixture(scope="module")
def region(tmp_path_factory) -> Path:
    return base_region(tmp_path_factory.mktemp("region") / "inputs")


def run(root: Path):
    return take_in(list_input_files(root), root, load_config(root))


def with_case(region: Path, tmp_path: Path, case) -> tuple[Path, str]:
    root = tmp_path / "inputs"
    shutil.copytree(region, root)
    path = root / case.login / case.file
    if callable(case.write):
        case.write(path)
    else:
        put(root, case.login, case.file, case.slug, case.write)
    return root, f"{case.login}/{case.file}"


def test_the_base_region_is_clean(region):
    result = run(region)
    issues = result.log.to_frame()
    assert not (issues["severity"] == "ошибка").any(), issues.to_string()
    assert len(result.records["staff"]) == 3
    assert len(result.records["organisations"]) == 3
    assert set(result.records["catalog"]["program_code"]) == {"ИРО-001", "ИРО-002"}


def test_there_are_at_least_thirty_distinct_defects():
    assert len({code for case in CASES for code, _ in case.expected}) >= 30
    assert len(CASES) >= 40


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_each_defect_raises_its_issue_at_its_cell(region, tmp_path, case):
    root, name = with_case(region, tmp_path, case)
    result = run(root)
    issues = result.log.to_frame()
    mine = issues[(issues["file"] == name) & ~issues["code"].isin(QUIET_CODES)]
    got = sorted(
        (r.code, r.cell)
        for r in mine.itertuples()
        if r.code != "normalised" or ("normalised", r.cell) in case.expected
    )
    assert got == sorted(case.expected), mine[["code", "cell", "message"]].to_string()
    for message in mine["message"]:
        assert any("а" <= ch <= "я" for ch in message.lower()), message  # Russian for people
    counts = result.counts.get(name)
    if counts is not None:
        assert counts.rows_in == counts.accepted + counts.kept + counts.refused


def test_valid_rows_go_through_beside_a_broken_one(region, tmp_path):
    case = next(c for c in CASES if c.name == "staff-birth-year-text")
    root, name = with_case(region, tmp_path, case)
    result = run(root)
    counts = result.counts[name]
    assert (counts.rows_in, counts.accepted, counts.refused) == (4, 3, 1)
    assert set(result.records["staff"]["file"]) == {name}


def test_a_broken_row_keeps_its_earlier_valid_version(region, tmp_path):
    root = tmp_path / "inputs"
    shutil.copytree(region, root)
    broken = staff_row(position="учител")  # the same person, now with a position not in the list
    put(root, "oo-100012", "2026-10-01 работники.xlsx", "staff", [broken, *STAFF[1:]])
    result = run(root)
    staff = result.records["staff"]
    petrova = staff[staff["surname"] == "Петрова"].iloc[0]
    assert petrova["position"] == "учитель" and petrova["file"].endswith("2026-09-01 работники.xlsx")
    counts = result.counts["oo-100012/2026-10-01 работники.xlsx"]
    assert (counts.accepted, counts.kept, counts.refused) == (2, 1, 0)
    codes = set(result.log.to_frame()["code"])
    assert "row_kept_from_before" in codes


def test_a_record_that_disappears_is_archived_with_its_date(region, tmp_path):
    root = tmp_path / "inputs"
    shutil.copytree(region, root)
    put(root, "oo-100012", "2026-11-01 работники.xlsx", "staff", STAFF[:2])
    result = run(root)
    assert len(result.records["staff"]) == 2
    archived = result.archive["staff"]
    assert list(archived["surname"]) == ["Ершова"]
    assert archived["archived_on"].iloc[0].strftime("%d.%m.%Y") == "01.11.2026"


def test_an_unreadable_newer_file_changes_nothing(region, tmp_path):
    root = tmp_path / "inputs"
    shutil.copytree(region, root)
    (root / "oo-100012" / "2026-11-01 работники.xlsx").write_bytes(b"PK\x03\x04broken")
    result = run(root)
    assert len(result.records["staff"]) == 3 and result.archive["staff"].empty


def test_a_newer_file_with_unreadable_keys_archives_nothing(region, tmp_path):
    root = tmp_path / "inputs"
    shutil.copytree(region, root)
    put(root, "oo-100012", "2026-11-01 работники.xlsx", "staff", [staff_row(birth="19x5")])
    result = run(root)
    assert len(result.records["staff"]) == 3 and result.archive["staff"].empty
    assert "record_kept_unreadable" in set(result.log.to_frame()["code"])


def test_resending_the_same_file_changes_nothing(region, tmp_path):
    root = tmp_path / "inputs"
    shutil.copytree(region, root)
    shutil.copy(
        root / "oo-100012" / "2026-09-01 работники.xlsx", root / "oo-100012" / "2026-10-01 работники.xlsx"
    )
    result = run(root)
    assert len(result.records["staff"]) == 3
    issues = result.log.to_frame()
    assert "file_unchanged" in set(issues.loc[issues["file"].str.contains("2026-10-01"), "code"])


def test_nobody_elses_data_changes_because_of_a_file_that_was_not_theirs(region, tmp_path):
    root = tmp_path / "inputs"
    shutil.copytree(region, root)
    # The kindergarten's operator sends a staff list naming the school's teachers.
    put(root, "oo-100013", "2026-10-01 работники.xlsx", "staff", STAFF)
    result = run(root)
    staff = result.records["staff"]
    assert set(staff["org_code"]) == {"100012"} and len(staff) == 3
    assert result.counts["oo-100013/2026-10-01 работники.xlsx"].refused == 3


def test_feedback_workbook_marks_the_bad_cell_red_and_lists_issues(region, tmp_path):
    case = next(c for c in CASES if c.name == "staff-position-not-in-list")
    root, name = with_case(region, tmp_path, case)
    result = run(root)
    status = status_table(result, load_config(root))
    written = write_feedback(result, status, tmp_path / "feedback")
    path = next(p for p in written if p.name.startswith("2026-10-01 работники"))
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[0] == "Замечания"
    listing = [row for row in book["Замечания"].iter_rows(values_only=True)]
    assert any(r[3] == "I5" and "нет в списке" in str(r[6]) for r in listing)
    cell = book["Работники"]["I5"]
    assert cell.value == "учител"
    assert cell.fill.fgColor.rgb.endswith("F4B6B6")
    assert cell.comment is not None and "Выберите значение из списка" in cell.comment.text
    assert book["Работники"]["I4"].fill.fgColor.rgb in (None, "00000000")


def test_check_answers_exactly_as_the_run(region, tmp_path, capsys):
    case = next(c for c in CASES if c.name == "programs-hours-below-minimum")
    root, name = with_case(region, tmp_path, case)
    code = check_files([root / name], inputs=root)
    printed = capsys.readouterr().out
    assert code == 1
    run_messages = run(root).log.to_frame().query("file == @name")["message"]
    for message in run_messages:
        assert message in printed


def test_check_of_a_clean_file_exits_zero(region, capsys):
    assert check_files([region / "oo-100012" / "2026-09-01 работники.xlsx"], inputs=region) == 0


def test_check_with_login_for_a_file_outside_inputs(region, tmp_path, capsys):
    outside = tmp_path / "2026-10-01 работники.xlsx"
    put(tmp_path, ".", outside.name, "staff", STAFF)
    assert check_files([outside], inputs=region, login="oo-100012") == 0
    assert check_files([outside], inputs=region, login="oo-100013") == 1
    assert "вы отправляете сведения только по" in capsys.readouterr().out


def test_rows_in_equal_accepted_kept_refused_for_every_file(region, tmp_path):
    root = tmp_path / "inputs"
    shutil.copytree(region, root)
    for case in CASES:
        path = root / case.login / case.file
        if path.exists():
            continue
        if callable(case.write):
            case.write(path)
        else:
            put(root, case.login, case.file, case.slug, case.write)
    result = run(root)
    for name, counts in result.counts.items():
        assert counts.rows_in == counts.accepted + counts.kept + counts.refused, name


def test_the_files_taken_in_are_every_file_in_the_order_of_their_paths_parts(tmp_path):
    """list_input_files walks the folders with one listing each; it finds what a walk of every path would, in the
    order of the paths' parts (a folder «oo-1» before «oo-1-a», though «-» sorts before «/»): hidden files, the
    region's config, read-me files and folders are left out, a link to a file is a file, and a link to a folder
    is not walked into."""
    inputs = tmp_path / "inputs"
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "2026-09-01 работники.xlsx").write_bytes(b"x")
    for name in (
        "oo-1/2026-09-01 работники.xlsx",
        "oo-1/.~lock.xlsx#",
        "oo-1/~$open.xlsx",
        "oo-1/README.md",
        "oo-1-a/2026-09-01 работники.xlsx",
        "oo-1-a/deep/er/2026-09-02 заявки 2027.xlsx",
        "oo-10/2026-09-01 работники.xlsx",
        ".hidden/2026-09-01 работники.xlsx",
        "2026-09-01 на верхнем уровне.xlsx",
        "region.yaml",
        "readme.txt",
        "mo-02/region.yaml",
    ):
        path = inputs / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")
    (inputs / "mo-02" / "2026-09-03 ссылка.xlsx").symlink_to(outside / "2026-09-01 работники.xlsx")
    (inputs / "mo-02" / "ссылка на папку").symlink_to(outside, target_is_directory=True)
    (inputs / "mo-02" / "2026-09-04 битая ссылка.xlsx").symlink_to(outside / "нет такого.xlsx")

    walked = sorted(inputs.rglob("*"))  # the order of Path: by parts
    expected = [
        p
        for p in walked
        if p.is_file()
        and not p.name.startswith((".", "~$"))
        and p.name.lower() not in ("readme.md", "readme.txt")
        and p != inputs / "region.yaml"
        and "ссылка на папку" not in p.parts
    ]
    assert list_input_files(inputs) == expected
    assert [p.relative_to(inputs).as_posix() for p in expected] == [
        ".hidden/2026-09-01 работники.xlsx",
        "2026-09-01 на верхнем уровне.xlsx",
        "mo-02/2026-09-03 ссылка.xlsx",
        "mo-02/region.yaml",
        "oo-1/2026-09-01 работники.xlsx",
        "oo-1-a/2026-09-01 работники.xlsx",
        "oo-1-a/deep/er/2026-09-02 заявки 2027.xlsx",
        "oo-10/2026-09-01 работники.xlsx",
    ]
    assert list_input_files(tmp_path / "нет такой папки") == []


def test_places_resolve_each_path_as_resolve_does(tmp_path, monkeypatch):
    """Places resolves a folder that is not a link as its resolved parent and its name; whatever the path (a
    file, a link to a file, a folder reached through a link, «..», a relative path, an inputs folder that is
    itself a link), it gives what Path.resolve gives."""
    from pipeline.intake.discover import Places

    real = tmp_path / "real"
    (real / "oo-1" / "sub").mkdir(parents=True)
    (real / "oo-1" / "2026-09-01 работники.xlsx").write_bytes(b"x")
    (real / "oo-1" / "sub" / "a.xlsx").write_bytes(b"x")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "b.xlsx").write_bytes(b"x")
    (real / "oo-2").symlink_to(elsewhere, target_is_directory=True)
    (real / "oo-1" / "link.xlsx").symlink_to(elsewhere / "b.xlsx")
    (tmp_path / "inputs").symlink_to(real, target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    for inputs in (tmp_path / "inputs", Path("inputs"), real):
        places = Places(inputs)
        for path in (
            inputs / "oo-1" / "2026-09-01 работники.xlsx",
            inputs / "oo-1" / "sub" / "a.xlsx",
            inputs / "oo-1" / "link.xlsx",
            inputs / "oo-2" / "b.xlsx",
            inputs / "oo-1" / ".." / "oo-2" / "b.xlsx",
            inputs / "oo-1" / "sub" / ".." / "a.xlsx",
            inputs / "нет такой" / "c.xlsx",
            tmp_path / "elsewhere" / "b.xlsx",
            Path("elsewhere") / "b.xlsx",
        ):
            assert places.real(path) == path.resolve(), path
