"""Forming groups from teachers' choices: where each program meets, how many groups, who goes where (CP-SAT)."""

import itertools
import math
import multiprocessing
import os
import pickle
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from typing import NamedTuple

import numpy as np
import pandas as pd
from ortools.sat.python import cp_model

from pipeline.config import RegionConfig, great_circle_km
from pipeline.memo import Memo, fingerprint
from pipeline.registries import days_left, on_the_staff
from schemas.lists import ALL_PLACES, REMOTE_PLACE

# A teacher who studies away from the place they asked for (their own municipality when they named none)
# counts as this many extra kilometres: remote study is not free for someone who wanted a classroom, and a
# town two hours away is worse than the one they named.
MISMATCH_KM = 50
# CP-SAT's deterministic time per program (roughly seconds of one core): a region solves in seconds within
# about 1% of the bound, and the answer is the same on every machine: it does not depend on the wall clock.
DETERMINISTIC_LIMIT = 0.25
# A program that may meet in more places than this (a country's «все муниципалитеты») gets a model of the
# places its own applicants can use, not of every municipality: see _candidate_sites. A region has a few
# dozen municipalities and never reaches it, so its models are those of every declared place.
FEW_SITES = 60
# Above FEW_SITES, each class of applicants is offered this many nearest places (and its wish, remote, the centre).
NEAREST_SITES = 8
FORBIDDEN = 10**9  # the cost of a class at a place it is not offered; no variable is made for it
PARALLEL_FROM = 48  # models to solve: fewer are solved here, quicker than starting the worker processes
MAX_SOLVE_WORKERS = 4
PERIOD_ORDER = {"I квартал": 1, "II квартал": 2, "III квартал": 3, "IV квартал": 4, "любой": 5}

REASON_TOO_FEW = "меньше {group_min} заявок на программу по всем местам"
REASON_NO_PLACE = "нет допустимого места проведения"
REASON_FULL = "все группы заполнены"
REASON_NOT_IN_CATALOG = "программы нет в каталоге планового года"
REASON_LEFT = "работник выбыл из организации до начала планового года"

GROUP_COLUMNS = [
    "plan_year",
    "group_code",
    "program_code",
    "provider_code",
    "place",
    "quarter",
    "capacity",
    "form",
    "listeners",
]
MEMBER_COLUMNS = [
    "plan_year",
    "group_code",
    "application_id",
    "person_id",
    "org_code",
    "municipality",
    "travel_km",
]
UNPLACED_COLUMNS = ["plan_year", "application_id", "person_id", "org_code", "program_code", "reason"]
SOLVER_COLUMNS = [
    "plan_year",
    "programs",
    "models",
    "objective",
    "bound",
    "gap",
    "travel_km",
    "seconds",
    "status",
]


@dataclass
class GroupPlan:
    """The proposed groups of every plan year: groups, their members, the unplaced and the solver's report."""

    groups: pd.DataFrame  # GROUP_COLUMNS; quarter 1..4, or <NA> when the members take any period
    members: pd.DataFrame  # MEMBER_COLUMNS
    unplaced: pd.DataFrame  # UNPLACED_COLUMNS
    solver: pd.DataFrame  # SOLVER_COLUMNS, one row per plan year


@dataclass(frozen=True)
class Program:
    code: str
    provider_code: str
    group_min: int
    group_max: int
    form: str
    sites: tuple[str, ...]  # municipality codes, then REMOTE_PLACE if the program may run remotely
    home: str | None = None  # the provider's municipality


def program_sites(entry: pd.Series, config: RegionConfig, provider_municipality: str | None = None) -> tuple:
    """Where a catalog program may meet: its declared municipalities (every one for «все муниципалитеты»; the
    provider's own when it declared none), plus «дистанционно» when its form or ДОТ allows it."""
    known = [m.code for m in config.municipalities]
    declared = [p.strip() for p in str(entry.get("places") or "").split(";") if p.strip()]
    if ALL_PLACES in declared:
        sites = list(known)
    else:
        sites = [p for p in known if p in declared]
    if not sites and provider_municipality in known and ALL_PLACES not in declared:
        if REMOTE_PLACE not in declared:
            sites = [provider_municipality]
    remote = REMOTE_PLACE in declared or entry.get("distance") == "да" or entry.get("form") == "заочная"
    return tuple(sites) + ((REMOTE_PLACE,) if remote else ())


