"""The municipalities: an index with a map and a table, and a page per municipal formation."""

import pandas as pd

from pipeline.publish.model import YearView
from pipeline.publish.municipal_map import municipal_map_svg
from pipeline.publish.render import render

# municipality_stats columns the pages name; counts of people are shown as «<5» when small.
STAT_LABELS = {
    "organisations": "Образовательных организаций",
    "staff": "Педагогических работников",
    "due": "Педагогов, которым подошёл срок ПК",
    "applications": "Заявок на обучение",
    "listeners": "Слушателей в группах",
    "completed": "Завершили обучение",
    "groups": "Учебных групп",
}
PEOPLE_COUNTS = frozenset({"staff", "due", "applications", "listeners", "completed"})


def municipality_pages(view: YearView) -> dict[str, str]:
    config = view.config
    stats = _stats_by_code(view.frames.get("municipality_stats"))
    schedule = view.frames.get("schedule")
    titles = _program_titles(view.frames.get("catalog"))
    pages = {
        "municipalities/index.md": render(
            "municipalities.md.j2",
            municipalities=config.municipalities,
            map_svg=municipal_map_svg(config.municipalities),
            stats=stats,
            stat_columns=[c for c in STAT_LABELS if any(c in row for row in stats.values())],
            labels=STAT_LABELS,
            people=PEOPLE_COUNTS,
            threshold=config.small_count_threshold,
        )
    }
    for m in config.municipalities:
        groups = None
        if schedule is not None and "municipality_code" in schedule:
            groups = schedule[schedule["municipality_code"].astype(str) == m.code].sort_values(
                ["start", "group_code"] if "start" in schedule else ["group_code"], kind="stable"
            )
        pages[f"municipalities/{m.code}.md"] = render(
            "municipality.md.j2",
            m=m,
            year=view.year,
            stats=stats.get(m.code),
            labels=STAT_LABELS,
            people=PEOPLE_COUNTS,
            threshold=config.small_count_threshold,
            groups=groups,
            titles=titles,
            has_catalog=view.has("catalog"),
        )
    return pages


def _stats_by_code(stats: pd.DataFrame | None) -> dict[str, dict]:
    if stats is None:
        return {}
    rows = stats.assign(municipality_code=stats["municipality_code"].astype(str)).set_index(
        "municipality_code"
    )
    if not rows.index.is_unique:
        raise ValueError("municipality_stats holds more than one row for a municipality")
    return {code: {k: v for k, v in row.items() if k in STAT_LABELS} for code, row in rows.iterrows()}


def _program_titles(catalog: pd.DataFrame | None) -> dict[str, str]:
    if catalog is None:
        return {}
    return dict(zip(catalog["program_code"].astype(str), catalog["title"].astype(str), strict=True))
