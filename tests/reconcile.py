"""Reconciliation of a whole run's state: what the registries, groups and schedule issues promise, checked from
the outside. Used by the tests on the demo region and by hand at region scale:

    .venv/bin/python -m tests.reconcile .cache/bench/region-86/inputs
"""

import sys
from collections import Counter
from pathlib import Path

import pandas as pd

from pipeline.groups import program_sites


def reconciliation_failures(state: dict, config) -> list[str]:
    """Every broken promise as one line; an empty list when the state reconciles."""
    intake, reg, schedule = state["intake"], state["registries"], state.get("schedule")
    failures: list[str] = []
    apps = reg.applications
    accepted = intake.records["applications"]
    if len(apps) != len(accepted):
        failures.append(f"accepted applications {len(accepted)} != registry applications {len(apps)}")
    doubled = apps["application_id"].duplicated()
    if doubled.any():
        failures.append(f"{int(doubled.sum())} applications appear twice")
    people = set(zip(reg.staff["person_id"], reg.staff["org_code"], strict=True)) | set(
        zip(reg.staff_archive["person_id"], reg.staff_archive["org_code"], strict=True)
    )
    orphans = [a for a in zip(apps["person_id"], apps["org_code"], strict=True) if a not in people]
    if orphans:
        failures.append(f"{len(orphans)} applications point to nobody in the staff registry")
    catalog = set(zip(reg.catalog["plan_year"].astype(int), reg.catalog["program_code"], strict=True))
    outside = [
        a for a in zip(apps["plan_year"].astype(int), apps["program_code"], strict=True) if a not in catalog
    ]
    if outside:
        failures.append(f"{len(outside)} applications point outside their year's catalog")
    orgs = dict(zip(reg.organisations["org_code"], reg.organisations["municipality"], strict=True))
    municipalities = {m.code for m in config.municipalities}
    homeless = reg.staff[~reg.staff["org_code"].map(lambda c: orgs.get(c) in municipalities)]
    if not homeless.empty:
        failures.append(f"{len(homeless)} staff rows belong to no organisation of a known municipality")
    if reg.staff_archive["archived_on"].isna().any():
        failures.append("archived staff without the date they left")
    if schedule is not None:
        failures += _schedule_failures(apps, reg, schedule, config)
    return failures


def _schedule_failures(apps: pd.DataFrame, reg, schedule, config) -> list[str]:
    failures = []
    seen = Counter(schedule.members["application_id"]) + Counter(schedule.unplaced["application_id"])
    missing = set(apps["application_id"]) - set(seen)
    twice = [a for a, n in seen.items() if n > 1]
    if missing:
        failures.append(f"{len(missing)} applications neither in a group nor with a reason")
    if twice:
        failures.append(f"{len(twice)} applications placed twice or both placed and unplaced")
    if schedule.unplaced["reason"].isna().any() or (schedule.unplaced["reason"] == "").any():
        failures.append("unplaced applications without a reason")
    groups = schedule.groups.set_index(["plan_year", "group_code"])
    spans = schedule.members.join(groups[["start_date", "end_date"]], on=["plan_year", "group_code"])
    for (year, _person), part in spans.groupby(["plan_year", "person_id"]):
        if len(part) < 2:
            continue
        ordered = part.sort_values("start_date")
        if (ordered["start_date"].iloc[1:].to_numpy() <= ordered["end_date"].iloc[:-1].to_numpy()).any():
            failures.append(f"a teacher in overlapping groups in {year}")
    sizes = schedule.members.groupby(["plan_year", "group_code"]).size()
    entries = reg.catalog.set_index(["plan_year", "program_code"])
    providers = dict(zip(reg.providers["provider_code"], reg.providers["municipality"], strict=True))
    for (year, code), group in groups.iterrows():
        entry = entries.loc[(year, group["program_code"])]
        size = int(sizes.get((year, code), 0))
        if size > min(int(group["capacity"]), int(entry["group_max"])):
            failures.append(f"group {year} {code}: {size} listeners above its size limit")
        if group["source"] == "предложение" and size < int(entry["group_min"]):
            failures.append(f"proposed group {year} {code}: {size} listeners below the minimum")
        allowed = program_sites(entry, config, providers.get(entry["provider_code"]))
        if group["place"] not in allowed:
            failures.append(f"group {year} {code} meets at {group['place']}, not an allowed place")
    return failures


def main(inputs: Path) -> int:
    import tempfile
    from datetime import date

    from pipeline.config import load_config
    from pipeline.dag import STAGES
    from pipeline.run import RunContext, run_stages

    config = load_config(inputs)
    stages = [s for s in STAGES if s[0] in ("intake", "registries", "groups", "schedule")]
    with tempfile.TemporaryDirectory() as reports:
        ctx = RunContext(
            config=config,
            inputs=inputs,
            reports=Path(reports),
            site=Path(reports) / "site",
            as_of=date.min,
            build_site=False,
            progress=print,
        )
        state = run_stages(ctx, stages)
    failures = reconciliation_failures(state, config)
    apps = state["registries"].applications
    print(
        f"applications {len(apps)}, staff {len(state['registries'].staff)}, "
        f"groups {len(state['schedule'].groups)}, unplaced {len(state['schedule'].unplaced)}"
    )
    print("\n".join(failures) or "reconciles")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
