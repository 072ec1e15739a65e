"""What the registries give out: the merged state for analysts, restricted application lists, public frames."""

import sqlite3
import tempfile
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.config import RegionConfig
from pipeline.memo import Memo, fingerprint
from pipeline.registries import NAME_PARTS, Registries, person_records, places_text
from pipeline.workbook_cache import slice_fingerprints
from pipeline.workbooks import FrameSlices, write_workbook_from

# The code that shapes what this module writes from the same frames.
SOURCES = ("pipeline/registry_reports.py",)
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
    """The merged state for analysts: one Parquet per table and one SQLite file. Restricted: it names people.
    Each table's Parquet bytes, and the SQLite bytes of each run of its rows (STATE_RUNS), are kept by the
    hash of their rows, so a re-run after one school's change encodes that school's run of rows only."""
    folder.mkdir(parents=True, exist_ok=True)
    database.unlink(missing_ok=True)
    tables = {name: _sorted(name, frame) for name, frame in reg.tables().items()}
    memo = Memo("registry-state", SOURCES, libraries=("pyarrow",))
    pieces = {}
    for name, frame in tables.items():
        # One hash pass over the rows keys both the whole table's Parquet and its runs' SQLite.
        rows = pd.util.hash_pandas_object(frame, index=False).to_numpy()
        shape = repr([(str(c), str(t)) for c, t in frame.dtypes.items()])
        key = fingerprint("parquet", name, shape, rows)
        data = memo.get(key, lambda frame=frame: _parquet(frame))
        (folder / f"{name}.parquet").write_bytes(data)
        pieces[name] = _sqlite_pieces(memo, name, frame, shape, rows)
    database.write_bytes(_joined_sqlite(tables, pieces))


# The first sort key's leading characters that split a large table into runs of rows for the SQLite cache:
# a municipality's organisations and staff (an organisation code starts with its municipality's), a plan
# year's applications of persons whose id starts alike («2027-P3»). Keys sharing a start are adjacent once
# sorted, so the runs, in order, are the sorted table.
STATE_RUNS = {"organisations": 2, "staff": 2, "staff_archive": 2, "applications": 7}


def _parquet(frame: pd.DataFrame) -> bytes:
    with tempfile.TemporaryDirectory(prefix="asupk-state-") as scratch:
        target = Path(scratch) / "table.parquet"
        frame.to_parquet(target, index=False)
        return target.read_bytes()


def _sqlite_pieces(memo: Memo, name: str, frame: pd.DataFrame, shape: str, rows: np.ndarray) -> list[bytes]:
    """The table's runs of rows, each as the bytes of an SQLite database holding just that run; `rows` are
    the rows' hashes, `shape` the columns and their dtypes."""
    if frame.empty:
        return []
    if name in STATE_RUNS:
        first = frame[TABLE_KEYS[name][0]].fillna("").astype(str)
        starts = first.str.slice(0, STATE_RUNS[name]).to_numpy(dtype=object)
        runs = pd.Series(starts).groupby(starts, sort=True).indices
    else:
        runs = {"": np.arange(len(frame))}
    pieces = []
    for start in sorted(runs):
        positions = runs[start]
        key = fingerprint("sqlite", name, shape, rows[positions])
        pieces.append(memo.get(key, lambda at=positions: _sqlite_piece(name, frame.iloc[at])))
    return pieces


def _sqlite_piece(name: str, frame: pd.DataFrame) -> bytes:
    connection = sqlite3.connect(":memory:")
    try:
        with connection:
            _create_table(connection, name, frame)
            _insert_rows(connection, name, frame)
        return connection.serialize()
    finally:
        connection.close()


def _joined_sqlite(tables: dict[str, pd.DataFrame], pieces: dict[str, list[bytes]]) -> bytes:
    """One database with every table, its rows copied from its pieces in order (SQLite does the copying)."""
    connection = sqlite3.connect(":memory:", isolation_level=None)  # each statement commits by itself
    try:
        connection.execute("ATTACH DATABASE ':memory:' AS piece")
        for name, frame in tables.items():
            _create_table(connection, name, frame)
            for data in pieces[name]:
                connection.deserialize(data, name="piece")
                connection.execute(f'INSERT INTO main."{name}" SELECT * FROM piece."{name}"')
        connection.execute("DETACH DATABASE piece")
        return connection.serialize()
    finally:
        connection.close()


