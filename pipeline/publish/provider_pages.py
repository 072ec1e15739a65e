"""Providers of ПК: an index and a page per provider with its licence, programs, groups and execution."""

from pipeline.publish.grouping import RowsBy
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
    programs_of = RowsBy(catalog, "provider_code", ["program_code"])
    groups_of = RowsBy(schedule, "provider_code", ["start_date", "group_code"])
    execution_of = RowsBy(monitoring, "provider_code", ["quarter"])
    reports_of = RowsBy(reports, "provider_code", ["quarter"])
    for p in providers.itertuples():
        pages[f"providers/{slug(p.provider_code)}.md"] = render(
            "provider.md.j2",
            p=p,
            year=view.year,
            programs=programs_of(p.provider_code),
            groups=groups_of(p.provider_code),
            execution=execution_of(p.provider_code),
            reports=reports_of(p.provider_code),
            quarter_names=QUARTER_NAMES,
            municipalities=municipalities,
            threshold=view.threshold,
        )
    return pages
