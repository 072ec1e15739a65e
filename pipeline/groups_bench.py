"""Timing group formation on a region-sized set of choices built in memory from a seeded generator."""

import time

import numpy as np
import pandas as pd

from pipeline.config import RegionConfig, load_config
from pipeline.groups import GroupPlan, form_groups
from pipeline.paths import DEFAULT_REGION_CONFIG
from schemas.lists import ALL_PLACES, PERIODS, REMOTE_PLACE

SCALES = {"small": (600, 20), "region": (15000, 400), "large": (60000, 1600)}  # applications, programs
PROVIDERS = ("ИРО", "СурГУ", "НВГУ", "ЮГУ", "ЦНППМ", "НЯГ", "КОГ", "УРАЙ")


def synthetic_choices(
    config: RegionConfig, applications: int, programs: int, plan_year: int = 2027, seed: int = 7
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Applications, catalog and providers shaped like a region's: teachers where people live, programs of
    a few providers with places from one town to every municipality, some remote."""
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
    popularity = rng.pareto(1.2, programs) + 0.05
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
            "preferred_place": [
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


def bench_groups(scale: str = "region", config: RegionConfig | None = None) -> dict:
    """Form the groups of a synthetic region and report the size, the time, the travel and the solver's bound."""
    config = config or load_config(DEFAULT_REGION_CONFIG.parent / "absent")
    applications, programs = SCALES[scale]
    apps, catalog, providers = synthetic_choices(config, applications, programs)
    started = time.perf_counter()
    plan: GroupPlan = form_groups(apps, catalog, config, providers, reuse=False)  # solve, don't recall
    seconds = time.perf_counter() - started
    solver = plan.solver.iloc[0]
    return {
        "scale": scale,
        "applications": len(apps),
        "programs": programs,
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


if __name__ == "__main__":
    import sys

    print(bench_groups(sys.argv[1] if len(sys.argv) > 1 else "region"))
