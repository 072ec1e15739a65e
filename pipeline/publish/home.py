"""The home page of a plan year: the region, where the annual cycle stands today, the key figures."""

from dataclasses import dataclass
from datetime import date

from pipeline.config import RegionConfig
from pipeline.publish.model import YearView
from pipeline.publish.privacy import small_count
from pipeline.publish.render import render

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


def key_figures(view: YearView) -> list[tuple[str, str]]:
    """Headline numbers from whichever frames this year has."""
    threshold = view.config.small_count_threshold
    figures = [("Муниципальных образований", str(len(view.config.municipalities)))]
    frames = view.frames
    if "catalog" in frames:
        catalog = frames["catalog"]
        figures.append(("Программ в каталоге", str(len(catalog))))
        if "provider" in catalog:
            figures.append(("Операторов ПК с программами", str(catalog["provider"].nunique())))
    if "schedule" in frames:
        schedule = frames["schedule"]
        figures.append(("Учебных групп в плане-графике", str(len(schedule))))
        if "places" in schedule:
            figures.append(("Мест в группах", small_count(schedule["places"].sum(), threshold)))
    stats = frames.get("municipality_stats")
    if stats is not None:
        for column, label in (
            ("organisations", "Образовательных организаций"),
            ("applications", "Заявок педагогов"),
        ):
            if column in stats:
                figures.append((label, small_count(stats[column].sum(), threshold)))
    return figures


def home_pages(view: YearView) -> dict[str, str]:
    return {
        "index.md": render(
            "home.md.j2",
            config=view.config,
            year=view.year,
            as_of=view.model.as_of,
            stages=cycle_stages(view.config, view.year, view.model.as_of),
            figures=key_figures(view),
            statuses=(DONE, CURRENT, UPCOMING),
        )
    }