def most_placeable(n: int, group_min: int, group_max: int) -> int:
    """The most applicants that fit into whole groups of group_min..group_max listeners."""
    for k in range(n, group_min - 1, -1):
        if math.ceil(k / group_max) <= k // group_min:
            return k
    return 0


def form_groups(
    applications: pd.DataFrame,
    catalog: pd.DataFrame,
    config: RegionConfig,
    providers: pd.DataFrame | None = None,
    deterministic_limit: float = DETERMINISTIC_LIMIT,
    reuse: bool = True,
) -> GroupPlan:
    """Groups for every plan year and catalog program. Per program: place every application that can be
    placed at all (computed exactly), then minimise total travel with CP-SAT; split each place's load into
    groups of near-equal size, listeners of the same preferred quarter together. With `reuse`, a model solved by
    an earlier run (the same classes, costs and sizes) is not solved again."""
    home = {}
    if providers is not None and not providers.empty:
        home = dict(zip(providers["provider_code"], providers["municipality"], strict=True))
    groups, members, unplaced, reports = [], [], [], []
    solved = Memo("groups-solve", ["pipeline/groups.py"], ["ortools"]) if reuse else None
    distances = _Distances(config)  # the same origins, program after program
    region = fingerprint(config) if solved is not None else None  # its distances reach every program's groups
    work = []  # (year, program code, its choices, its Program or None when the catalog lacks it)
    # A plan year whose applications, catalog and region are those of an earlier run: its outcome, recalled.
    whole_years: dict[int, tuple] = {}
    year_keys: dict[int, str] = {}
    for year in sorted(applications["plan_year"].dropna().unique().tolist()):
        year = int(year)
        of_year = applications[applications["plan_year"] == year]
        year_catalog = catalog[catalog["plan_year"] == year]
        if solved is not None:
            year_keys[year] = fingerprint(
                "year groups", year, of_year, year_catalog, sorted(home.items()), deterministic_limit, region
            )
            found, outcome = solved.recall(year_keys[year])
            if found:
                whole_years[year] = outcome
                continue
        entries = year_catalog.set_index("program_code")
        for code, choices in _choices_by_program(of_year):
            program = None
            if code in entries.index:
                entry = entries.loc[code]
                program = Program(
                    code=code,
                    provider_code=entry["provider_code"],
                    group_min=int(entry["group_min"]),
                    group_max=int(entry["group_max"]),
                    form=entry["form"],
                    sites=program_sites(entry, config, home.get(entry["provider_code"])),
                    home=home.get(entry["provider_code"]),
                )
            work.append((year, code, choices, program))
    # A program's whole outcome is recalled when its applications, entry and the region are those of an earlier
    # run (then its model is not even set up); the models of the others are solved ahead, side by side.
    kept, recalled = {}, {}
    for position, (year, _, choices, program) in enumerate(work):
        if program is not None and solved is not None:
            # one pickle of the whole list: fingerprint() would walk each application's fields one by one
            applications_bytes = pickle.dumps(choices, protocol=pickle.HIGHEST_PROTOCOL)
            kept[position] = fingerprint(
                "program groups", year, program, applications_bytes, deterministic_limit, region
            )
            found, outcome = solved.recall(kept[position])
            if found:
                recalled[position] = outcome
    ahead = _solve_ahead(
        [(p, c) for i, (_, _, c, p) in enumerate(work) if p is not None and i not in recalled],
        distances,
        deterministic_limit,
        solved,
    )
    outcomes = dict(whole_years)
    # work runs year after year
    for year, numbered in itertools.groupby(enumerate(work), key=lambda item: item[1][0]):
        started = time.perf_counter()
        totals = _Totals()
        rows = ([], [], [])  # the year's groups, members and unplaced applications
        for position, (_, code, choices, program) in numbered:
            if program is None:
                rows[2].extend(_unplaced(year, code, choices, REASON_NOT_IN_CATALOG))
                continue
            # Each program's totals are summed on their own and then added, recalled or not, so a re-run's
            # sums are a cold run's to the last bit.
            if position in recalled:
                result, mine = recalled[position]
            else:
                mine = _Totals()
                result = _program_groups(
                    year, program, choices, distances, deterministic_limit, mine, solved, ahead
                )
                if position in kept:
                    solved.keep(kept[position], (result, mine))
            totals.add(mine)
            for kept_rows, found in zip(rows, result, strict=True):
                kept_rows.extend(found)
        outcomes[year] = (rows, totals, time.perf_counter() - started)
        if year in year_keys:
            solved.keep(year_keys[year], (rows, totals, 0.0))
    for year, (rows, totals, seconds) in sorted(outcomes.items()):
        groups.extend(rows[0])
        members.extend(rows[1])
        unplaced.extend(rows[2])
        reports.append(totals.row(year, seconds))
    return GroupPlan(
        groups=_frame(groups, GROUP_COLUMNS, ["plan_year", "group_code"]),
        members=_frame(members, MEMBER_COLUMNS, ["plan_year", "group_code", "application_id"]),
        unplaced=_frame(unplaced, UNPLACED_COLUMNS, ["plan_year", "application_id"]),
        solver=pd.DataFrame(reports, columns=SOLVER_COLUMNS),
    )


