"""The catalog of programs: a filterable table and a page per program with its groups, dates and demand."""

import pandas as pd

from pipeline.memo import fingerprint
from pipeline.publish.grouping import RowsBy, row_digests
from pipeline.publish.model import YearView
from pipeline.publish.render import render, slug
from pipeline.publish.section_cache import kept_part

CATALOG_COLUMNS = (
    "program_code",
    "title",
    "provider_code",
    "provider_name",
    "hours",
    "form",
    "audience",
    "annotation",
    "places",
    "program_type",
    "applications",
)
EVERYWHERE, DISTANT = "все муниципалитеты", "дистанционно"
HOURS_RANGES = (
    ("0-36", "до 36 ч"),
    ("37-72", "37–72 ч"),
    ("73-144", "73–144 ч"),
    ("145-100000", "более 144 ч"),
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
    pages = {
        "catalog/index.md": render(
            "catalog.md.j2",
            year=view.year,
            programs=list(catalog.itertuples()),
            filters=catalog_filters(view, catalog),
            has_providers=view.has("providers_public"),
        )
    }
    schedule = view.frame("schedule")
    demand = _by_program(view.frame("demand_and_capacity"))
    municipalities = view.config.municipality_by_code
    groups_of = RowsBy(schedule, "program_code", ["start_date", "group_code"])
    # A program's page is kept by its catalog row, its groups and its demand: a change in one program's groups
    # renders that program's page only. The rows are hashed in one pass per frame.
    shared = fingerprint(
        "program page", view.year, municipalities, view.threshold, view.has("providers_public")
    )
    rows = row_digests(catalog.reset_index(), {i: [i] for i in range(len(catalog))})
    for i, program in enumerate(catalog.itertuples()):
        code = program.program_code
        pages[f"catalog/{slug(code)}.md"] = kept_part(
            lambda program=program, code=code: render(
                "program.md.j2",
                p=program,
                year=view.year,
                groups=groups_of(code),
                demand=demand.get(code),
                municipalities=municipalities,
                threshold=view.threshold,
                has_providers=view.has("providers_public"),
            ),
            shared,
            rows[i],
            groups_of.digest(code),
            demand.get(code),
        )
    return pages


def catalog_filters(view: YearView, catalog: pd.DataFrame) -> list[dict]:
    """The selects above the table: the column header each matches and its (value, label) options."""
    names = {m.name for m in view.config.municipalities}
    providers = dict(zip(catalog["provider_code"], catalog["provider_name"], strict=True))
    places = _options(catalog["places"], multi=True) - {EVERYWHERE}
    return [
        _filter("Вид программы", "Вид программы", _options(catalog["program_type"])),
        _filter("Форма обучения", "Форма обучения", _options(catalog["form"])),
        _filter("Категория слушателей", "Категория слушателей", _options(catalog["audience"], multi=True)),
        _filter(
            "Оператор ПК",
            "Оператор ПК",
            [(code, f"{code} — {providers[code]}") for code in sorted(providers)],
        ),
        _filter(
            "Где проходит",
            "Муниципалитет, где проходит",
            [(n, n) for n in sorted(places & names)] + [(p, p) for p in sorted(places - names)],
            any_value=EVERYWHERE,
        ),
        _filter("Часов", "Объём", list(HOURS_RANGES), kind="range"),
    ]


def _filter(header: str, label: str, options, any_value: str = "", kind: str = "value") -> dict:
    pairs = [
        (o, o) if isinstance(o, str) else o
        for o in (sorted(options) if isinstance(options, set) else options)
    ]
    return {"header": header, "label": label, "options": pairs, "any": any_value, "kind": kind}


def _options(values: pd.Series, multi: bool = False) -> set[str]:
    found = set()
    for value in values.dropna().astype(str):
        found.update(v.strip() for v in (value.split(";") if multi else [value]) if v.strip())
    return found


def _by_program(frame: pd.DataFrame | None) -> dict[str, dict]:
    if frame is None:
        return {}
    return {row["program_code"]: row for row in frame.to_dict("records")}
