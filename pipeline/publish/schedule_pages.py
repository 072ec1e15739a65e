"""The plan-schedule: its status, a month-by-month calendar drawn as inline SVG, the table and ICS downloads."""

import calendar
from datetime import date
from html import escape

import pandas as pd

from pipeline.publish.calendar_files import ics_files
from pipeline.publish.home import schedule_status_line
from pipeline.publish.model import YearView
from pipeline.publish.render import render, slug

MONTHS = "Январь Февраль Март Апрель Май Июнь Июль Август Сентябрь Октябрь Ноябрь Декабрь".split()
WIDTH, LABEL, ROW, HEAD = 760, 110, 18, 22


def schedule_pages(view: YearView) -> dict[str, str | bytes]:
    """An index (status, calendars, the months) and a page per month with its calendar and the groups that start
    in it: a change in one group re-renders its month, not a table of every group of the year."""
    schedule = view.frames["schedule"].sort_values(["start_date", "group_code"], kind="stable")
    pages: dict[str, str | bytes] = dict(ics_files(view, schedule))
    in_catalog = _codes(view.frame("catalog"), "program_code")
    table = {
        "by_code": view.config.municipality_by_code,
        "threshold": view.threshold,
        "catalog_codes": in_catalog,
        "provider_codes": _codes(view.frame("providers_public"), "provider_code"),
    }
    starts = schedule["start_date"]
    months = []
    for month in range(1, 13):
        starting = schedule[(starts.dt.year == view.year) & (starts.dt.month == month)]
        active = len(_active(schedule, view.year, month))
        months.append((month, MONTHS[month - 1], len(starting), active))
        if starting.empty and not active:
            continue
        pages[f"schedule/{month:02d}.md"] = render(
            "schedule_month.md.j2",
            year=view.year,
            month=MONTHS[month - 1],
            svg=month_svg(schedule, view.year, month, in_catalog, root="../../"),
            groups=list(starting.itertuples()),
            **table,
        )
    elsewhere = schedule[starts.dt.year != view.year]
    pages["schedule/index.md"] = render(
        "schedule.md.j2",
        year=view.year,
        status=schedule_status_line(view.frame("schedule_status")),
        count=len(schedule),
        months=months,
        municipalities=view.config.municipalities,
        programs=sorted(set(schedule["program_code"])),
        has_distance=(schedule["place_code"] == "дистанционно").any(),
        groups=list(elsewhere.itertuples()),
        **table,
    )
    return pages


def _codes(frame: pd.DataFrame | None, column: str) -> set[str]:
    return set() if frame is None else set(frame[column].dropna())


def _active(schedule: pd.DataFrame, year: int, month: int) -> pd.DataFrame:
    first = pd.Timestamp(year, month, 1)
    last = pd.Timestamp(year, month, calendar.monthrange(year, month)[1])
    return schedule[(schedule["start_date"] <= last) & (schedule["end_date"] >= first)]


def month_svg(
    schedule: pd.DataFrame, year: int, month: int, linked: set[str] = frozenset(), root: str = "../"
) -> str:
    """The groups that meet in a month as bars over its days; each bar links to the program's page (root: the
    way from the page's address up to the year's site)."""
    active = _active(schedule, year, month)
    if active.empty:
        return ""
    days = calendar.monthrange(year, month)[1]
    step = (WIDTH - LABEL - 10) / days
    height = HEAD + ROW * len(active) + 6
    parts = [
        f'<svg class="schedule-month" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
        f'xmlns="http://www.w3.org/2000/svg" aria-label="Группы: {MONTHS[month - 1].lower()} {year}">'
    ]
    for day in range(1, days + 1):
        x = LABEL + (day - 1) * step
        weekend = date(year, month, day).weekday() >= 5
        parts.append(
            f'<rect x="{x:.1f}" y="{HEAD - 2}" width="{step:.1f}" height="{height - HEAD - 2}" '
            f'class="{"cal-weekend" if weekend else "cal-day"}"/>'
            f'<text x="{x + step / 2:.1f}" y="{HEAD - 7}" class="cal-daynum">{day}</text>'
        )
    for row, g in enumerate(active.itertuples()):
        y = HEAD + row * ROW
        start = max(g.start_date, pd.Timestamp(year, month, 1)).day
        end = min(g.end_date, pd.Timestamp(year, month, days)).day
        x0, x1 = LABEL + (start - 1) * step, LABEL + end * step
        tip = f"{g.group_code}: {g.title}, {g.place}, {g.start_date:%d.%m.%Y}–{g.end_date:%d.%m.%Y}"
        href = f' href="{root}catalog/{slug(g.program_code)}/"' if g.program_code in linked else ""
        parts.append(
            f"<a{href}><title>{escape(tip)}</title>"
            f'<text x="4" y="{y + 12}" class="cal-label">{escape(g.group_code)}</text>'
            f'<rect x="{x0:.1f}" y="{y + 2}" width="{x1 - x0:.1f}" height="{ROW - 5}" rx="3" class="cal-bar"/></a>'
        )
    parts.append("</svg>")
    return "".join(parts)
