"""The municipalities: an index with a map and a table, and a page per municipal formation."""

import pandas as pd

from pipeline.publish.model import YearView
from pipeline.publish.monitoring_pages import QUARTER_NAMES
from pipeline.publish.municipal_map import municipal_map_svg
from pipeline.publish.render import render
from pipeline.publish.submission_pages import submission_rows

# municipality_stats columns the pages name; counts of people are shown as «<5» when small.
STAT_LABELS = {
    "organisations": "Образовательных организаций",
    "staff": "Педагогических работников",
    "due": "Педагогов без ПК за последние три года",
    "applied": "Педагогов подали заявки",
    "applications": "Заявок на обучение",
}
PEOPLE_COUNTS = frozenset({"staff", "due", "applied", "applications"})


def municipality_pages(view: YearView) -> dict[str, str]:
    config = view.config
    stats = _stats_by_code(view.frame("municipality_stats"))
    catalog_codes = set(view.frame("catalog")["program_code"]) if view.has("catalog") else set()
    pages = {
        "municipalities/index.md": render(
            "municipalities.md.j2",
            municipalities=config.municipalities,
            map_svg=municipal_map_svg(config.municipalities),
            stats=stats,
            stat_columns=[c for c in STAT_LABELS if any(c in row for row in stats.values())],
            labels=STAT_LABELS,
            people=PEOPLE_COUNTS,
            threshold=view.threshold,
            coverage={code: coverage(row) for code, row in stats.items()},
        )
    }
    for m in config.municipalities:
        pages[f"municipalities/{m.code}.md"] = render(
            "municipality.md.j2",
            m=m,
            year=view.year,
            stats=stats.get(m.code),
            coverage=coverage(stats.get(m.code)),
            labels=STAT_LABELS,
            people=PEOPLE_COUNTS,
            threshold=view.threshold,
            placement=_row(view.frame("placement"), "municipality", m.code),
            held=_held_in(view.frame("schedule"), m.code),
            attended=_attended_by(view.frame("schedule"), view.frame("group_municipalities"), m.code),
            monitoring=_of(view.frame("monitoring_municipality"), "municipality", m.code, ["quarter"]),
            quarter_names=QUARTER_NAMES,
            organisations=_of(view.frame("organisations"), "municipality", m.code, ["org_code"]),
            submissions=_submissions_of(view, m.code),
            catalog_codes=catalog_codes,
        )
    return pages


def coverage(stats: dict | None) -> str:
    """Share of the municipality's teachers trained within three years: those not yet due, of all staff."""
    if not stats or not stats.get("staff"):
        return ""
    return f"{round(100 * (stats['staff'] - stats['due']) / stats['staff'])} %"


def _stats_by_code(stats: pd.DataFrame | None) -> dict[str, dict]:
    if stats is None:
        return {}
    rows = stats.assign(municipality_code=stats["municipality_code"].astype(str)).set_index(
        "municipality_code"
    )
    if not rows.index.is_unique:
        raise ValueError("municipality_stats holds more than one row for a municipality")
    return {code: {k: v for k, v in row.items() if k in STAT_LABELS} for code, row in rows.iterrows()}


def _of(frame: pd.DataFrame | None, column: str, code: str, order: list[str]) -> pd.DataFrame | None:
    if frame is None:
        return None
    return frame[frame[column].astype(str) == code].sort_values(order, kind="stable")


def _row(frame: pd.DataFrame | None, column: str, code: str) -> dict | None:
    if frame is None:
        return None
    rows = frame[frame[column].astype(str) == code].to_dict("records")
    return rows[0] if rows else {}


def _held_in(schedule: pd.DataFrame | None, code: str) -> pd.DataFrame | None:
    return _of(schedule, "place_code", code, ["start_date", "group_code"])


def _attended_by(
    schedule: pd.DataFrame | None, attended: pd.DataFrame | None, code: str
) -> pd.DataFrame | None:
    """The groups this municipality's teachers are placed in, wherever they meet, with how many of them."""
    if schedule is None or attended is None:
        return None
    mine = attended[attended["municipality"].astype(str) == code][["group_code", "listeners"]]
    groups = schedule.drop(columns=["listeners"]).merge(mine, on="group_code", how="inner")
    return groups.sort_values(["start_date", "group_code"], kind="stable")


def _submissions_of(view: YearView, code: str) -> list[dict] | None:
    """Files of the municipality's organisations and of its municipal operator."""
    submissions = view.frame("submissions")
    if submissions is None:
        return None
    logins = set()
    for name in ("organisations", "municipal_operators"):
        frame = view.frame(name)
        if frame is not None:
            logins.update(frame.loc[frame["municipality"].astype(str) == code, "login"].dropna())
    return submission_rows(submissions[submissions["login"].isin(logins)])
