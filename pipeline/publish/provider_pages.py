"""Providers of ПК: an index and a page per provider with its licence, programs, groups and execution."""

import pandas as pd

from pipeline.publish.model import YearView
from pipeline.publish.monitoring_pages import QUARTER_NAMES
from pipeline.publish.render import render, slug


def provider_pages(view: YearView) -> dict[str, str]:
    providers = view.frames["providers_public"].sort_values("provider_code", kind="stable")
    catalog, schedule = view.frame("catalog"), view.frame("schedule")
    monitoring, reports = view.frame("monitoring"), view.frame("report_status")
    group_counts = schedule.groupby("provider_code").size().to_dict() if schedule is not None else {}
    listener_counts = (
        schedule.groupby("provider_code")["listeners"].sum().to_dict() if schedule is not None else {}
    )
    pages = {
        "providers/index.md": render(
            "providers.md.j2",
            year=view.year,
            providers=list(providers.itertuples()),
            groups=group_counts,
            listeners=listener_counts,
            has_schedule=schedule is not None,
            threshold=view.threshold,
        )
    }
    municipalities = view.config.municipality_by_code
    for p in providers.itertuples():
        pages[f"providers/{slug(p.provider_code)}.md"] = render(
            "provider.md.j2",
            p=p,
            year=view.year,
            programs=_of(catalog, p.provider_code, ["program_code"]),
            groups=_of(schedule, p.provider_code, ["start_date", "group_code"]),
            execution=_of(monitoring, p.provider_code, ["quarter"]),
            reports=_of(reports, p.provider_code, ["quarter"]),
            quarter_names=QUARTER_NAMES,
            municipalities=municipalities,
            threshold=view.threshold,
        )
    return pages


def _of(frame: pd.DataFrame | None, provider_code: str, order: list[str]) -> pd.DataFrame | None:
    if frame is None:
        return None
    return frame[frame["provider_code"] == provider_code].sort_values(order, kind="stable")
