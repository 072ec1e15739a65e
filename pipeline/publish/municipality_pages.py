"""The municipalities: an index with a map and a table, and a page per municipal formation."""

from collections.abc import Callable

import pandas as pd

from pipeline.memo import fingerprint
from pipeline.publish.grouping import RowsBy
from pipeline.publish.model import YearView
from pipeline.publish.monitoring_pages import QUARTER_NAMES
from pipeline.publish.municipal_map import municipal_map_svg
from pipeline.publish.render import render
from pipeline.publish.section_cache import kept_part
from pipeline.publish.submission_pages import login_municipalities, municipality_summary, submission_rows

# municipality_stats columns the pages name; counts of people are shown as «<5» when small.
STAT_LABELS = {
    "organisations": "Образовательных организаций",
    "staff": "Педагогических работников",
    "due": "Педагогов без ПК за последние три года",
    "applied": "Педагогов подали заявки",
    "applications": "Заявок на обучение",
}
MUNICIPALITY_KEY = "__municipality"  # a column name no frame uses, for the one merge of all municipalities
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
            year=view.year,
        )
    }
    schedule = view.frame("schedule")
    held_in = RowsBy(schedule, "place_code", ["start_date", "group_code"], as_text=True)
    attended_by = _attended_by(schedule, view.frame("group_municipalities"))
    monitoring_of = RowsBy(view.frame("monitoring_municipality"), "municipality", ["quarter"], as_text=True)
    organisations_of = RowsBy(view.frame("organisations"), "municipality", ["org_code"], as_text=True)
    submissions_of = _submissions_by_municipality(view)
    catalog_digest = fingerprint(sorted(catalog_codes))
    for m in config.municipalities:
        attended = attended_by(m.code)
        if attended is not None:
            # A page of its own: the longest table of a municipality, which a staff change rarely touches.
            pages[f"municipalities/{m.code}-groups.md"] = kept_part(
                lambda m=m, attended=attended: render(
                    "municipality_groups.md.j2",
                    m=m,
                    year=view.year,
                    attended=attended,
                    threshold=view.threshold,
                    catalog_codes=catalog_codes,
                ),
                "municipality groups page",
                m,
                view.year,
                attended_by.digest(m.code),
                view.threshold,
                catalog_digest,
            )
        page = {
            "m": m,
            "year": view.year,
            "stats": stats.get(m.code),
            "coverage": coverage(stats.get(m.code)),
            "labels": STAT_LABELS,
            "people": PEOPLE_COUNTS,
            "threshold": view.threshold,
            "placement": _row(view.frame("placement"), "municipality", m.code),
            "held": held_in(m.code),
            "attended": None if attended is None else len(attended),
            "monitoring": monitoring_of(m.code),
            "quarter_names": QUARTER_NAMES,
            "organisations": organisations_of(m.code),
            "submissions": submissions_of(m.code),
        }
        # The key holds the rows' digests rather than the rows: one hashing pass per frame for all the pages.
        rows = {"held": held_in, "monitoring": monitoring_of, "organisations": organisations_of}
        pages[f"municipalities/{m.code}.md"] = kept_part(
            lambda page=page: render("municipality.md.j2", **page, catalog_codes=catalog_codes),
            "municipality page",
            {k: rows[k].digest(m.code) if k in rows else v for k, v in page.items() if k != "people"},
            sorted(PEOPLE_COUNTS),
            catalog_digest,
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


def _row(frame: pd.DataFrame | None, column: str, code: str) -> dict | None:
    if frame is None:
        return None
    rows = frame[frame[column].astype(str) == code].to_dict("records")
    return rows[0] if rows else {}


def _attended_by(schedule: pd.DataFrame | None, attended: pd.DataFrame | None) -> RowsBy:
    """Per municipality, the groups its teachers are placed in, wherever they meet, with how many of them."""
    if schedule is None or attended is None:
        return RowsBy(None, MUNICIPALITY_KEY, [])
    # one merge for all: an inner merge keeps the left order, and the stable sort of RowsBy commutes with
    # taking one municipality's rows
    mine = attended[["municipality", "group_code", "listeners"]].assign(
        municipality=attended["municipality"].astype(str)
    )
    groups = schedule.drop(columns=["listeners"]).merge(
        mine.rename(columns={"municipality": MUNICIPALITY_KEY}), on="group_code", how="inner"
    )
    return RowsBy(groups, MUNICIPALITY_KEY, ["start_date", "group_code"])


def _submissions_by_municipality(view: YearView) -> Callable[[str], dict | None]:
    """How many files each municipality's organisations and municipal operator sent (the files are listed on
    the submissions section's page of the municipality)."""
    submissions = view.frame("submissions")
    if submissions is None:
        return lambda code: None
    municipality_of = login_municipalities(view)
    mine: dict[str, list[dict]] = {}
    for row in submission_rows(submissions):
        for code in municipality_of.get(row["login"], ()):
            mine.setdefault(code, []).append(row)
    return lambda code: municipality_summary(mine.get(code, []))
