"""A run killed midway leaves the previous reports and site whole; the next run cleans up and succeeds."""

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from pipeline.run import carry_over, recover_outputs, swap_in
from tests.test_hostile_run import valid_region

ROOT = Path(__file__).resolve().parent.parent
POLL_SECONDS = 0.02
RUN_LIMIT_SECONDS = 600


def tree(folder: Path) -> dict[str, str]:
    """Every file under the folder by relative path, with the sha256 of its bytes."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def command(inputs: Path, reports: Path, site: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "pipeline",
        "run",
        "--inputs",
        str(inputs),
        "--reports",
        str(reports),
        "--site",
        str(site),
        "--quiet",
    ]


def run(inputs: Path, reports: Path, site: Path) -> None:
    done = subprocess.run(
        command(inputs, reports, site), cwd=ROOT, capture_output=True, text=True, timeout=RUN_LIMIT_SECONDS
    )
    assert done.returncode == 0, done.stderr[-3000:]


def test_a_run_killed_midway_leaves_the_previous_outputs_whole(tmp_path):
    inputs = valid_region(tmp_path / "inputs")
    reports, site = tmp_path / "reports", tmp_path / "site"
    run(inputs, reports, site)
    letter = reports / "credentials" / "oo-100012.txt"  # written by `pipeline credentials`, not by the run
    letter.parent.mkdir()
    letter.write_text("Логин: oo-100012\n", encoding="utf-8")
    reports_before, site_before = tree(reports), tree(site)
    assert "plan-schedule-2027.xlsx" in reports_before and "versions.json" in site_before

    # Killed once the new run has written real reports into its staging folder, before the swap.
    marker = reports.with_name("reports.new") / "plan-schedule-2027.xlsx"
    process = subprocess.Popen(
        command(inputs, reports, site), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + RUN_LIMIT_SECONDS
        while not marker.exists():
            assert process.poll() is None, "the run ended before it could be killed midway"
            assert time.monotonic() < deadline, "the run never reached its schedule stage"
            time.sleep(POLL_SECONDS)
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.kill()
        process.wait()
    assert process.returncode == -signal.SIGKILL
    assert marker.parent.exists()  # the half-written staging folder is still there
    assert tree(reports) == reports_before
    assert tree(site) == site_before

    run(inputs, reports, site)
    assert not reports.with_name("reports.new").exists()
    assert not list(tmp_path.glob(".site.*")) and not reports.with_name("reports.old").exists()
    after = tree(reports)
    assert after["credentials/oo-100012.txt"] == reports_before["credentials/oo-100012.txt"]
    # Same inputs, same reports, byte for byte.
    assert after == reports_before
    assert set(tree(site)) == set(site_before)


def test_swap_keeps_the_last_good_output_when_a_run_died_between_renames(tmp_path):
    final, old, staging = tmp_path / "reports", tmp_path / "reports.old", tmp_path / "reports.new"
    old.mkdir()
    (old / "issues.xlsx").write_text("previous", encoding="utf-8")
    staging.mkdir()
    (staging / "issues.xlsx").write_text("new", encoding="utf-8")
    swap_in(staging, final)
    assert (final / "issues.xlsx").read_text(encoding="utf-8") == "new"
    assert not old.exists() and not staging.exists()


def test_recover_puts_back_what_a_killed_swap_moved_away(tmp_path):
    reports, site = tmp_path / "reports", tmp_path / "site"
    (tmp_path / "reports.old").mkdir()
    (tmp_path / "reports.old" / "issues.xlsx").write_text("previous", encoding="utf-8")
    (tmp_path / "reports.new").mkdir()
    (tmp_path / ".site.old-abc123").mkdir()
    (tmp_path / ".site.old-abc123" / "index.html").write_text("previous site", encoding="utf-8")
    (tmp_path / ".site.building-xyz").mkdir()
    recover_outputs(reports, site)
    assert (reports / "issues.xlsx").read_text(encoding="utf-8") == "previous"
    assert (site / "index.html").read_text(encoding="utf-8") == "previous site"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["reports", "site"]


def test_recover_removes_leftovers_beside_whole_outputs(tmp_path):
    reports, site = tmp_path / "reports", tmp_path / "site"
    for folder in (
        reports,
        site,
        tmp_path / "reports.old",
        tmp_path / ".site.old-1",
        tmp_path / ".site.building-2",
    ):
        folder.mkdir()
        (folder / "mark").write_text(folder.name, encoding="utf-8")
    recover_outputs(reports, site)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["reports", "site"]
    assert (reports / "mark").read_text(encoding="utf-8") == "reports"
    assert (site / "mark").read_text(encoding="utf-8") == "site"


def test_credentials_are_copied_into_the_new_reports(tmp_path):
    reports, staging = tmp_path / "reports", tmp_path / "reports.new"
    (reports / "credentials").mkdir(parents=True)
    (reports / "credentials" / "iro.txt").write_text("Пароль: x", encoding="utf-8")
    os.chmod(reports / "credentials" / "iro.txt", 0o600)
    (reports / "issues.xlsx").write_text("old", encoding="utf-8")
    staging.mkdir()
    carry_over(reports, staging)
    assert (staging / "credentials" / "iro.txt").read_text(encoding="utf-8") == "Пароль: x"
    assert (staging / "credentials" / "iro.txt").stat().st_mode & 0o777 == 0o600
    assert not (staging / "issues.xlsx").exists()  # only what the run does not rebuild
    assert (reports / "credentials" / "iro.txt").exists()  # a copy: a kill now loses nothing
