"""The whole hostile corpus in one inputs/ at once: the run completes, names every file's defect, loses nothing."""

import pickle
import resource
import shutil
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
from hostile_corpus import EXPECTED, write_corpus

from pipeline.config import load_config
from pipeline.issues import ERROR
from pipeline.run import RunContext, run_stages
from tests.intake_cases import application_row, base_region, put, staff_row

MEMORY_BYTES = 3 * 2**30  # address space of the whole run, the corpus's bombs included
SECONDS = 900.0
TESTS = Path(__file__).resolve().parent
# A child process of its own (not run_bounded's daemon: the intake reads many files in a process pool).
CHILD = (
    "import pickle, sys; sys.path[:0] = sys.argv[3:]; from test_hostile_run import both_runs; "
    "pickle.dump(both_runs(sys.argv[1]), open(sys.argv[2], 'wb'))"
)
# Where the hostile files land: most as staff lists of one school, the rest under every other level.
PLACES = (
    ("oo-100012", "работники"),
    ("oo-100013", "заявки 2027"),
    ("pk-iro", "программы"),
    ("iro", "каталог 2027"),
    ("uo-surgut", "организации"),
    ("oo-100012", "работники"),
)
PEOPLE = [("Петрова", "Анна", "Сергеевна", 1985), ("Сидоров", "Иван", "Петрович", 1990)] + [
    (f"Учителева{letter}", "Ольга", "Ивановна", 1960 + i) for i, letter in enumerate("абвгдежзикл")
]


def valid_region(root: Path) -> Path:
    """The small valid region with enough applications for a group, so every stage has work to do."""
    inputs = base_region(root)
    put(inputs, "oo-100012", "2026-09-15 работники.xlsx", "staff", [staff_row(*p) for p in PEOPLE])
    put(
        inputs,
        "oo-100012",
        "2026-10-01 заявки 2027.xlsx",
        "applications",
        [application_row(*p) for p in PEOPLE],
    )
    return inputs


def plant_corpus(inputs: Path, corpus: dict[str, Path]) -> dict[str, str]:
    """Every corpus file under an operator's folder, named as a submission (after every valid one, so each
    would be the newest snapshot), its own suffix kept. Corpus name -> the name under inputs/."""
    planted = {}
    for index, name in enumerate(sorted(corpus)):
        login, word = PLACES[index % len(PLACES)]
        day = date(2026, 11, 1) + timedelta(days=index)
        target = inputs / login / f"{day.isoformat()} {word}{Path(name).suffix}"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(corpus[name], target)
        planted[name] = target.relative_to(inputs).as_posix()
    return planted


def run_region(inputs: Path, reports: Path) -> dict:
    reports.mkdir(parents=True)
    ctx = RunContext(
        load_config(inputs), inputs, reports, reports.parent / "site", date.min, build_site=False
    )
    state = run_stages(ctx)
    intake = state["intake"]
    return {
        "records": {name: frame.copy() for name, frame in intake.records.items()},
        "archive": {name: frame.copy() for name, frame in intake.archive.items()},
        "groups": state["schedule"].groups,
        "members": state["schedule"].members,
        "issues": state["issues"],
        "accepted": {name: counts.accepted + counts.kept for name, counts in intake.counts.items()},
        "stages": [t["stage"] for t in ctx.timings],
    }


def both_runs(workdir: str) -> dict:
    """In the bounded child: the region alone, then with the corpus planted in it."""
    root = Path(workdir)
    clean = run_region(valid_region(root / "clean" / "inputs"), root / "clean" / "reports")
    inputs = valid_region(root / "hostile" / "inputs")
    planted = plant_corpus(inputs, write_corpus(root / "corpus"))
    hostile = run_region(inputs, root / "hostile" / "reports")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return {"clean": clean, "hostile": hostile, "planted": planted, "peak": peak}


def test_the_run_survives_every_hostile_file_together(tmp_path):
    result = tmp_path / "outcome.pickle"
    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(tmp_path), str(result), str(TESTS), str(TESTS.parent)],
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES)),
        capture_output=True,
        text=True,
        timeout=SECONDS,
    )
    assert child.returncode == 0, child.stderr[-3000:]
    outcome = pickle.loads(result.read_bytes())
    clean, hostile, planted = outcome["clean"], outcome["hostile"], outcome["planted"]
    assert len(planted) == len(EXPECTED) >= 40
    assert hostile["stages"] == clean["stages"]  # every stage ran

    issues = hostile["issues"]
    for name, file in sorted(planted.items()):
        rows = issues[issues["file"] == file]
        codes = set(rows["code"])
        assert set(EXPECTED[name].codes) <= codes, (name, file, sorted(codes))
        # None of them is a valid submission of its kind: each is refused with an error, in Russian.
        assert (rows["severity"] == ERROR).any(), (name, sorted(codes))
        for message in rows["message"]:
            assert any("а" <= ch <= "я" for ch in message.lower()) and "{" not in message, message
        assert hostile["accepted"].get(file, 0) == 0, name

    for part in ("records", "archive"):
        assert set(hostile[part]) == set(clean[part])
        for sheet, frame in clean[part].items():
            pd.testing.assert_frame_equal(hostile[part][sheet], frame, obj=f"{part}[{sheet}]")
    pd.testing.assert_frame_equal(hostile["groups"], clean["groups"])
    pd.testing.assert_frame_equal(hostile["members"], clean["members"])
    assert len(clean["records"]["staff"]) == len(PEOPLE) and len(clean["groups"]) >= 1
    assert outcome["peak"] < MEMORY_BYTES


def test_a_tiny_file_with_a_huge_sparse_grid_is_parsed_within_bounds(tmp_path):
    """Two cells, A1 and KN200000, pass every inspection limit; the parser is the one that is bounded."""
    inputs = base_region(tmp_path / "inputs")
    corpus = write_corpus(tmp_path / "corpus")
    target = inputs / "oo-100012" / "2026-11-01 работники.xlsx"
    shutil.copyfile(corpus["sparse-far-cell.xlsx"], target)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    ctx = RunContext(load_config(inputs), inputs, tmp_path / "reports", tmp_path / "site", date.min, False)
    ctx.reports.mkdir()
    state = run_stages(ctx, (("intake", "pipeline.intake.stage:run_intake"),))
    log = state["intake"].log.to_frame()
    refused = log[log["file"] == "oo-100012/2026-11-01 работники.xlsx"]
    assert list(refused["code"]) == ["file_unreadable"]
    assert "памяти" in refused["message"].iloc[0] or "больше" in refused["message"].iloc[0]
    assert len(state["intake"].records["staff"]) == 3  # the earlier list stays in force
    # The grid never reached this process: its peak grew by far less than the grid's gigabytes.
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 512 * 1024