@dataclass
class _Totals:
    programs: int = 0
    models: int = 0
    objective: int = 0
    bound: float = 0.0
    travel: float = 0.0
    optimal: bool = True

    def add(self, other: "_Totals") -> None:
        self.programs += other.programs
        self.models += other.models
        self.objective += other.objective
        self.bound += other.bound
        self.travel += other.travel
        self.optimal &= other.optimal

    def row(self, year: int, seconds: float) -> dict:
        gap = (self.objective - self.bound) / self.objective if self.objective > 0 else 0.0
        return {
            "plan_year": year,
            "programs": self.programs,
            "models": self.models,
            "objective": self.objective,
            "bound": round(self.bound, 1),
            "gap": round(max(gap, 0.0), 6),
            "travel_km": round(self.travel, 1),
            "seconds": round(seconds, 3),
            "status": "оптимум" if self.optimal else "допустимое решение",
        }


class Choice(NamedTuple):
    """One application as group formation sees it."""

    application_id: str
    person_id: str
    org_code: str
    origin: str  # municipality of the teacher's organisation
    wish: str  # preferred place: a municipality code or «дистанционно»
    period_rank: int  # 1..4 for a preferred quarter, 5 for any
    applied: pd.Timestamp


def _choices_by_program(apps: pd.DataFrame):
    """(program code, its choices) in code order; plain tuples, since pandas rows are slow to walk."""
    wish = (
        apps["preferred_place"].astype("object").where(apps["preferred_place"].notna(), apps["municipality"])
    )
    period = apps["preferred_period"].astype("object").map(PERIOD_ORDER).fillna(5).astype(int)
    columns = zip(
        apps["program_code"],
        apps["application_id"],
        apps["person_id"],
        apps["org_code"],
        apps["municipality"].astype(str),
        wish.astype(str),
        period,
        apps["application_date"],
        strict=True,
    )
    by_program: dict[str, list[Choice]] = {}
    for code, *fields in columns:
        by_program.setdefault(code, []).append(Choice(*fields))
    for code in sorted(by_program):
        yield code, sorted(by_program[code], key=lambda c: c.application_id)


def _model(program: Program, choices: list[Choice], distances: "_Distances"):
    """A program's CP-SAT model: its classes of applicants (origin, wish), their counts, the places offered,
    travel and costs (FORBIDDEN where a class is not offered a place), and how many can be placed at all."""
    by_class: dict[tuple[str, str], list[Choice]] = {}
    # Within a class, earlier applications are placed first: the latest ones are left out if any must be.
    for choice in sorted(choices, key=lambda c: (c.origin, c.wish, c.applied, c.application_id)):
        by_class.setdefault((choice.origin, choice.wish), []).append(choice)
    keys = sorted(by_class)
    counts = np.array([len(by_class[k]) for k in keys], dtype=int)
    sites = _candidate_sites(program, keys)
    travel, cost = _costs(keys, sites, distances)
    if len(sites) > FEW_SITES:
        sites, travel, cost = _nearest_only(keys, counts, sites, travel, cost)
    target = most_placeable(len(choices), program.group_min, program.group_max)
    return by_class, keys, counts, sites, travel, cost, target