def _sorted(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(TABLE_KEYS[name], kind="stable", na_position="first").reset_index(drop=True)


def _create_table(connection: sqlite3.Connection, name: str, frame: pd.DataFrame) -> None:
    columns = ", ".join(f'"{c}" {_sqlite_type(frame[c])}' for c in frame.columns)
    connection.execute(f'CREATE TABLE "{name}" ({columns})')


def _insert_rows(connection: sqlite3.Connection, name: str, frame: pd.DataFrame) -> None:
    marks = ", ".join("?" for _ in frame.columns)
    columns = [_sqlite_column(frame.iloc[:, i]) for i in range(frame.shape[1])]
    connection.executemany(f'INSERT INTO "{name}" VALUES ({marks})', zip(*columns, strict=True))


def _sqlite_column(series: pd.Series) -> list[object]:
    """_sqlite_value() of every value of a column, a whole column at a time where its dtype allows."""
    dtype = series.dtype
    if isinstance(dtype, np.dtype) and dtype.kind in "iub":
        return series.to_numpy().tolist()
    if isinstance(dtype, np.dtype) and dtype.kind == "f":
        return [None if v != v else v for v in series.to_numpy().tolist()]
    if isinstance(dtype, np.dtype) and dtype.kind == "M":
        # Few distinct days in a long column: each formatted once.
        codes, days = pd.factorize(series)
        shown = [day.strftime("%Y-%m-%d") for day in days] + [None]  # code -1 (missing) takes the last
        return [shown[code] for code in codes.tolist()]
    if dtype.kind in "OUiub" and (
        dtype == np.dtype(object) or isinstance(dtype, pd.api.extensions.ExtensionDtype)
    ):
        # Text, nullable integers or flags: Python values with None for missing, without a call per value.
        values = series.to_numpy(dtype=object, na_value=None).tolist()
        if set(map(type, values)) <= _PLAIN:
            return values
        return [_sqlite_value(v) for v in values]
    return [_sqlite_value(v) for v in series]


# What sqlite3 stores as given, the same as _sqlite_value() returns it.
_PLAIN = frozenset({str, int, float, bool, type(None)})


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
    people = person_records(applications, reg.staff, reg.staff_archive, [*NAME_PARTS, "birth_year"])
    frame = pd.concat([applications, people], axis=1).reset_index(drop=True)
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
    """Per municipality (its own organisations) and per organisation operator: who applied for what. A list
    whose rows did not change is copied from the workbook cache without building its sheet."""
    names = {m.code: m.name for m in config.municipalities}
    written = []
    for year in sorted(int(y) for y in reg.applications["plan_year"].dropna().unique()):
        frame = application_lists(reg, year)
        shown = frame.reindex(columns=list(LIST_HEADERS))
        municipal = ~frame["regional"].to_numpy(dtype=bool)
        for code, key, part in _slices(shown[municipal], frame["municipality"][municipal]):
            path = reports / "municipalities" / f"{code} {names.get(code, code)}" / f"заявки-{year}.xlsx"
            title = f"Заявки педагогов на {year} год: {names.get(code, code)}"
            written.append(_write_list(path, key, part, title))
        for login, key, part in _slices(shown, frame["login"]):
            path = reports / "organisations" / str(login) / f"заявки-{year}.xlsx"
            written.append(_write_list(path, key, part, f"Заявки педагогов организации на {year} год"))
    return written


def _slices(shown: pd.DataFrame, by: pd.Series):
    """(group, fingerprint of its rows, a function giving its list's sheet) for each group in sorted order, from
    one grouping of the frame; missing group values are left out, as groupby leaves them."""
    keys = slice_fingerprints(shown, by)
    indices = shown.groupby(by, sort=True).indices
    sheets = FrameSlices(shown, LIST_HEADERS)
    for group in sorted(indices):
        yield group, keys[group], partial(sheets.sheet, "Заявки", indices[group], text_columns={0, 7})


def _write_list(path: Path, key: str, sheet, title: str) -> Path:
    return write_workbook_from(path, key, lambda: [sheet()], title=title, sources=SOURCES)


def run_registry_reports(ctx, state: dict) -> dict:
    """Writes the analysts' state and restricted lists, and hands the site what the quality gate let through."""
    reg: Registries = state["registries"]
    quality = state.get("quality")
    allows = quality.allows if quality else (lambda output: True)
    ctx.write_later(lambda: write_state(reg, ctx.reports / STATE_FOLDER, ctx.reports / SQLITE_NAME))
    if allows("application_lists"):
        ctx.write_later(lambda: write_application_lists(reg, ctx.config, ctx.reports))
    public = state.setdefault("public", {})
    for year, frames in public_frames(reg, ctx.config).items():
        for name, frame in frames.items():
            if allows(name):
                public.setdefault(year, {})[name] = frame
    return {"public": public}
