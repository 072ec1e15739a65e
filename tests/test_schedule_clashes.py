"""A teacher is never in two groups at once: a listener with no free dates leaves the proposed group."""

from datetime import date

import pandas as pd

from pipeline import paths
from pipeline.config import load_config
from pipeline.schedule import _without_clashes, _without_small_groups, date_groups, overlaps


def _frames():
    groups = pd.DataFrame(
        {
            "plan_year": [2027],
            "group_code": ["ИРО-001-1"],
            "program_code": ["ИРО-001"],
            "provider_code": ["ИРО"],
            "quarter": [2],
            "place": ["10"],
            "capacity": [25],
            "form": ["очная"],
            "listeners": [2],
        }
    )
    members = pd.DataFrame(
        {
            "plan_year": [2027, 2027],
            "group_code": ["ИРО-001-1", "ИРО-001-1"],
            "application_id": ["a1", "a2"],
            "person_id": ["Pbusy", "Pfree"],
            "org_code": ["100012", "100012"],
            "municipality": ["10", "10"],
            "travel_km": [0.0, 0.0],
        }
    )
    catalog = pd.DataFrame(
        {
            "plan_year": [2027],
            "program_code": ["ИРО-001"],
            "hours": [72],
            "days": [pd.NA],
            "group_min": [1],
            "group_max": [25],
        }
    )
    return groups, members, catalog


def test_a_listener_busy_all_year_leaves_the_group_and_the_others_keep_it():
    config = load_config(paths.ROOT / "no-such-folder")
    groups, members, catalog = _frames()
    busy = {"Pbusy": [(date(2027, 1, 1), date(2027, 12, 31))]}
    dated, clashes = date_groups(groups, members, catalog, config, busy)
    assert list(clashes["person_id"]) == ["Pbusy"]
    kept, gone = _without_clashes(members, clashes)
    assert list(kept["person_id"]) == ["Pfree"] and list(gone["application_id"]) == ["a1"]
    start, end = dated["start_date"].iloc[0].date(), dated["end_date"].iloc[0].date()
    assert start.year == end.year == 2027 and start <= end
    assert overlaps((start, end), busy["Pbusy"][0])  # the group keeps its dates; only the busy teacher left


def test_a_group_below_its_minimum_after_the_clash_is_not_opened():
    groups, members, catalog = _frames()
    catalog["group_min"] = 2
    groups_left, members_left, dissolved = _without_small_groups(groups, members.iloc[1:], catalog)
    assert groups_left.empty and members_left.empty
    assert list(dissolved["application_id"]) == ["a2"]
