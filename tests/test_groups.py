"""Group formation: every application placed once or with a reason, sizes and places respected, deterministic."""

import numpy as np
import pandas as pd
import pytest

from pipeline.config import load_config
from pipeline.groups import form_groups, most_placeable, program_sites
from pipeline.groups_bench import bench_groups, synthetic_choices
from pipeline.paths import DEFAULT_REGION_CONFIG

CONFIG = load_config(DEFAULT_REGION_CONFIG.parent / "absent")


@pytest.fixture(scope="module")
def choices():
    return synthetic_choices(CONFIG, applications=700, programs=25, seed=3)


@pytest.fixture(scope="module")
def plan(choices):
    apps, catalog, providers = choices
    return form_groups(apps, catalog, CONFIG, providers)


def test_every_application_is_in_one_group_or_has_a_reason(choices, plan):
    apps = choices[0]
    placed = plan.members["application_id"]
    assert not placed.duplicated().any()
    assert set(placed).isdisjoint(plan.unplaced["application_id"])
    assert set(placed) | set(plan.unplaced["application_id"]) == set(apps["application_id"])
    assert plan.unplaced["reason"].str.len().gt(0).all()


def test_groups_are_within_sizes_and_at_allowed_places(choices, plan):
    _, catalog, providers = choices
    entries = catalog.set_index("program_code")
    home = dict(zip(providers["provider_code"], providers["municipality"], strict=True))
    sizes = plan.members.groupby("group_code").size()
    for group in plan.groups.itertuples(index=False):
        entry = entries.loc[group.program_code]
        assert entry["group_min"] <= sizes[group.group_code] == group.listeners <= entry["group_max"]
        assert group.place in program_sites(entry, CONFIG, home[entry["provider_code"]])


def test_only_too_few_or_full_groups_leave_applications_out(choices, plan):
    apps = choices[0]
    catalog = choices[1].set_index("program_code")
    for reason, part in plan.unplaced.groupby("reason"):
        programs = set(part["program_code"])
        if reason.startswith("меньше"):
            counts = apps[apps["program_code"].isin(programs)].groupby("program_code").size()
            assert all(counts[p] < catalog.loc[p, "group_min"] for p in programs)
        else:
            assert reason == "все группы заполнены"


def test_most_placeable_fills_whole_groups():
    assert most_placeable(13, 10, 12) == 12  # one group of 12; two would need 20
    assert most_placeable(25, 10, 12) == 24
    assert most_placeable(9, 10, 25) == 0
    assert most_placeable(31, 10, 25) == 31


def test_travel_prefers_the_near_place():
    catalog = pd.DataFrame(
        [
            {
                "plan_year": 2027,
                "program_code": "ИРО-001",
                "provider_code": "ИРО",
                "hours": 36,
                "form": "очная",
                "distance": "нет",
                "places": "10; 12",  # Сургут, Ханты-Мансийск
                "group_min": 3,
                "group_max": 10,
                "days": pd.NA,
            }
        ]
    )
    rows = [("10", i) for i in range(4)] + [("12", i) for i in range(4, 8)]
    apps = pd.DataFrame(
        {
            "plan_year": 2027,
            "application_id": [f"2027-P{i:02d}-ИРО-001" for _, i in rows],
            "person_id": [f"P{i:02d}" for _, i in rows],
            "org_code": [f"{m}0001" for m, _ in rows],
            "municipality": [m for m, _ in rows],
            "program_code": "ИРО-001",
            "preferred_place": pd.NA,
            "preferred_period": "любой",
            "application_date": pd.Timestamp(2026, 10, 1),
        }
    )
    plan = form_groups(apps, catalog, CONFIG)
    places = plan.members.merge(plan.groups, on=["plan_year", "group_code"])
    assert (places["municipality"] == places["place"]).all()
    assert plan.solver.iloc[0]["travel_km"] == 0
    assert plan.solver.iloc[0]["gap"] == 0


def test_same_inputs_give_the_same_groups(choices, plan):
    apps, catalog, providers = choices
    again = form_groups(apps.sample(frac=1, random_state=5), catalog, CONFIG, providers)
    pd.testing.assert_frame_equal(plan.groups, again.groups)
    pd.testing.assert_frame_equal(plan.members, again.members)
    pd.testing.assert_frame_equal(plan.unplaced, again.unplaced)


def test_solver_reports_bound_and_gap(plan):
    report = plan.solver.iloc[0]
    assert report["bound"] <= report["objective"]
    assert 0 <= report["gap"] < 0.05
    assert report["models"] > 0


def test_benchmark_reports_size_time_and_bound():
    result = bench_groups("small", CONFIG)
    assert result["applications"] == result["placed"] + result["unplaced"]
    assert {"seconds", "travel_km", "bound", "gap"} <= set(result)


