"""The home page of a plan year: the region, where the annual cycle stands today, the key figures."""

from dataclasses import dataclass
from datetime import date

import pandas as pd

from pipeline.config import RegionConfig
from pipeline.publish.changes import changes_since
from pipeline.publish.figures import key_figures
from pipeline.publish.model import YearView
from pipeline.publish.open_data import open_tables
from pipeline.publish.privacy import small_count
from pipeline.publish.render import render, ru_date

DONE, CURRENT, UPCOMING = "выполнено", "идёт сейчас", "впереди"


@dataclass(frozen=True)
class Stage:
    title: str
    what: str
    deadlines: tuple[date, ...]
    status: str


def cycle_stages(config: RegionConfig, year: int, as_of: date) -> list[Stage]:
    """The four stages of the cycle (order No. 1586, item 3) with their deadlines and state on as_of."""
    plan = [
        ("Каталог программ", "публикация каталога программ на плановый год", ("catalog",)),
        ("Заявки педагогов", "приём заявок педагогов на программы каталога", ("applications",)),
        ("План-график", "формирование сводного плана-графика с местом обучения", ("schedule",)),
        ("Мониторинг", "ежеквартальный мониторинг исполнения плана-графика", ()),
    ]
    stages, current_taken = [], False
    for title, what, keys in plan:
        if keys:
            deadlines = tuple(config.deadline(k, year) for k in keys)
        else:
            deadlines = tuple(config.deadline("monitoring", year, q) for q in (1, 2, 3, 4))
        if as_of > deadlines[-1]:
            status = DONE
        elif not current_taken:
            status, current_taken = CURRENT, True
        else:
            status = UPCOMING
        stages.append(Stage(title, what, deadlines, status))
    return stages


def home_pages(view: YearView) -> dict[str, str]:
    figures = key_figures(view)
    tables = open_tables(view, figures)
    status = view.frame("schedule_status")
    return {
        "index.md": render(
            "home.md.j2",
            config=view.config,
            year=view.year,
            as_of=view.model.as_of,
            stages=cycle_stages(view.config, view.year, view.model.as_of),
            figures=[(row.indicator, small_count(row.value, 1)) for row in figures.itertuples()],
            statuses=(DONE, CURRENT, UPCOMING),
            schedule_status=schedule_status_line(status),
            changes=changes_since(tables, view.model.previous.get(view.year)),
            sections=present_sections(view),
        )
    }


def schedule_status_line(status: pd.DataFrame | None) -> str:
    """«проект» or «утверждён приказом № … от …», the way the order names an approved plan-schedule."""
    if status is None or status.empty:
        return ""
    row = status.iloc[0]
    if row["status"] == "утверждён" and isinstance(row["order_number"], str) and row["order_number"]:
        return f"утверждён приказом № {row['order_number']} от {ru_date(row['order_date'])}"
    return str(row["status"])


def present_sections(view: YearView) -> list[tuple[str, str]]:
    """(title, page) of the year's sections other than home, for the home page's list of contents."""
    from pipeline.publish.sections import SECTIONS  # the section list imports this module

    return [(s.title, s.index) for s in SECTIONS if s.index != "index.md" and view.has(*s.needs)]
