"""The whole cycle on the demo region: regenerable inputs, every planted mistake answered in red, reconciled
counts, and byte-identical reports from a second run."""

import filecmp
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from pipeline import paths
from pipeline.cli import main
from pipeline.demo import generate_demo

CACHE_SWITCHES = ("ASUPK_INTAKE_CACHE", "ASUPK_WORKBOOK_CACHE", "ASUPK_MEMO_CACHE")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    root = tmp_path_factory.mktemp("demo")
    summary = generate_demo("demo", 86, root / "inputs")
    with pytest.MonkeyPatch.context() as patch:
        own_caches(patch, root)  # empty: this first run is a cold one
        code = run_demo(root, root)
    assert code == 0
    return root, summary


def own_caches(patch: pytest.MonkeyPatch, root: Path) -> None:
    for name in CACHE_SWITCHES:
        patch.setenv(name, str(root / "cache" / name))


def run_demo(root: Path, out: Path) -> int:
    return main(
        [
            "run",
            "--inputs",
            str(root / "inputs"),
            "--reports",
            str(out / "reports"),
            "--site",
            str(out / "site"),
            "--no-site",
            "--quiet",
        ]
    )


def tree(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def test_committed_demo_inputs_are_regenerated_byte_for_byte(demo):
    root, _ = demo
    generated, committed = root / "inputs", paths.INPUTS
    assert tree(generated) == tree(committed)
    _, mismatch, errors = filecmp.cmpfiles(generated, committed, tree(generated), shallow=False)
    assert not mismatch and not errors


def test_every_planted_mistake_is_red_in_the_right_feedback_workbook(demo):
    root, summary = demo
    assert len(summary.mistakes) >= 8
    for mistake in summary.mistakes:
        stem = Path(mistake.file_name).stem
        path = root / "reports" / "feedback" / mistake.login / f"{stem} — замечания.xlsx"
        book = openpyxl.load_workbook(path)
        listing = list(book["Замечания"].iter_rows(min_row=3, values_only=True))
        if mistake.row is None:  # a mistake of the whole file, such as lateness
            assert any("срок" in str(r[6]) for r in listing), (mistake, listing)
            continue
        hits = [
            r
            for r in listing
            if r[0] == mistake.sheet and r[1] == mistake.row and r[2] == mistake.column_header
        ]
        assert hits, (mistake, listing)
        cell = book[mistake.sheet][hits[0][3]]
        assert cell.fill.fgColor.rgb.endswith("F4B6B6"), mistake
        assert cell.comment is not None


def test_rows_in_reconcile_for_every_file(demo):
    root, _ = demo
    status = pd.read_excel(root / "reports" / "submissions.xlsx", engine="calamine", skiprows=0)
    assert len(status) > 250
    rows_in = status["Строк в файле"]
    assert (rows_in == status["Принято"] + status["Оставлено из прежней версии"] + status["Не принято"]).all()


def test_a_second_run_on_unchanged_inputs_gives_byte_identical_reports(demo, tmp_path, monkeypatch):
    """The second run takes everything it can from the caches the first (cold) run filled."""
    root, _ = demo
    own_caches(monkeypatch, root)
    assert run_demo(root, tmp_path) == 0
    first, second = tree(root / "reports"), tree(tmp_path / "reports")
    assert first == second
    _, mismatch, errors = filecmp.cmpfiles(root / "reports", tmp_path / "reports", first, shallow=False)
    assert not mismatch and not errors, mismatch[:10]