def _costs(keys: list[tuple[str, str]], sites: tuple[str, ...], distances: "_Distances"):
    """Travel of each class to each place, and its cost: whole kilometres plus MISMATCH_KM away from the wish."""
    travel = distances.matrix([origin for origin, _ in keys], sites).reshape(len(keys), len(sites))
    # np.rint rounds half to even, as round() does
    cost = np.rint(travel).astype(int) + np.where(
        np.array(sites, dtype=object)[None, :] == np.array([wish for _, wish in keys], dtype=object)[:, None],
        0,
        MISMATCH_KM,
    )
    return travel, cost.reshape(len(keys), len(sites))


def _candidate_sites(program: Program, keys: list[tuple[str, str]]) -> tuple[str, ...]:
    """The places a program's groups may meet. A program of a few places keeps them all. One that may meet
    anywhere in a country (more than FEW_SITES places) meets only where one of its applicants works or asked
    to study, where its provider is, or remotely: the regional order forms groups where the teachers are, and
    a town none of them lives in or named could only win as a point between their towns. Without this rule
    a model had a variable for every applicant's town and every municipality of the country."""
    if len(program.sites) <= FEW_SITES:
        return program.sites
    wanted = {origin for origin, _ in keys} | {wish for _, wish in keys} | {program.home, REMOTE_PLACE}
    sites = tuple(site for site in program.sites if site in wanted)
    return sites or program.sites[:1]  # no applicant's town is a place of it: its first place


def _nearest_only(keys, counts, sites, travel, cost):
    """Above FEW_SITES places, each class is offered only its NEAREST_SITES nearest places, the place it
    asked for, remote study when the program allows it, and the program's centre (the place of least total
    cost for all its applicants, so that one group of everyone always fits); the plan minimises travel, so a
    teacher sent beyond their nearest towns would mostly be sent to the centre anyway. Places offered to no
    class are left out."""
    n_classes, n_sites = cost.shape
    offered = np.zeros(cost.shape, dtype=bool)
    remote = np.array([site == REMOTE_PLACE for site in sites])
    # remote study costs no travel but is not a town: it does not take one of the nearest places
    nearest = np.argsort(np.where(remote, np.inf, travel), axis=1, kind="stable")[:, :NEAREST_SITES]
    offered[np.arange(n_classes)[:, None], nearest] = True
    offered |= np.array(sites, dtype=object)[None, :] == np.array([w for _, w in keys], dtype=object)[:, None]
    offered[:, remote] = True
    offered[:, int(np.argmin((cost * counts[:, None]).sum(axis=0)))] = True
    kept = np.flatnonzero(offered.any(axis=0))
    offered, travel, cost = offered[:, kept], travel[:, kept], cost[:, kept]
    return tuple(sites[j] for j in kept), travel, np.where(offered, cost, FORBIDDEN)


def _model_key(counts, cost, target, program: Program, limit) -> str:
    return fingerprint(counts, cost, target, program.group_min, program.group_max, limit)


def _solve_ahead(pending, distances: "_Distances", limit, solved: Memo | None) -> dict[str, tuple]:
    """The CP-SAT models this run has to solve, solved side by side in worker processes before the programs
    are gone through in order. The models are independent and the solver is deterministic (one search worker,
    a deterministic time limit), so where a model is solved does not change its answer."""
    models = {}
    for program, choices in pending:
        if len(program.sites) < 2 or len(choices) < program.group_min:
            continue
        _, _, counts, sites, _, cost, target = _model(program, choices, distances)
        if len(sites) < 2:
            continue
        key = _model_key(counts, cost, target, program, limit)
        if key not in models and not (solved is not None and solved.recall(key)[0]):
            models[key] = (counts, cost, target, program, limit)
    workers = min(os.cpu_count() or 1, MAX_SOLVE_WORKERS)
    if len(models) < PARALLEL_FROM or workers < 2:
        return {}
    # A fresh interpreter per worker: this process may hold threads that fork would copy.
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("forkserver")) as pool:
        answers = list(pool.map(_solve_model, models.values(), chunksize=8))
    return dict(zip(models, answers, strict=True))