def test_a_rerun_recalls_solved_models_and_gives_the_same_plan(choices, tmp_path, monkeypatch):
    """Solved models are kept by the hash of the model: a second run solves none and plans the same groups;
    one program's changed applications are solved again, the others recalled."""
    import pipeline.groups as groups

    monkeypatch.setenv("ASUPK_MEMO_CACHE", str(tmp_path / "memo"))
    apps, catalog, providers = choices
    solves = []
    real_solve = groups._solve
    monkeypatch.setattr(groups, "_solve", lambda *args: solves.append(1) or real_solve(*args))
    set_up = []
    real_program_groups = groups._program_groups
    monkeypatch.setattr(
        groups, "_program_groups", lambda *args: set_up.append(args[1].code) or real_program_groups(*args)
    )
    cold = form_groups(apps, catalog, CONFIG, providers)
    solved_cold, programs = len(solves), len(set_up)
    assert solved_cold > 0
    warm = form_groups(apps, catalog, CONFIG, providers)
    assert len(solves) == solved_cold and len(set_up) == programs  # every program's groups recalled whole
    for part in ("groups", "members", "unplaced"):
        pd.testing.assert_frame_equal(getattr(cold, part), getattr(warm, part))
    assert cold.solver.drop(columns="seconds").equals(warm.solver.drop(columns="seconds"))
    program = warm.groups.groupby("program_code")["place"].nunique().idxmax()  # one solved by the model
    fewer = apps.drop(apps.index[apps["program_code"] == program][:1])
    form_groups(fewer, catalog, CONFIG, providers)
    assert len(solves) == solved_cold + 1 and set_up[programs:] == [program]
    assert len(form_groups(apps, catalog, CONFIG, providers, reuse=False).groups) == len(cold.groups)
    assert len(solves) == 2 * solved_cold + 1


def test_a_plan_year_whose_inputs_are_unchanged_is_recalled_whole(choices, tmp_path, monkeypatch):
    """Two plan years; one application of the later year withdrawn: the earlier year's groups come back from
    the memo without even grouping its applications by program, and the plan is that of a run without memo."""
    import pipeline.groups as groups

    monkeypatch.setenv("ASUPK_MEMO_CACHE", str(tmp_path / "memo"))
    apps, catalog, providers = choices
    earlier = apps.assign(plan_year=apps["plan_year"] - 1)
    earlier["application_id"] = "E-" + earlier["application_id"]
    two_years = pd.concat([earlier, apps], ignore_index=True)
    both_catalogs = pd.concat(
        [catalog.assign(plan_year=catalog["plan_year"] - 1), catalog], ignore_index=True
    )
    grouped = []
    real = groups._choices_by_program
    monkeypatch.setattr(
        groups, "_choices_by_program", lambda frame: grouped.append(set(frame["plan_year"])) or real(frame)
    )
    form_groups(two_years, both_catalogs, CONFIG, providers)
    latest = int(apps["plan_year"].max())
    withdrawn = two_years.drop(two_years.index[two_years["plan_year"] == latest][:1])
    grouped.clear()
    warm = form_groups(withdrawn, both_catalogs, CONFIG, providers)
    assert grouped == [{latest}]
    cold = form_groups(withdrawn, both_catalogs, CONFIG, providers, reuse=False)
    for part in ("groups", "members", "unplaced"):
        pd.testing.assert_frame_equal(getattr(cold, part), getattr(warm, part))
    assert cold.solver.drop(columns="seconds").equals(warm.solver.drop(columns="seconds"))


def test_models_solved_ahead_in_worker_processes_give_the_same_plan(choices, monkeypatch):
    """The independent CP-SAT models solved side by side in workers give what solving them one by one here
    gives; no model of several places is then solved in this process."""
    import pipeline.groups as groups

    apps, catalog, providers = choices
    monkeypatch.setenv("ASUPK_MEMO_CACHE", "off")
    monkeypatch.setattr(groups, "PARALLEL_FROM", 10**9)
    here = form_groups(apps, catalog, CONFIG, providers)
    monkeypatch.setattr(groups, "PARALLEL_FROM", 1)
    monkeypatch.setattr(groups.os, "cpu_count", lambda: 2)
    solved_here = []
    real_solve = groups._solve
    monkeypatch.setattr(
        groups,
        "_solve",
        lambda counts, cost, *rest: solved_here.append(cost.shape[1]) or real_solve(counts, cost, *rest),
    )
    ahead = form_groups(apps, catalog, CONFIG, providers)
    assert all(sites == 1 for sites in solved_here)
    assert here.groups["place"].groupby(here.groups["program_code"]).nunique().max() > 1  # models were solved
    for part in ("groups", "members", "unplaced"):
        pd.testing.assert_frame_equal(getattr(here, part), getattr(ahead, part))
    assert here.solver.drop(columns="seconds").equals(ahead.solver.drop(columns="seconds"))


