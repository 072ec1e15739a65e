"""The publish stage: the public frames of every plan year, checked for personal data, built into the site."""

import json
from pathlib import Path

import pandas as pd

from pipeline.publish.build import build_site
from pipeline.publish.model import SiteModel
from pipeline.publish.open_data import DATA_DIR

STATUS_PUBLIC = [
    "file",
    "login",
    "kind_title",
    "plan_year",
    "quarter",
    "submitted",
    "deadline",
    "late",
    "rows_in",
    "accepted",
    "kept",
    "refused",
    "status",
]
ORGANISATION_PUBLIC = ["org_code", "name", "org_type", "municipality", "login", "regional"]


def site_model(ctx, state: dict) -> SiteModel:
    """The model of the site: the stages' public frames plus a few public cuts of the registries made here."""
    public = {year: dict(frames) for year, frames in state.get("public", {}).items()}
    registries = state.get("registries")
    current = registries.current_plan_year(ctx.config.plan_years) if registries is not None else None
    for year in ctx.config.plan_years:
        frames = public.setdefault(year, {})
        frames.update(submissions_of(state.get("status"), year, registries_too=year == current))
        if registries is not None:
            frames["organisations"] = organisations_public(registries.organisations)
            frames["municipal_operators"] = municipal_operators_public(registries.municipal_operators)
        if state.get("schedule") is not None and registries is not None:
            frames.update(placement_of(state["schedule"], registries.organisations, year))
    templates = ctx.reports / "templates"
    return SiteModel(
        config=ctx.config,
        as_of=ctx.as_of,
        plan_years=ctx.config.plan_years,
        frames=public,
        templates_dir=templates if templates.exists() else None,
        previous=previous_open_data(Path(ctx.site), ctx.config.plan_years),
    )


def submissions_of(
    status: pd.DataFrame | None, year: int, registries_too: bool = True
) -> dict[str, pd.DataFrame]:
    """Every file of the plan year, and with registries_too (the current plan year's version) the registries'
    files, which belong to no year."""
    if status is None:
        return {}
    of_year = status["plan_year"] == year
    of_year = status[(status["plan_year"].isna() | of_year) if registries_too else of_year.fillna(False)]
    return {"submissions": of_year[STATUS_PUBLIC].sort_values("file", kind="stable").reset_index(drop=True)}


def organisations_public(organisations: pd.DataFrame) -> pd.DataFrame:
    """Organisations are public bodies: code, name, type, municipality and the login they submit under."""
    frame = organisations[[c for c in ORGANISATION_PUBLIC if c in organisations]]
    return frame.sort_values("org_code", kind="stable").reset_index(drop=True)


def municipal_operators_public(operators: pd.DataFrame) -> pd.DataFrame:
    frame = operators[[c for c in ("municipality", "login") if c in operators]]
    return frame.sort_values(list(frame.columns), kind="stable").reset_index(drop=True)


def placement_of(schedule, organisations: pd.DataFrame, year: int) -> dict[str, pd.DataFrame]:
    """Counts only: listeners of each municipality per group, and placed/unplaced applications per municipality."""
    members = schedule.members[schedule.members["plan_year"] == year]
    attended = (
        members.groupby(["municipality", "group_code"], as_index=False)
        .size()
        .rename(columns={"size": "listeners"})
        .sort_values(["municipality", "group_code"], kind="stable")
        .reset_index(drop=True)
    )
    unplaced = schedule.unplaced[schedule.unplaced["plan_year"] == year]
    municipality_of = dict(zip(organisations["org_code"], organisations["municipality"], strict=True))
    placed = members.groupby("municipality").size().rename("placed")
    not_placed = (
        unplaced.assign(municipality=unplaced["org_code"].map(municipality_of))
        .groupby("municipality")
        .size()
        .rename("unplaced")
    )
    placement = (
        pd.concat([placed, not_placed], axis=1)
        .fillna(0)
        .astype("int64")
        .rename_axis("municipality")
        .reset_index()
        .sort_values("municipality", kind="stable")
        .reset_index(drop=True)
    )
    return {"group_municipalities": attended, "placement": placement}


def previous_open_data(site: Path, years: tuple[int, ...]) -> dict[int, dict[str, list[dict]]]:
    """The open data of the site in place now (the previous run), read before this run replaces it."""
    previous: dict[int, dict[str, list[dict]]] = {}
    for year in years:
        folder = site / str(year) / DATA_DIR
        found = {}
        for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
            if path.name == "datapackage.json":
                continue
            try:
                found[path.stem] = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue  # a damaged previous file only means nothing to compare with
        if found:
            previous[year] = found
    return previous


def run_publish(ctx, state: dict) -> dict:
    if not ctx.build_site:
        return {}
    model = site_model(ctx, state)
    build_site(model, ctx.site, ctx.reports.parent / ".site-work", while_building=ctx.write_deferred)
    return {"site_model": model}
