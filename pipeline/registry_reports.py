"""What the registries give out: the merged state for analysts, restricted application lists, public frames."""

import sqlite3
from pathlib import Path

import pandas as pd

from pipeline.config import RegionConfig
from pipeline.registries import NAME_PARTS, Registries, places_text
from pipeline.workbooks import frame_to_sheet, write_workbook

STATE_FOLDER = "state"
SQLITE_NAME = "asupk.sqlite"

# Sort keys of the analysts' tables: the same state gives the same files, byte for byte.
TABLE_KEYS = {
    "municipalities": ["code"],
    "municipal_operators": ["municipality"],
    "providers": ["provider_code"],
    "provider_licences": ["provider_code", "plan_year"],
    "organisations": ["org_code"],
    "staff": ["org_code", "person_id"],
    "staff_archive": ["org_code", "person_id", "archived_on"],
    "programs": ["program_code"],
    "catalog": ["plan_year", "program_code"],
    "applications": ["application_id"],
}

LIST_HEADERS = {
    "org_code": "Код ОО",
    "org_name": "Организация",
    "surname": "Фамилия",
    "first_name": "Имя",
    "patronymic": "Отчество",
    "birth_year": "Год рождения",
    "position": "Должность",
    "program_code": "Код программы",
    "title": "Программа",
    "provider_name": "Оператор ПК",
    "preferred_place": "Предпочтительное место обучения",
    "preferred_period": "Предпочтительный период",
    "application_date": "Дата заявки",
    "late": "После срока",
}

PUBLIC_CATALOG_COLUMNS = [
    "program_code",
    "title",
    "provider_code",
    "provider_name",
    "hours",
    "program_type",
    "form",
    "distance",
    "audience",
    "annotation",
    "places",
    "applications",
]


def public_frames(reg: Registries, config: RegionConfig) -> dict[int, dict[str, pd.DataFrame]]:
    """Per plan year with a catalog: the catalog as the site shows it and the providers' public card."""
    frames = {}
    for year in config.plan_years:
        catalog = reg.catalog[reg.catalog["plan_year"] == year]
        if catalog.empty:
            continue
        frames[year] = {
            "catalog": public_catalog(reg, config, year),
            "providers_public": public_providers(reg, config, year),
        }
    return frames


def public_catalog(reg: Registries, config: RegionConfig, year: int) -> pd.DataFrame:
    names = {m.code: m.name for m in config.municipalities}
    frame = reg.catalog[reg.catalog["plan_year"] == year].copy()
    applied = reg.applications[reg.applications["plan_year"] == year]["program_code"].value_counts()
    frame["places"] = frame["places"].map(lambda p: places_text(p, names))
    frame["applications"] = frame["program_code"].map(applied).fillna(0).astype(int)
    return frame.reindex(columns=PUBLIC_CATALOG_COLUMNS).sort_values("program_code").reset_index(drop=True)


def public_providers(reg: Registries, config: RegionConfig, year: int) -> pd.DataFrame:
    names = {m.code: m.name for m in config.municipalities}
    valid = reg.provider_licences[reg.provider_licences["plan_year"] == year].set_index("provider_code")
    programs = reg.catalog[reg.catalog["plan_year"] == year]["provider_code"].value_counts()
    frame = reg.providers[["provider_code", "name", "municipality", "licence_number", "licence_date"]].copy()
    frame["municipality"] = frame["municipality"].map(names)
    frame["licence_valid"] = frame["provider_code"].map(valid["licence_valid"]).fillna(False).astype(bool)
    frame["programs"] = frame["provider_code"].map(programs).fillna(0).astype(int)
    return frame.sort_values("provider_code").reset_index(drop=True)


def write_state(reg: Registries, folder: Path, database: Path) -> None:
    """The merged state for analysts: one Parquet per table and one SQLite file. Restricted: it names people."""
    folder.mkdir(parents=True, exist_ok=True)
    database.unlink(missing_ok=True)
    tables = {name: _sorted(name, frame) for name, frame in reg.tables().items()}
    for name, frame in tables.items():
        frame.to_parquet(folder / f"{name}.parquet", index=False)
    connection = sqlite3.connect(database)
    try:
        with connection:
            for name, frame in tables.items():
                _to_sqlite(connection, name, frame)
    finally:
        connection.close()


