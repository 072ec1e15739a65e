"""The quality gate: the checkpoint passes on a sound region; a broken state holds back only what depends on it."""

import dataclasses
from datetime import date

import openpyxl
import pandas as pd
import pytest
from registry_region import STAGES, registry_region, run_region

from pipeline.issues import IssueLog
from pipeline.quality import check_quality, log_failures, write_quality_report
from pipeline.run import RunContext


@pytest.fixture(scope="module")
def region(tmp_path_factory):
    root = tmp_path_factory.mktemp("region")
    registry_region(root / "inputs")
    state = run_region(root / "inputs", root / "reports", STAGES[:4])
    return state, root / "reports"


def test_checkpoint_passes_on_a_sound_region(region):
    state, reports = region
    quality = state["quality"]
    assert quality.success and quality.held_back == set()
    tables = set(quality.expectations["table"])
    assert {"organisations", "staff", "catalog", "applications", "public catalog 2027"} <= tables
    book = openpyxl.load_workbook(reports / "quality.xlsx", read_only=True)
    assert book.sheetnames == ["Проверка качества", "Задержано"]
    assert not any(i["code"] == "quality_expectation_failed" for i in state["intake"].log.rows)


def test_broken_state_holds_back_what_depends_on_it(region, tmp_path):
    state, _ = region
    reg = state["registries"]
    # A catalog entry whose program left the bank, and a staff row of an organisation nobody registered.
    ghost = reg.catalog.iloc[[0]].assign(program_code="ИРО-099")
    stray = reg.staff.iloc[[0]].assign(org_code="109999")
    broken = dataclasses.replace(
        reg,
        catalog=pd.concat([reg.catalog, ghost], ignore_index=True),
        staff=pd.concat([reg.staff, stray], ignore_index=True),
    )
    public = {2027: {"leaky": pd.DataFrame({"program_code": ["ИРО-001"], "surname": ["Петрова"]})}}
    quality = check_quality(broken, _config(state), public)
    failed = quality.expectations[~quality.expectations["success"]]
    assert set(zip(failed["table"], failed["columns"], strict=True)) == {
        ("catalog", "program_code"),
        ("staff", "org_code"),
        ("public leaky 2027", "column"),
    }
    assert "ИРО-099" in failed.loc[failed["table"] == "catalog", "observed"].item()
    assert quality.held_back == {
        "catalog",
        "providers_public",
        "needs",
        "application_lists",
        "municipality_stats",
        "leaky",
    }
    log = IssueLog()
    log_failures(quality, log)
    issues = log.to_frame()
    assert (issues["code"] == "quality_expectation_failed").sum() == 3
    assert set(issues["file"]) == {"проверка качества"} and set(issues["severity"]) == {"ошибка"}
    write_quality_report(quality, tmp_path / "quality.xlsx")
    sheet = pd.read_excel(tmp_path / "quality.xlsx", sheet_name="Задержано", engine="openpyxl")
    assert sorted(sheet.iloc[:, 0]) == sorted(quality.held_back)


def test_a_failing_result_recalled_from_the_memo_holds_back_the_same(region, monkeypatch, tmp_path):
    import pipeline.quality as quality_module

    monkeypatch.setenv("ASUPK_MEMO_CACHE", str(tmp_path / "memo"))
    state, _ = region
    reg = state["registries"]
    stray = reg.staff.iloc[[0]].assign(org_code="109999")
    broken = dataclasses.replace(reg, staff=pd.concat([reg.staff, stray], ignore_index=True))
    validated: list[set[str]] = []
    real_validate = quality_module._validate

    def counting(suites):
        validated.append(set(suites))
        return real_validate(suites)

    monkeypatch.setattr(quality_module, "_validate", counting)
    first = check_quality(broken, _config(state), {})
    assert not first.success and first.held_back == {"needs", "application_lists", "municipality_stats"}
    assert "staff" in validated[0]
    again = check_quality(broken, _config(state), {})  # every table from the memo: GX is not called
    assert len(validated) == 1
    pd.testing.assert_frame_equal(again.expectations, first.expectations)
    assert again.held_back == first.held_back
    log = IssueLog()
    log_failures(again, log)
    assert list(log.to_frame()["code"]) == ["quality_expectation_failed"]
    # The person also works at another known organisation: only the staff table is validated again, and passes.
    other = next(o for o in reg.organisations["org_code"] if o != reg.staff["org_code"].iloc[0])
    mended = dataclasses.replace(reg, staff=pd.concat([reg.staff, stray.assign(org_code=other)]))
    third = check_quality(mended, _config(state), {})
    assert validated[1] == {"staff"}
    assert third.held_back == set()


