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


def test_a_listener_in_two_overlapping_submitted_groups_is_refused_in_the_later_one():
    from types import SimpleNamespace

    from pipeline.intake.snapshots import FileCounts
    from pipeline.intake.take_in import IntakeResult
    from pipeline.issues import IssueLog
    from pipeline.registries import person_id
    from pipeline.schedule import _check_listeners

    codes = ["ИРО-001-1", "ИРО-001-2", "ИРО-001-3"]
    starts = pd.to_datetime(["2027-03-01", "2027-03-04", "2027-03-10"]).astype("datetime64[s]")
    groups = pd.DataFrame(
        {
            "file": "pk/g.xlsx",
            "row": pd.array([2, 3, 4], dtype="Int64"),
            "sender": "pk-iro",
            "plan_year": pd.array([2027] * 3, dtype="Int64"),
            "group_code": codes,
            "program_code": "ИРО-001",
            "start_date": starts,
            # Another unit than the start: the dates must still compare as dates.
            "end_date": (starts + pd.Timedelta(days=4)).astype("datetime64[ns]"),
        }
    )
    listeners = pd.DataFrame(
        {
            "file": "pk/g.xlsx",
            "row": pd.array([2, 3, 4], dtype="Int64"),
            "sender": "pk-iro",
            "plan_year": pd.array([2027] * 3, dtype="Int64"),
            "group_code": list(reversed(codes)),
            "org_code": "100012",
            "surname": "Петрова",
            "first_name": "Анна",
            "patronymic": "Ивановна",
            "birth_year": pd.array([1980] * 3, dtype="Int64"),
        }
    )
    me = person_id("Петрова", "Анна", "Ивановна", 1980)
    registries = SimpleNamespace(
        staff=pd.DataFrame({"person_id": [me], "org_code": ["100012"]}),
        staff_archive=pd.DataFrame(columns=["person_id", "org_code", "archived_on"]),
        applications=pd.DataFrame(
            {"plan_year": pd.array([2027], dtype="Int64"), "person_id": [me], "program_code": ["ИРО-001"]}
        ),
    )
    intake = IntakeResult(
        submissions=[],
        records={"schedule_groups": groups, "schedule_listeners": listeners},
        archive={},
        counts={"pk/g.xlsx": FileCounts(accepted=6)},
        log=IssueLog(),
    )
    kept = _check_listeners(intake, registries)
    assert sorted(kept["group_code"]) == ["ИРО-001-1", "ИРО-001-3"]
    refused = [r for r in intake.log.rows if r["code"] == "listener_overlap"]
    assert [(r["row"], r["value"]) for r in refused] == [(3, "ИРО-001-2")]
    assert "ИРО-001-1" in refused[0]["message"]
    assert intake.counts["pk/g.xlsx"].refused == 1


def test_years_are_dated_apart_and_a_change_in_one_redates_only_that_year(tmp_path, monkeypatch):
    """The memo's dates equal a cold dating (groups of two years interleaved, one provider's turns running
    across them); a listener more in 2028 re-dates 2028 only, and gives what a cold dating gives."""
    import pipeline.schedule as schedule

    config = load_config(paths.ROOT / "no-such-folder")
    groups, members, catalog = _frames()
    groups = pd.concat(
        [groups.assign(plan_year=y, group_code=f"G{y}-{n}") for n in (1, 2) for y in (2027, 2028)]
    )
    groups = groups.reset_index(drop=True)
    members = pd.concat(
        [members.assign(plan_year=y, group_code=f"G{y}-{n}") for n in (1, 2) for y in (2027, 2028)]
    ).reset_index(drop=True)
    catalog = pd.concat([catalog.assign(plan_year=y) for y in (2027, 2028)], ignore_index=True)
    busy = {"Pbusy": [(date(2027, 1, 1), date(2027, 12, 31))]}
    dated_years = []
    original = schedule._date_year
    monkeypatch.setattr(
        schedule, "_date_year", lambda year, *rest: dated_years.append(year) or original(year, *rest)
    )

    def dated(frame, memo):
        monkeypatch.setenv("ASUPK_MEMO_CACHE", memo)
        return date_groups(groups, frame, catalog, config, busy)

    cold = dated(members, "off")
    memo = str(tmp_path / "memo")
    dated(members, memo)
    dated_years.clear()
    warm = dated(members, memo)
    assert dated_years == []
    for a, b in zip(cold, warm, strict=True):
        pd.testing.assert_frame_equal(a, b)
    assert list(cold[1]["group_code"]) == ["G2027-1", "G2027-2"]  # the busy teacher leaves both 2027 groups
    more = pd.concat([members, members.iloc[[1]].assign(person_id="Pnew", application_id="a3")]).reset_index(
        drop=True
    )
    more.loc[len(more) - 1, ["plan_year", "group_code"]] = [2028, "G2028-2"]
    changed = dated(more, memo)
    assert dated_years == [2028]
    for a, b in zip(changed, dated(more, "off"), strict=True):
        pd.testing.assert_frame_equal(a, b)