@pytest.fixture(scope="module")
def country():
    """A synthetic country of 400 municipalities (more than groups.FEW_SITES) and its choices."""
    import random

    from pipeline.config import parse_config
    from pipeline.demo.country import synthetic_country

    config = parse_config(synthetic_country(random.Random(5), municipalities=400))
    apps, catalog, providers = synthetic_choices(config, applications=900, programs=12, seed=4, country=True)
    return config, apps, catalog, providers


def test_a_program_of_every_municipality_meets_only_where_its_applicants_are(country, monkeypatch):
    """A «все муниципалитеты» program of a country gets a model of the places its applicants work in or
    asked for, its provider's town and remote study, each class offered its nearest few: not one variable
    per municipality. Its groups meet at those places and whoever can be placed is placed."""
    import pipeline.groups as groups

    monkeypatch.setattr(groups, "FEW_SITES", 12)  # this small country's applicants come from ~25 towns
    config, apps, catalog, providers = country
    entry = catalog[catalog["places"] == "все муниципалитеты"].iloc[0]
    program = groups.Program(
        code=entry["program_code"],
        provider_code=entry["provider_code"],
        group_min=int(entry["group_min"]),
        group_max=int(entry["group_max"]),
        form=entry["form"],
        sites=program_sites(entry, config),
        home=config.municipalities[0].code,
    )
    assert len(program.sites) >= 400
    mine = apps[apps["program_code"] == program.code]
    choices = dict(groups._choices_by_program(mine))[program.code]
    by_class, keys, counts, sites, travel, cost, target = groups._model(
        program, choices, groups._Distances(config)
    )
    wanted = {c.origin for c in choices} | {c.wish for c in choices} | {program.home, "дистанционно"}
    assert set(sites) <= wanted and len(sites) < len(program.sites)
    offered = cost < groups.FORBIDDEN
    assert offered.sum() < len(keys) * len(program.sites) / 10
    assert (offered.sum(axis=1) <= groups.NEAREST_SITES + 3).all()  # nearest, wish, remote, centre
    remote = np.array([site == "дистанционно" for site in sites])
    assert offered[:, remote].all()  # remote study, where the program allows it, is offered to everyone
    assert offered.all(axis=0).any()  # the centre: one group of everyone always fits
    for i, (_, wish) in enumerate(keys):
        nearest = np.argsort(np.where(remote, np.inf, travel[i]), kind="stable")[: groups.NEAREST_SITES]
        assert offered[i, nearest].all()
        if wish in sites:
            assert offered[i, sites.index(wish)]

    plan = form_groups(mine, catalog, config, providers, reuse=False)
    places = plan.members.merge(plan.groups, on=["plan_year", "group_code"])
    home = dict(zip(providers["provider_code"], providers["municipality"], strict=True))
    allowed = wanted - {program.home} | {home[program.provider_code]}
    assert set(places["place"]) <= allowed
    assert len(plan.members) == most_placeable(len(mine), program.group_min, program.group_max)


def test_a_country_plan_is_complete_and_within_the_places(country, monkeypatch):
    import pipeline.groups as groups

    monkeypatch.setattr(groups, "FEW_SITES", 12)
    config, apps, catalog, providers = country
    plan = form_groups(apps, catalog, config, providers, reuse=False)
    assert set(plan.members["application_id"]) | set(plan.unplaced["application_id"]) == set(
        apps["application_id"]
    )
    assert set(plan.unplaced["reason"]) <= {
        "все группы заполнены",
        f"меньше {catalog['group_min'].max()} заявок на программу по всем местам",
    } | {f"меньше {n} заявок на программу по всем местам" for n in catalog["group_min"]}
    entries = catalog.set_index("program_code")
    home = dict(zip(providers["provider_code"], providers["municipality"], strict=True))
    origins = apps.groupby("program_code")["municipality"].agg(set)
    for group in plan.groups.itertuples(index=False):
        entry = entries.loc[group.program_code]
        assert group.place in program_sites(entry, config, home[entry["provider_code"]])
        if entry["places"] == "все муниципалитеты":
            assert group.place in origins[group.program_code] | set(apps["preferred_place"].dropna()) | {
                home[entry["provider_code"]]
            }
    again = form_groups(apps.sample(frac=1, random_state=2), catalog, config, providers, reuse=False)
    for part in ("groups", "members", "unplaced"):
        pd.testing.assert_frame_equal(getattr(plan, part), getattr(again, part))


def test_distances_are_the_configs_to_the_last_bit(country):
    """The per-origin rows give config.distance_km's figures exactly (costs and outputs round them)."""
    import pipeline.groups as groups

    config = country[0]
    codes = [m.code for m in config.municipalities]
    distances = groups._Distances(config)
    sites = tuple(codes[::7]) + ("дистанционно",)
    origins = codes[::13] + ["9999"]
    matrix = distances.matrix(origins, sites)
    for i, origin in enumerate(origins):
        for j, site in enumerate(sites):
            known = origin in config.municipality_by_code and site in config.municipality_by_code
            expected = config.distance_km(origin, site) if known and origin != site else 0.0
            assert matrix[i, j] == expected