def _solve_model(model: tuple) -> tuple:
    return _solve(*model)


def _program_groups(
    year,
    program: Program,
    choices: list[Choice],
    distances: "_Distances",
    limit,
    totals: _Totals,
    solved: Memo | None = None,
    ahead: dict | None = None,
):
    totals.programs += 1
    if not program.sites:
        return [], [], _unplaced(year, program.code, choices, REASON_NO_PLACE)
    if len(choices) < program.group_min:
        return (
            [],
            [],
            _unplaced(year, program.code, choices, REASON_TOO_FEW.format(group_min=program.group_min)),
        )
    ahead = ahead or {}
    by_class, keys, counts, sites, travel, cost, target = _model(program, choices, distances)
    if len(sites) == 1:
        load, opened, objective, bound, optimal = _solve(counts, cost, target, program, limit)
    else:
        # The solver is deterministic: the same model gives the same answer, so a re-run reuses it.
        key = _model_key(counts, cost, target, program, limit)
        if key in ahead:
            answer = ahead[key]
            if solved is not None:
                solved.keep(key, answer)
        elif solved is None:
            answer = _solve(counts, cost, target, program, limit)
        else:
            answer = solved.get(key, lambda: _solve(counts, cost, target, program, limit))
        load, opened, objective, bound, optimal = answer
    totals.models += 1
    totals.objective += objective
    totals.bound += bound
    totals.optimal &= optimal
    at_site: dict[int, list] = {j: [] for j in range(len(sites))}
    left = []
    for i, key in enumerate(keys):
        start = 0
        for j in np.flatnonzero(load[i]).tolist():
            take = int(load[i, j])
            at_site[j].extend((c, travel[i, j]) for c in by_class[key][start : start + take])
            start += take
        left.extend(by_class[key][start:])
    groups, members, number = [], [], 0
    for j, site in enumerate(sites):
        if not opened[j]:
            continue
        people = sorted(
            at_site[j], key=lambda item: (item[0].period_rank, item[0].origin, item[0].application_id)
        )
        for chunk in _split(people, int(opened[j])):
            number += 1
            group_code = f"{program.code}-{number}"
            wanted = [c.period_rank for c, _ in chunk if c.period_rank < 5]
            quarter = max(set(wanted), key=lambda q: (wanted.count(q), -q)) if wanted else pd.NA
            groups.append(
                {
                    "plan_year": year,
                    "group_code": group_code,
                    "program_code": program.code,
                    "provider_code": program.provider_code,
                    "place": site,
                    "quarter": quarter,
                    "capacity": program.group_max,
                    "form": program.form,
                    "listeners": len(chunk),
                }
            )
            for c, km in chunk:
                totals.travel += km
                members.append(
                    {
                        "plan_year": year,
                        "group_code": group_code,
                        "application_id": c.application_id,
                        "person_id": c.person_id,
                        "org_code": c.org_code,
                        "municipality": c.origin,
                        "travel_km": round(float(km), 1),
                    }
                )
    return groups, members, _unplaced(year, program.code, left, REASON_FULL)


