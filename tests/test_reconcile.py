"""The demo region's whole state reconciles: applications, staff, catalog, groups and reasons."""

from datetime import date
from pathlib import Path

from pipeline import paths
from pipeline.config import load_config
from pipeline.dag import STAGES
from pipeline.run import RunContext, run_stages
from tests.reconcile import reconciliation_failures


def test_the_demo_region_reconciles(tmp_path):
    config = load_config(paths.INPUTS)
    ctx = RunContext(
        config=config,
        inputs=paths.INPUTS,
        reports=tmp_path,
        site=tmp_path / "site",
        as_of=date.min,
        build_site=False,
    )
    state = run_stages(ctx, [s for s in STAGES if s[0] in ("intake", "registries", "groups", "schedule")])
    assert reconciliation_failures(state, config) == []
    assert len(state["registries"].applications) > 1000


def test_a_broken_state_is_caught(tmp_path):
    config = load_config(paths.INPUTS)
    ctx = RunContext(
        config=config,
        inputs=paths.INPUTS,
        reports=tmp_path,
        site=Path(tmp_path) / "site",
        as_of=date.min,
        build_site=False,
    )
    state = run_stages(ctx, [s for s in STAGES if s[0] in ("intake", "registries", "groups", "schedule")])
    schedule = state["schedule"]
    schedule.members = schedule.members.iloc[1:]  # one placed application loses its group
    state["registries"].staff = state["registries"].staff.iloc[5:]  # staff whose applications remain
    failures = reconciliation_failures(state, config)
    assert any("neither in a group nor with a reason" in f for f in failures)
    assert any("point to nobody" in f for f in failures)
