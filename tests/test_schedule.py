"""The plan-schedule through real files: proposal written, edited by a provider, re-sent, approved, amended."""

import shutil
from datetime import date
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from pipeline.config import load_config
from pipeline.demo.generate import generate_demo
from pipeline.run import RunContext, run_stages
from pipeline.schedule import group_span, is_in, overlapping_members, quarter_starts
from pipeline.templates import fill_template, write_templates

STAGES = (
    ("intake", "pipeline.intake.stage:run_intake"),
    ("registries", "pipeline.registries:run_registries"),
    ("groups", "pipeline.groups:run_groups"),
    ("schedule", "pipeline.schedule_reports:run_schedule"),
    ("assignment", "pipeline.assignment:run_assignment"),
)
YEAR = 2027


def run(inputs: Path, reports: Path) -> dict:
    reports.mkdir(parents=True)
    ctx = RunContext(
        load_config(inputs), inputs, reports, reports / "site", date(2027, 2, 1), build_site=False
    )
    return run_stages(ctx, STAGES)


@pytest.fixture(scope="module")
def first(tmp_path_factory):
    root = tmp_path_factory.mktemp("schedule")
    generate_demo("demo", 1, root / "inputs")
    return root, run(root / "inputs", root / "reports-1")


def test_proposal_keeps_sizes_dates_and_no_teacher_in_two_groups_at_once(first):
    _, state = first
    schedule, config = state["schedule"], load_config(None)
    groups = schedule.groups[schedule.groups["plan_year"] == YEAR]
    assert (groups["source"] == "предложение").all()
    assert overlapping_members(schedule.groups, schedule.members).empty
    assert (groups["start_date"].dt.year == YEAR).all() and (groups["end_date"].dt.year == YEAR).all()
    for group in groups.itertuples(index=False):
        days = pd.date_range(group.start_date, group.end_date).date
        assert not config.is_closed(days[0]) and days[0].weekday() < 5
    placed = set(schedule.members["application_id"]) | set(schedule.unplaced["application_id"])
    apps = state["registries"].applications
    assert set(apps[apps["plan_year"] == YEAR]["application_id"]) <= placed
    status = schedule.status.set_index("plan_year").loc[YEAR]
    assert status["status"] == "проект"


def test_working_day_spans_skip_weekends_and_closed_periods():
    config = load_config(None)
    # 24 hours = three working days; 30.04.2027 is a Friday and 01.05–11.05 are closed.
    assert group_span(date(2027, 4, 30), pd.NA, 24, config) == date(2027, 5, 13)
    assert group_span(date(2027, 7, 12), 7, 72, config) is None  # runs into the summer holidays
    assert all(d.month in (1, 2, 3) and d >= date(2027, 1, 11) for d in quarter_starts(2027, 1, config))