def test_held_back_outputs_are_not_written_or_published(region, tmp_path):
    state, _ = region
    from pipeline.quality import QualityResult
    from pipeline.registry_reports import run_registry_reports

    held = QualityResult(state["quality"].expectations, {"catalog", "application_lists"})
    ctx = RunContext(
        _config(state), tmp_path, tmp_path, tmp_path / "site", date(2026, 11, 28), build_site=False
    )
    out = run_registry_reports(ctx, {"registries": state["registries"], "quality": held})
    assert "catalog" not in out["public"][2027] and "providers_public" in out["public"][2027]
    assert not list(tmp_path.rglob("заявки-*.xlsx"))
    assert (tmp_path / "asupk.sqlite").exists()


def _config(state):
    from pipeline.config import load_config

    return load_config(state["intake"].submissions[0].path.parent.parent)


def test_the_gate_runs_before_every_output_it_may_hold_back():
    """A stage that asks the quality result whether it may write must run after the quality stage."""
    import importlib
    import inspect

    from pipeline.dag import STAGES

    order = [name for name, _ in STAGES]
    asking = []
    for name, target in STAGES:
        module, function = target.split(":")
        if 'state.get("quality")' in inspect.getsource(getattr(importlib.import_module(module), function)):
            asking.append(name)
    assert {"needs", "registry_reports"} <= set(asking)
    assert all(order.index("quality") < order.index(name) for name in asking)


def test_the_warmed_up_validator_gives_what_this_process_gives(monkeypatch):
    """A region's run validates in a worker that imported great_expectations meanwhile; same results."""
    from pipeline import quality as quality_module

    frame = pd.DataFrame({"code": ["01", "02", "02", None], "kind": ["школа", "вуз", "школа", "школа"]})
    suites = {
        "t": (
            frame,
            [
                ("ExpectColumnValuesToBeUnique", {"column": "code"}),
                ("ExpectColumnValuesToNotBeNull", {"column": "code"}),
                ("ExpectColumnValuesToBeInSet", {"column": "kind", "value_set": ["школа"]}),
            ],
        )
    }
    here = quality_module._validate_here(suites)
    assert [ok for ok, _ in here["t"]] == [False, False, False]
    monkeypatch.setattr(quality_module.os, "cpu_count", lambda: 2)
    quality_module.start_validator()
    try:
        worker = quality_module._worker
        assert worker is not None
        assert quality_module._validate(suites) == here
        assert quality_module._worker is worker  # validated there, not after losing it
    finally:
        quality_module.stop_validator()
    assert quality_module._worker is None


def test_registry_tables_validated_early_are_taken_by_the_gate(region, monkeypatch):
    """Suites sent to the worker right after the registries give the gate the results it would compute."""
    from pipeline import quality as quality_module

    monkeypatch.setenv("ASUPK_MEMO_CACHE", "off")
    state, _ = region
    reg, config = state["registries"], _config(state)
    alone = quality_module.check_quality(reg, config, {}).expectations
    monkeypatch.setattr(quality_module.os, "cpu_count", lambda: 2)
    here = []
    real = quality_module._validate
    monkeypatch.setattr(quality_module, "_validate", lambda suites: here.append(set(suites)) or real(suites))
    quality_module.start_validator()
    try:
        quality_module.validate_early(reg, config)
        assert set(quality_module._early) >= {"staff", "applications", "organisations"}
        early = quality_module.check_quality(reg, config, {}).expectations
    finally:
        quality_module.stop_validator()
    pd.testing.assert_frame_equal(early, alone)
    assert here == []  # every table's results came from what was sent early


def test_the_catalogs_plausible_size_grows_with_its_providers(region):
    """A region's plan year holds up to 3,000 programs, a country-sized one 100 per provider: many providers'
    thousands of programs are no join bug."""
    from pipeline.config import load_config
    from pipeline.quality import catalog_bound, suite_checks

    assert catalog_bound(5) == catalog_bound(30) == 3000 and catalog_bound(850) == 85_000
    state, reports = region
    reg, config = state["registries"], load_config(reports.parent / "inputs")
    many = pd.concat([reg.providers] * 400, ignore_index=True)
    many["provider_code"] = [f"П{i:05d}" for i in range(len(many))]

    def bound(registries) -> int:
        (rows,) = [
            c for c in suite_checks(registries, config, {}) if c.table == "catalog" and c.kind == "rows"
        ]
        return rows.high

    years = len(config.plan_years)
    assert bound(reg) == 3000 * years
    assert bound(dataclasses.replace(reg, providers=many)) == 100 * len(many) * years > 3000 * years