def _solve(counts: np.ndarray, cost: np.ndarray, target: int, program: Program, limit: float):
    """Place exactly `target` applicants at the least cost: load[i, j] of class i at site j, opened[j] groups.
    Returns load, opened, objective, bound and whether the solution is proven optimal."""
    n_classes, n_sites = cost.shape
    if n_sites == 1:
        load = _fill_single(counts, cost, target)
        value = int((load * cost).sum())
        return load, [_groups_for(target, program)], value, float(value), True
    model = cp_model.CpModel()
    most_groups = math.ceil(int(counts.sum()) / program.group_min)
    # One variable per class and place it is offered, made class by class, place by place (the order CP-SAT
    # searches in); the sums are built from lists, not term by term.
    rows, cols = np.nonzero(cost < FORBIDDEN)
    x = [
        model.new_int_var(0, int(counts[i]), f"x{i}_{j}")
        for i, j in zip(rows.tolist(), cols.tolist(), strict=True)
    ]
    y = [model.new_int_var(0, most_groups, f"y{j}") for j in range(n_sites)]
    row_start = np.searchsorted(rows, np.arange(n_classes + 1))
    for i in range(n_classes):
        model.add(cp_model.LinearExpr.sum(x[row_start[i] : row_start[i + 1]]) <= int(counts[i]))
    by_site = np.argsort(cols, kind="stable")
    site_start = np.searchsorted(cols[by_site], np.arange(n_sites + 1))
    for j in range(n_sites):
        at_site = cp_model.LinearExpr.sum([x[k] for k in by_site[site_start[j] : site_start[j + 1]].tolist()])
        model.add(at_site >= program.group_min * y[j])
        model.add(at_site <= program.group_max * y[j])
    model.add(cp_model.LinearExpr.sum(x) == target)
    model.minimize(cp_model.LinearExpr.weighted_sum(x, cost[rows, cols].tolist()))
    hint = _greedy(counts, cost, target, program)
    for var, value in zip(x, hint[rows, cols].tolist(), strict=True):
        model.add_hint(var, value)
    for j in range(n_sites):
        model.add_hint(y[j], _groups_for(int(hint[:, j].sum()), program))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 0
    solver.parameters.max_deterministic_time = limit
    solver.parameters.linearization_level = 2
    status = solver.solve(model)
    bound = max(float(solver.best_objective_bound), _cheapest_bound(counts, cost, target))
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):  # out of time before the hint was repaired
        opened = [_groups_for(int(hint[:, j].sum()), program) for j in range(n_sites)]
        return hint, opened, int((hint * cost).sum()), bound, False
    load = np.zeros(cost.shape, dtype=int)
    load[rows, cols] = [solver.value(var) for var in x]
    opened = [solver.value(y[j]) for j in range(n_sites)]
    return load, opened, int(solver.objective_value), bound, status == cp_model.OPTIMAL


def _cheapest_bound(counts: np.ndarray, cost: np.ndarray, target: int) -> float:
    """A lower bound whatever the group sizes: the `target` cheapest applicants, each at its cheapest site."""
    best = np.repeat(cost.min(axis=1), counts)
    return float(np.sort(best, kind="stable")[:target].sum())


def _greedy(counts: np.ndarray, cost: np.ndarray, target: int, program: Program) -> np.ndarray:
    """A feasible start: everyone at their cheapest open site, closing the emptiest site while any has
    fewer than a group's minimum; the single best site when that does not give whole groups."""
    n_sites = cost.shape[1]
    is_open = np.ones(n_sites, dtype=bool)
    choice = np.argmin(cost, axis=1)  # the first of the cheapest, as over the open sites in order
    while True:
        loads = np.bincount(choice, weights=counts, minlength=n_sites).astype(int)
        small = np.flatnonzero(is_open & (loads < program.group_min))
        if not len(small) or is_open.sum() == 1:
            break
        closed = int(small[np.lexsort((small, loads[small]))[0]])  # the emptiest, then the first
        is_open[closed] = False
        moved = np.flatnonzero(choice == closed)  # only their cheapest open site changes
        choice[moved] = np.argmin(np.where(is_open, cost[moved], np.iinfo(np.int64).max), axis=1)
    load = np.zeros(cost.shape, dtype=int)
    load[np.arange(len(counts)), choice] = counts
    drop = int(load.sum()) - target
    if (
        drop == 0
        and all(
            most_placeable(int(loads[j]), program.group_min, program.group_max) == loads[j]
            for j in np.flatnonzero(is_open).tolist()
        )
        and not (cost[np.arange(len(counts)), choice] >= FORBIDDEN).any()
    ):
        return load
    best = int(np.argmin((cost * counts[:, None]).sum(axis=0)))
    single = np.zeros(cost.shape, dtype=int)
    single[:, [best]] = _fill_single(counts, cost[:, [best]], target)
    return single


def _fill_single(counts: np.ndarray, cost: np.ndarray, target: int) -> np.ndarray:
    """`target` applicants at one site, the classes that travel least first."""
    load = np.zeros((len(counts), 1), dtype=int)
    for i in np.argsort(cost[:, 0], kind="stable"):
        take = min(int(counts[i]), target - int(load.sum()))
        load[i, 0] = take
    return load


