"""The state assignment counts listeners, groups and person-hours per provider and program from the groups."""

import openpyxl
import pandas as pd

from pipeline.assignment import state_assignment, write_assignment
from pipeline.config import load_config
from pipeline.groups import form_groups
from pipeline.groups_bench import synthetic_choices
from pipeline.paths import DEFAULT_REGION_CONFIG
from pipeline.schedule import Schedule

CONFIG = load_config(DEFAULT_REGION_CONFIG.parent / "absent")


def test_person_hours_are_listeners_times_hours_and_totals_match(tmp_path):
    apps, catalog, providers = synthetic_choices(CONFIG, applications=300, programs=12, seed=11)
    catalog = catalog.assign(title=catalog["program_code"] + " программа")
    providers = providers.assign(name=providers["provider_code"] + " институт")
    plan = form_groups(apps, catalog, CONFIG, providers)
    schedule = Schedule(plan.groups, plan.members, plan.unplaced, pd.DataFrame(), pd.DataFrame(), plan.solver)
    table = state_assignment(schedule, apps, catalog, providers)
    assert table["listeners"].sum() == len(plan.members)
    assert table["applications"].sum() == len(apps)
    assert (table["applications"] == table["listeners"] + table["unplaced"]).all()
    hours = catalog.set_index("program_code")["hours"]
    assert (table["person_hours"] == table["listeners"] * table["program_code"].map(hours)).all()
    path = write_assignment(tmp_path / "state-assignment-2027.xlsx", table, CONFIG, 2027)
    rows = list(openpyxl.load_workbook(path)["Госзадание"].iter_rows(values_only=True))
    total = next(r for r in rows if r[1] == "Итого")
    assert total[8] == int(table["person_hours"].sum())
