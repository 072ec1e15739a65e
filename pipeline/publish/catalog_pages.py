"""The catalog of programs: a filterable table and a page per program (with its groups when scheduled)."""

import pandas as pd

from pipeline.publish.model import YearView
from pipeline.publish.render import render, slug

CATALOG_COLUMNS = (
    "program_code",
    "title",
    "provider",
    "hours",
    "form",
    "audience",
    "annotation",
    "places",
    "program_type",
)
# Filters offered above the table: (column header the script matches, label, catalog column, multi-valued).
FILTERS = (
    ("Вид программы", "Вид программы", "program_type", False),
    ("Форма обучения", "Форма обучения", "form", False),
    ("Категория слушателей", "Категория слушателей", "audience", True),
    ("Оператор ПК", "Оператор ПК", "provider", False),
)


def catalog_pages(view: YearView) -> dict[str, str]:
    catalog = view.frames["catalog"]
    missing = [c for c in CATALOG_COLUMNS if c not in catalog]
    if missing:
        raise ValueError(f"catalog frame lacks columns {missing}")
    catalog = catalog.sort_values("program_code", kind="stable")
    slugs = [slug(code) for code in catalog["program_code"]]
    if len(set(slugs)) != len(slugs):
        raise ValueError("program codes collide after transliteration")
    filters = [(header, label, _options(catalog[column], multi)) for header, label, column, multi in FILTERS]
    schedule = view.frames.get("schedule")
    pages = {
        "catalog/index.md": render(
            "catalog.md.j2", year=view.year, programs=list(catalog.itertuples()), filters=filters
        )
    }
    for program in catalog.itertuples():
        groups = None
        if schedule is not None and "program_code" in schedule:
            groups = schedule[schedule["program_code"] == program.program_code]
            groups = groups.sort_values("group_code", kind="stable")
        pages[f"catalog/{slug(program.program_code)}.md"] = render(
            "program.md.j2",
            p=program,
            year=view.year,
            groups=groups,
            municipalities=view.config.municipality_by_code,
            threshold=view.config.small_count_threshold,
        )
    return pages


def _options(values: pd.Series, multi: bool) -> list[str]:
    found = set()
    for value in values.dropna().astype(str):
        found.update(v.strip() for v in (value.split(";") if multi else [value]) if v.strip())
    return sorted(found)
