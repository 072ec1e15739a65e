"""Timing group formation on a region- or country-sized set of choices built in memory from a seeded generator."""

import random
import time
from collections import Counter

import numpy as np
import pandas as pd

from pipeline import groups
from pipeline.config import RegionConfig, load_config, parse_config
from pipeline.demo.country import synthetic_country
from pipeline.groups import GroupPlan, form_groups
from pipeline.paths import DEFAULT_REGION_CONFIG
from schemas.lists import ALL_PLACES, PERIODS, REMOTE_PLACE

SCALES = {  # applications, programs
    "small": (600, 20),
    "region": (15000, 400),
    "large": (60000, 1600),
    # The demo country (make demo, seed 86): 44 995 application files of 17.9 rows each (a sample of 400)
    # make about 807 000 applications; its catalog has 7 889 programs, 20% of them «все муниципалитеты».
    "country": (807_000, 7_900),
    "country-tenth": (80_700, 790),
}
COUNTRY = {"country", "country-tenth"}  # on synthetic_country's 1 870 municipalities, not the region's 22
PROVIDERS = ("ИРО", "СурГУ", "НВГУ", "ЮГУ", "ЦНППМ", "НЯГ", "КОГ", "УРАЙ")


def synthetic_choices(
    config: RegionConfig,
    applications: int,
    programs: int,
    plan_year: int = 2027,
    seed: int = 7,
    country: bool = False,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Applications, catalog and providers shaped like a region's: teachers where people live, programs of
    a few providers with places from one town to every municipality, some remote. A `country` is shaped like
    the demo country's: programs about equally popular (its most chosen one has 0.07% of the applications,
    not a region's few per cent), and a teacher asks for their own town, remote study or one of the
    program's own places, never a town across the country."""
    rng = np.random.default_rng(seed)
    codes = [m.code for m in config.municipalities]
    weight = np.array([m.population for m in config.municipalities], dtype=float)
    weight /= weight.sum()
    providers = pd.DataFrame(
        {
            "provider_code": list(PROVIDERS),
            "municipality": [codes[int(i)] for i in rng.choice(len(codes), len(PROVIDERS), p=weight)],
        }
    )
    rows = []
    for p in range(programs):
        provider = PROVIDERS[p % len(PROVIDERS)]
        kind = rng.integers(0, 4)
        if kind == 0:
            places = ALL_PLACES
        else:
            chosen = sorted(rng.choice(len(codes), int(rng.integers(1, 6)), replace=False, p=weight).tolist())
            places = "; ".join(codes[i] for i in chosen) + (f"; {REMOTE_PLACE}" if kind == 3 else "")
        group_min = int(rng.integers(5, 13))
        rows.append(
            {
                "plan_year": plan_year,
                "program_code": f"{provider}-{p + 1:03d}",
                "provider_code": provider,
                "hours": int(rng.choice([16, 24, 36, 72, 108, 250])),
                "form": str(rng.choice(["очная", "очно-заочная", "заочная"], p=[0.6, 0.3, 0.1])),
                "distance": str(rng.choice(["да", "нет"], p=[0.3, 0.7])),
                "places": places,
                "group_min": group_min,
                "group_max": group_min + int(rng.integers(10, 25)),
                "days": pd.NA,
            }
        )
    catalog = pd.DataFrame(rows)
    popularity = rng.gamma(2.0, size=programs) if country else rng.pareto(1.2, programs) + 0.05
    popularity /= popularity.sum()
    program_of = rng.choice(programs, applications, p=popularity)
    origin = rng.choice(len(codes), applications, p=weight)
    people = rng.integers(0, applications * 2 // 3, applications)
    wishes = rng.random(applications)
    apps = pd.DataFrame(
        {
            "plan_year": plan_year,
            "person_id": [f"P{n:010x}" for n in people],
            "org_code": [f"{codes[o]}{int(n % 40):04d}" for o, n in zip(origin, people, strict=True)],
            "municipality": [codes[o] for o in origin],
            "program_code": catalog["program_code"].to_numpy()[program_of],
            "preferred_place": _country_wishes(rng, catalog, program_of, wishes)
            if country
            else [
                pd.NA
                if w < 0.6
                else REMOTE_PLACE
                if w > 0.9
                else codes[int(rng.choice(len(codes), p=weight))]
                for w in wishes
            ],
            "preferred_period": rng.choice(PERIODS, applications),
            "application_date": pd.Timestamp(plan_year - 1, 9, 1)
            + pd.to_timedelta(rng.integers(0, 60, applications), "D"),
        }
    )
    apps["application_id"] = (
        apps["plan_year"].astype(str) + "-" + apps["person_id"] + "-" + apps["program_code"]
    )
    apps = apps.drop_duplicates("application_id").reset_index(drop=True)
    return apps, catalog, providers


def _country_wishes(rng, catalog: pd.DataFrame, program_of: np.ndarray, wishes: np.ndarray) -> list:
    """As the demo's teachers ask: 10% name no place, 10% remote study, 10% one of the program's listed
    places, the rest their own town (no place named counts the same)."""
    listed = [
        [p for p in str(places).split("; ") if p not in (ALL_PLACES, REMOTE_PLACE)]
        for places in catalog["places"]
    ]
    picks = rng.random(len(wishes))
    return [
        REMOTE_PLACE
        if 0.1 <= w < 0.2
        else listed[p][int(pick * len(listed[p]))]
        if 0.2 <= w < 0.3 and listed[p]
        else pd.NA
        for w, p, pick in zip(wishes, program_of.tolist(), picks, strict=True)
    ]


def scale_config(scale: str, seed: int = 86) -> RegionConfig:
    """The region's default config, or for a country scale a seeded synthetic country (the demo's seed)."""
    if scale in COUNTRY:
        return parse_config(synthetic_country(random.Random(seed)))
    return load_config(DEFAULT_REGION_CONFIG.parent / "absent")


def bench_groups(scale: str = "region", config: RegionConfig | None = None, profile: bool = False) -> dict:
    """Form the groups of a synthetic region and report the size, the time, the travel and the solver's bound.
    With `profile`, the models are solved here, one by one, and the report adds the spread of their sizes
    (classes × places offered, variables) and where the time went: setting up the models (classes, travel,
    costs), building them for CP-SAT, and CP-SAT's search."""
    config = config or scale_config(scale)
    applications, programs = SCALES[scale]
    apps, catalog, providers = synthetic_choices(config, applications, programs, country=scale in COUNTRY)
    spent = Counter()
    sizes = []
    if profile:
        restore = _profiled(spent, sizes)
    try:
        started = time.perf_counter()
        plan: GroupPlan = form_groups(apps, catalog, config, providers, reuse=False)  # solve, don't recall
        seconds = time.perf_counter() - started
    finally:
        if profile:
            restore()
    solver = plan.solver.iloc[0]
    result = {
        "scale": scale,
        "municipalities": len(config.municipalities),
        "applications": len(apps),
        "programs": programs,
        "models": int(solver["models"]),
        "groups": len(plan.groups),
        "placed": len(plan.members),
        "unplaced": len(plan.unplaced),
        "seconds": round(seconds, 2),
        "travel_km": float(solver["travel_km"]),
        "objective": int(solver["objective"]),
        "bound": float(solver["bound"]),
        "gap": float(solver["gap"]),
        "status": solver["status"],
    }
    if profile:
        result |= {f"{part}_seconds": round(value, 2) for part, value in sorted(spent.items())}
        result["model_sizes"] = _spread(sizes)
    return result


def _profiled(spent: Counter, sizes: list) -> callable:
    """Time groups' steps in this process (solving ahead off); returns what undoes it."""
    saved = groups._model, groups._solve, groups.cp_model.CpSolver.solve, groups.PARALLEL_FROM

    def model(*args):
        started = time.perf_counter()
        answer = saved[0](*args)
        spent["model_setup"] += time.perf_counter() - started
        return answer

    def solve(counts, cost, *rest):
        if cost.shape[1] > 1:
            sizes.append((cost.shape[0], cost.shape[1], int((cost < groups.FORBIDDEN).sum())))
        started = time.perf_counter()
        answer = saved[1](counts, cost, *rest)
        spent["solve_and_build"] += time.perf_counter() - started
        return answer

    def search(self, *args, **kwargs):
        started = time.perf_counter()
        answer = saved[2](self, *args, **kwargs)
        spent["cp_sat_search"] += time.perf_counter() - started
        return answer

    groups._model, groups._solve, groups.cp_model.CpSolver.solve = model, solve, search
    groups.PARALLEL_FROM = 10**9

    def restore():
        groups._model, groups._solve, groups.cp_model.CpSolver.solve, groups.PARALLEL_FROM = saved

    return restore


def _spread(sizes: list) -> dict:
    """Classes, places and variables of the models of several places: median, 90th percentile and largest."""
    if not sizes:
        return {}
    table = np.array(sizes)
    return {
        name: [int(np.percentile(table[:, k], q, method="lower")) for q in (50, 90, 100)]
        for k, name in enumerate(("classes", "places", "variables"))
    }


if __name__ == "__main__":
    import sys

    arguments = [a for a in sys.argv[1:] if a != "--profile"]
    print(bench_groups(arguments[0] if arguments else "region", profile="--profile" in sys.argv))
