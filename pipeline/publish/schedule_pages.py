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
    schedule = view.frames["schedule"].sort_values(["start_date", "group_code"], kind="stable")
    pages: dict[str, str | bytes] = dict(ics_files(view, schedule))
    municipalities = view.config.municipality_by_code
    in_catalog = _codes(view.frame("catalog"), "program_code")
    months = [
        (
            MONTHS[month - 1],
            month_svg(schedule, view.year, month, in_catalog),
            _active(schedule, view.year, month),
        )
        for month in range(1, 13)
    ]
    pages["schedule/index.md"] = render(
        "schedule.md.j2",
        year=view.year,
        status=schedule_status_line(view.frame("schedule_status")),
        groups=list(schedule.itertuples()),
        months=months,
        municipalities=view.config.municipalities,
        by_code=municipalities,
        held=set(schedule["place_code"].dropna()),
        programs=sorted(set(schedule["program_code"])),
        titles=dict(zip(schedule["program_code"], schedule["title"], strict=False)),
        has_distance=(schedule["place_code"] == "дистанционно").any(),
        threshold=view.threshold,
        catalog_codes=in_catalog,
        provider_codes=_codes(view.frame("providers_public"), "provider_code"),
    )
    return pages


def _codes(frame: pd.DataFrame | None, column: str) -> set[str]:
    return set() if frame is None else set(frame[column].dropna())


def _active(schedule: pd.DataFrame, year: int, month: int) -> pd.DataFrame:
    first = pd.Timestamp(year, month, 1)
    last = pd.Timestamp(year, month, calendar.monthrange(year, month)[1])
    return schedule[(schedule["start_date"] <= last) & (schedule["end_date"] >= first)]


def month_svg(schedule: pd.DataFrame, year: int, month: int, linked: set[str] = frozenset()) -> str:
    """The groups that meet in a month as bars over its days; each bar links to the program's page."""
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
        href = f' href="../catalog/{slug(g.program_code)}/"' if g.program_code in linked else ""
        parts.append(
            f"<a{href}><title>{escape(tip)}</title>"
            f'<text x="4" y="{y + 12}" class="cal-label">{escape(g.group_code)}</text>'
            f'<rect x="{x0:.1f}" y="{y + 2}" width="{x1 - x0:.1f}" height="{ROW - 5}" rx="3" class="cal-bar"/></a>'
        )
    parts.append("</svg>")
    return "".join(parts)