def edit_proposal(proposal: Path, out: Path, start: date, end: date) -> str:
    """A provider moves its first group: new dates, one place fewer than the maximum."""
    workbook = openpyxl.load_workbook(proposal)
    sheet = workbook["Группы"]
    code = sheet["A2"].value
    sheet["D2"].value, sheet["E2"].value = (
        pd.Timestamp(start).to_pydatetime(),
        pd.Timestamp(end).to_pydatetime(),
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(out)
    return code


def test_edited_proposal_round_trips_into_the_approved_schedule_with_amendments(first, tmp_path):
    root, state = first
    inputs = tmp_path / "inputs"
    shutil.copytree(root / "inputs", inputs)
    proposals = sorted((root / "reports-1" / "providers").glob(f"*/план-график {YEAR} (предложение).xlsx"))
    proposal = proposals[0]
    login = proposal.parent.name
    code = edit_proposal(
        proposal, inputs / login / f"2026-12-10 план-график {YEAR}.xlsx", date(2027, 3, 1), date(2027, 3, 3)
    )
    templates = write_templates(tmp_path / "blank", load_config(inputs))
    blank = next(p for p in templates if p.stem == "утверждение плана-графика")
    fill_template(
        blank,
        {"Приказы": [["10-П-9001", pd.Timestamp(2026, 12, 20), "Утверждение"]]},
        inputs / "iro" / f"2026-12-20 утверждение плана-графика {YEAR}.xlsx",
    )
    state = run(inputs, tmp_path / "reports-2")
    schedule = state["schedule"]
    group = schedule.groups.set_index(["plan_year", "group_code"]).loc[(YEAR, code)]
    assert group["source"] == "оператор ПК"
    assert group["start_date"] == pd.Timestamp(2027, 3, 1) and group["end_date"] == pd.Timestamp(2027, 3, 3)
    assert schedule.status.set_index("plan_year").loc[YEAR, "status"] == "утверждён"
    assert schedule.amendments[schedule.amendments["plan_year"] == YEAR].empty
    assert overlapping_members(schedule.groups, schedule.members).empty
    book = openpyxl.load_workbook(tmp_path / "reports-2" / f"plan-schedule-{YEAR}.xlsx")
    texts = [c for row in book["План-график"].iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert any("Статус: утверждён" in t for t in texts)
    assert any("№ 10-П-9001" in t for t in texts) and code in texts
    # After the approval the provider moves the group again: the change is an amendment with its date.
    edit_proposal(
        proposal, inputs / login / f"2027-01-15 план-график {YEAR}.xlsx", date(2027, 3, 15), date(2027, 3, 17)
    )
    state = run(inputs, tmp_path / "reports-3")
    amendments = state["schedule"].amendments
    later = amendments[
        (amendments["plan_year"] == YEAR) & (amendments["order_date"] == pd.Timestamp(2027, 1, 15))
    ]
    assert len(later) == 1 and code in later.iloc[0]["changed_groups"]
    public = state["public"][YEAR]["schedule"]
    assert {"surname", "first_name", "person_id"}.isdisjoint(public.columns)
    assert (public["status"] == "утверждён").all()


def test_is_in_agrees_with_isin_on_text_columns():
    values = pd.Series(["2027-P1-ИРО-001", "2027-P2-ИРО-002", "2028-P1-ИРО-001", "x"], dtype="str")
    among = pd.Series(["2027-P2-ИРО-002", "x", "y"], dtype="str")
    assert is_in(values, among).tolist() == values.isin(among).tolist() == [False, True, False, True]
    assert not is_in(values, among.iloc[0:0]).any()


def test_a_proposal_offers_its_provider_s_programs_and_in_a_large_region_the_places_near_it(
    first, tmp_path, monkeypatch
):
    """A provider's proposal lists its own programs of the year, not the catalog; above FORM_PLACES_LIMIT
    municipalities its places are those of its groups and the nearest to it (others may still be typed)."""
    import pipeline.templates as templates_module
    from pipeline.schedule_reports import write_proposals

    root, state = first
    config, registries, schedule = load_config(root / "inputs"), state["registries"], state["schedule"]
    monkeypatch.setattr(templates_module, "FORM_PLACES_LIMIT", 1)
    monkeypatch.setattr(templates_module, "FORM_NEAREST_PLACES", 1)
    written = write_proposals(tmp_path, schedule, None, registries, config)
    login = written[0].parent.name
    provider = registries.providers.set_index("login").loc[login]
    code = provider["provider_code"]
    year = int(written[0].name.split()[1])
    book = openpyxl.load_workbook(written[0])
    lists = {
        row[0].value: [c.value for c in row[1:] if c.value not in (None, "")]
        for row in book["Списки"].iter_cols()
    }
    catalog = registries.catalog
    own = catalog[(catalog["plan_year"] == year) & (catalog["provider_code"] == code)]
    assert lists[f"Программы каталога {year}"] == sorted(own["program_code"])
    assert len(own) < len(catalog[catalog["plan_year"] == year])
    names = {m.code: m.name for m in config.municipalities}
    groups = schedule.groups[
        (schedule.groups["plan_year"] == year) & (schedule.groups["provider_code"] == code)
    ]
    nearest = templates_module.nearest_places(config, 1)[provider["municipality"]]
    expected = set(nearest) | {names.get(p, p) for p in groups["place"]} - {"дистанционно"}
    offered = lists["Ближайшие места обучения"]
    assert offered[-1] == "дистанционно" and set(offered[:-1]) == expected
    assert len(offered) - 1 < len(config.municipalities)
