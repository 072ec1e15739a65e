"""Monitoring: the plan-schedule against what providers report, by quarter, with bar charts drawn as SVG."""

import pandas as pd

from pipeline.monitoring import FIGURES as MONITORING_FIGURES
from pipeline.publish.charts import bar_chart_svg
from pipeline.publish.model import YearView
from pipeline.publish.render import render

QUARTERS = (1, 2, 3, 4)
QUARTER_NAMES = {1: "I квартал", 2: "II квартал", 3: "III квартал", 4: "IV квартал"}
# The figures that add up across providers; the completion rate is a ratio and is computed afresh.
FIGURES = tuple(f for f in MONITORING_FIGURES if f != "completion_rate")


def monitoring_pages(view: YearView) -> dict[str, str]:
    by_quarter = quarters_of(view)
    categories = [QUARTER_NAMES[q] for q in QUARTERS]
    fact = by_quarter["reported"]
    charts = [
        bar_chart_svg(
            "Учебные группы: план и факт",
            categories,
            [
                ("по плану", list(by_quarter["groups_planned"]), "bar-plan"),
                ("проведено", list(by_quarter["groups_held"].where(fact)), "bar-fact"),
            ],
        ),
        bar_chart_svg(
            "Слушатели: план и факт",
            categories,
            [
                ("по плану", list(by_quarter["listeners_planned"]), "bar-plan"),
                ("обучено", list(by_quarter["listeners_trained"].where(fact)), "bar-fact"),
            ],
            people_threshold=view.threshold,
        ),
    ]
    monitoring = view.frame("monitoring")
    providers = None
    if monitoring is not None:
        providers = monitoring.sort_values(["quarter", "provider_code"], kind="stable")
    municipal = view.frame("monitoring_municipality")
    if municipal is not None:
        municipal = (
            municipal.groupby(["municipality", "municipality_name"], as_index=False)[
                ["listeners_planned", "listeners_trained"]
            ]
            .sum()
            .sort_values("municipality", kind="stable")
        )
    report_status = view.frame("report_status")
    if report_status is not None:
        report_status = report_status.sort_values(["quarter", "provider_code"], kind="stable")
    return {
        "monitoring/index.md": render(
            "monitoring.md.j2",
            year=view.year,
            quarters=list(by_quarter.itertuples()),
            quarter_names=QUARTER_NAMES,
            charts=charts,
            providers=providers,
            municipal=municipal,
            report_status=report_status,
            has_reports=monitoring is not None,
            threshold=view.threshold,
            municipality_codes={m.code for m in view.config.municipalities},
            provider_codes=set(view.frame("providers_public")["provider_code"])
            if view.has("providers_public")
            else set(),
        )
    }


def quarters_of(view: YearView) -> pd.DataFrame:
    """quarter, FIGURES, completion, reported: providers' figures for reported quarters, the plan for the rest."""
    schedule = view.frames["schedule"]
    quarter = schedule["end_date"].dt.quarter  # the monitoring stage plans a group in the quarter it ends
    totals = pd.DataFrame(
        {
            "groups_planned": schedule.groupby(quarter).size(),
            "listeners_planned": schedule.groupby(quarter)["listeners"].sum(),
        }
    )
    totals = totals.reindex(list(QUARTERS), fill_value=0).fillna(0).astype("int64")
    for column in FIGURES:
        if column not in totals:
            totals[column] = 0
    totals["reported"] = False
    monitoring = view.frame("monitoring")
    if monitoring is not None and not monitoring.empty:
        reported = monitoring.groupby("quarter")[list(FIGURES)].sum()
        reported.index = reported.index.astype("int64")
        totals.loc[reported.index, list(FIGURES)] = reported.astype("int64")
        totals.loc[reported.index, "reported"] = True
    totals.index.name = "quarter"
    planned = totals["listeners_planned"].where(totals["listeners_planned"] > 0)
    totals["completion"] = (totals["listeners_trained"] / planned).where(totals["reported"]).round(3)
    return totals.reset_index()