def _sorted(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(TABLE_KEYS[name], kind="stable", na_position="first").reset_index(drop=True)


def _to_sqlite(connection: sqlite3.Connection, name: str, frame: pd.DataFrame) -> None:
    types = {c: _sqlite_type(frame[c]) for c in frame.columns}
    columns = ", ".join(f'"{c}" {t}' for c, t in types.items())
    connection.execute(f'CREATE TABLE "{name}" ({columns})')
    marks = ", ".join("?" for _ in frame.columns)
    rows = ([_sqlite_value(v) for v in row] for row in frame.itertuples(index=False, name=None))
    connection.executemany(f'INSERT INTO "{name}" VALUES ({marks})', rows)


def _sqlite_type(series: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(series) or pd.api.types.is_integer_dtype(series):
        return "INTEGER"
    if pd.api.types.is_float_dtype(series):
        return "REAL"
    return "TEXT"  # text and dates (ISO)


def _sqlite_value(value: object) -> object:
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    if hasattr(value, "item"):
        return value.item()
    return value


def application_lists(reg: Registries, year: int) -> pd.DataFrame:
    """A plan year's applications with the applicant's name, for the operators who answer for them."""
    applications = reg.applications[reg.applications["plan_year"] == year]
    people = pd.concat(
        [reg.staff_archive.sort_values("archived_on"), reg.staff], ignore_index=True
    ).drop_duplicates(["person_id", "org_code"], keep="last")[
        ["person_id", "org_code", *NAME_PARTS, "birth_year"]
    ]
    frame = applications.merge(people, on=["person_id", "org_code"], how="left", validate="many_to_one")
    orgs = reg.organisations.set_index("org_code")
    frame["org_name"] = frame["org_code"].map(orgs["short_name"])
    frame["login"] = frame["org_code"].map(orgs["login"])
    frame["regional"] = frame["org_code"].map(orgs["regional"]).fillna(False).astype(bool)
    titles = reg.catalog[reg.catalog["plan_year"] == year].set_index("program_code")
    frame["title"] = frame["program_code"].map(titles["title"])
    frame["provider_name"] = frame["program_code"].map(titles["provider_name"])
    return frame.sort_values(
        ["org_code", "surname", "first_name", "patronymic", "program_code"], kind="stable"
    )


def write_application_lists(reg: Registries, config: RegionConfig, reports: Path) -> list[Path]:
    """Per municipality (its own organisations) and per organisation operator: who applied for what."""
    names = {m.code: m.name for m in config.municipalities}
    written = []
    for year in sorted(int(y) for y in reg.applications["plan_year"].dropna().unique()):
        frame = application_lists(reg, year)
        municipal = frame[~frame["regional"]]
        for code, part in municipal.groupby("municipality", sort=True):
            path = reports / "municipalities" / f"{code} {names.get(code, code)}" / f"заявки-{year}.xlsx"
            written.append(
                _write_list(path, part, f"Заявки педагогов на {year} год: {names.get(code, code)}")
            )
        for login, part in frame.groupby("login", sort=True):
            path = reports / "organisations" / str(login) / f"заявки-{year}.xlsx"
            written.append(_write_list(path, part, f"Заявки педагогов организации на {year} год"))
    return written


def _write_list(path: Path, part: pd.DataFrame, title: str) -> Path:
    shown = part.reindex(columns=list(LIST_HEADERS))
    sheet = frame_to_sheet("Заявки", shown, LIST_HEADERS, text_columns={0, 7})
    return write_workbook(path, [sheet], title=title)


def run_registry_reports(ctx, state: dict) -> dict:
    """Writes the analysts' state and restricted lists, and hands the site what the quality gate let through."""
    reg: Registries = state["registries"]
    quality = state.get("quality")
    allows = quality.allows if quality else (lambda output: True)
    write_state(reg, ctx.reports / STATE_FOLDER, ctx.reports / SQLITE_NAME)
    if allows("application_lists"):
        write_application_lists(reg, ctx.config, ctx.reports)
    public = state.setdefault("public", {})
    for year, frames in public_frames(reg, ctx.config).items():
        for name, frame in frames.items():
            if allows(name):
                public.setdefault(year, {})[name] = frame
    return {"public": public}
