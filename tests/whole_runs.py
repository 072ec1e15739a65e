"""Whole runs of `pipeline run` for the tests that compare one run's outputs with another's, byte for byte."""

import filecmp
from argparse import Namespace
from pathlib import Path

from pipeline.run import run_cycle


def run_into(inputs: Path, out: Path, *, site: bool) -> Path:
    """`pipeline run` of the inputs, its reports in out/reports and its site in out/site."""
    args = Namespace(
        inputs=inputs, reports=out / "reports", site=out / "site", as_of=None, no_site=not site, quiet=True
    )
    assert run_cycle(args) == 0
    return out


def assert_same_files(expected: Path, actual: Path) -> None:
    """The same files, byte for byte; more than a handful of them."""
    files = sorted(p.relative_to(expected) for p in expected.rglob("*") if p.is_file())
    assert len(files) > 20
    assert sorted(p.relative_to(actual) for p in actual.rglob("*") if p.is_file()) == files
    _, mismatch, errors = filecmp.cmpfiles(expected, actual, files, shallow=False)
    assert mismatch == [] and errors == [], (actual, mismatch[:5], errors[:5])
