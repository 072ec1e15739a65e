"""A re-run whose site is mostly recalled writes its last reports while the site's years build in their workers:
the same files, byte for byte, as a run that writes each report at once."""

import os

import pytest

from pipeline import quality
from pipeline.intake.cache import ENV
from pipeline.memo import ENV as MEMO_ENV
from pipeline.publish import builders
from pipeline.run import RunContext
from pipeline.workbook_cache import ENV as WORKBOOK_ENV
from tests.whole_runs import assert_same_files, run_into


@pytest.mark.slow
def test_reports_written_while_the_site_builds_are_those_written_at_once(tmp_path, monkeypatch):
    from pipeline.demo import generate_demo

    if (os.cpu_count() or 1) < 2:
        pytest.skip("the site's workers start only on a machine of two cores or more")
    inputs = tmp_path / "inputs"
    generate_demo("demo", 86, inputs)
    # The demo region is small: let it start the workers a region's run starts.
    monkeypatch.setattr(quality, "WARM_UP_FROM", 0)
    for variable, folder in ((ENV, "intake"), (WORKBOOK_ENV, "workbooks"), (MEMO_ENV, "memo")):
        monkeypatch.setenv(variable, str(tmp_path / "cache" / folder))
    decided, held_back = [], []
    real_decision, real_write_later = builders.mostly_recalled, RunContext.write_later
    monkeypatch.setattr(builders, "mostly_recalled", lambda: decided.append(real_decision()) or decided[-1])

    def write_later(ctx, write):
        held_back.append(ctx.deferred is not None)
        real_write_later(ctx, write)

    monkeypatch.setattr(RunContext, "write_later", write_later)
    for name in ("cold", "warm"):
        run_into(inputs, tmp_path / name, site=True)
    # The cold run wrote every report at once; the warm one held back those of every stage that has them.
    assert decided == [False, True]
    half = len(held_back) // 2
    assert half >= 6 and not any(held_back[:half]) and all(held_back[half:])
    for part in ("reports", "site"):
        assert_same_files(tmp_path / "cold" / part, tmp_path / "warm" / part)
    assert (tmp_path / "warm" / "reports" / "issues.xlsx").exists()
    assert list((tmp_path / "warm" / "reports" / "feedback").rglob("*.xlsx"))