def _groups_for(n: int, program: Program) -> int:
    return math.ceil(n / program.group_max) if n else 0


def _split(people: list, n_groups: int) -> list[list]:
    """Consecutive chunks of near-equal size: the people arrive ordered by their preferred quarter."""
    base, extra = divmod(len(people), n_groups)
    chunks, start = [], 0
    for g in range(n_groups):
        size = base + (1 if g < extra else 0)
        chunks.append(people[start : start + size])
        start += size
    return chunks


class _Distances:
    """Travel from an applicant's municipality to each place, in kilometres: a row of every municipality per
    origin, computed once a run. Each figure is config.great_circle_km's to the last bit (numpy's arcsin and
    square differ from math's by an ulp in about one pair of twelve); the rows are then picked up with numpy.
    Remote study, one's own town and an origin the config does not know cost no travel."""

    def __init__(self, config: RegionConfig):
        self.points = [(m.lat, m.lon) for m in config.municipalities]
        self.column = {m.code: j for j, m in enumerate(config.municipalities)} | {
            REMOTE_PLACE: len(self.points)
        }
        self.rows: dict[str, np.ndarray] = {}

    def row(self, origin: str) -> np.ndarray:
        if origin not in self.rows:
            row = np.zeros(len(self.points) + 1)  # the last column: remote
            if origin in self.column and origin != REMOTE_PLACE:
                lat, lon = self.points[self.column[origin]]
                row[:-1] = [great_circle_km(lat, lon, *point) for point in self.points]
                row[self.column[origin]] = 0.0
            self.rows[origin] = row
        return self.rows[origin]

    def matrix(self, origins: list[str], sites: tuple[str, ...]) -> np.ndarray:
        columns = [self.column[site] for site in sites]
        return np.array([self.row(origin)[columns] for origin in origins]).reshape(len(origins), len(sites))


def _unplaced(year: int, program_code: str, choices: list[Choice], reason: str) -> list[dict]:
    return [
        {
            "plan_year": year,
            "application_id": c.application_id,
            "person_id": c.person_id,
            "org_code": c.org_code,
            "program_code": program_code,
            "reason": reason,
        }
        for c in choices
    ]


def _frame(rows: list[dict], columns: list[str], key: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=columns)
    for column in ("plan_year", "capacity", "listeners", "quarter"):
        if column in frame:
            frame[column] = pd.array(frame[column], dtype="Int64")
    return frame.sort_values(key, kind="stable").reset_index(drop=True)


def run_groups(ctx, state: dict) -> dict:
    registries = state["registries"]
    applications, left = planned_applications(
        registries.applications, registries.staff, registries.staff_archive
    )
    plan = form_groups(applications, registries.catalog, ctx.config, registries.providers)
    if not left.empty:
        rows = left.assign(reason=REASON_LEFT)[UNPLACED_COLUMNS].to_dict("records")
        unplaced = _frame(
            plan.unplaced.to_dict("records") + rows, UNPLACED_COLUMNS, ["plan_year", "application_id"]
        )
        plan = replace(plan, unplaced=unplaced)
    return {"groups": plan}


def planned_applications(
    applications: pd.DataFrame, staff: pd.DataFrame, archive: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The applications groups are formed from, and those left out: a teacher who left her organisation before
    the plan year began is not placed in its groups. Her application, made while she was on the staff, stays in
    the registry (the order, item 3.2) and in the demand; she is listed among the unplaced with the reason."""
    elsewhere = np.flatnonzero(~on_the_staff(applications, staff))
    if not len(elsewhere):
        return applications, applications.iloc[:0]
    left_on = days_left(archive)
    # Dates matter only for the few people who left: look theirs up one by one.
    gone = np.zeros(len(applications), dtype=bool)
    for i in elsewhere:
        key = (applications["person_id"].iat[i], applications["org_code"].iat[i])
        year = int(applications["plan_year"].iat[i])
        gone[i] = key in left_on and pd.Timestamp(left_on[key]) < pd.Timestamp(year, 1, 1)
    return applications[~gone], applications[gone]
