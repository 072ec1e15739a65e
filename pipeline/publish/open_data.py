"""Open data of a plan year: CSV and JSON per table, a Frictionless Data Package describing them, a download page."""

import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipeline.publish.model import YearView
from pipeline.publish.render import render
from pipeline.publish.section_cache import kept_part
from pipeline.workbooks import write_csv

DATA_DIR = "data"
HIDDEN = "значения от 1 до {limit} скрыты (пусто), чтобы по ним нельзя было узнать человека"


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # Table Schema type: string, integer, number, boolean, date
    title: str
    people: bool = False  # a count of people: 1..threshold-1 are withheld


@dataclass(frozen=True)
class Resource:
    name: str  # the file stem and the Data Package resource name
    frame: str  # the public frame it is cut from
    title: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]


def _f(name: str, type_: str, title: str, people: bool = False) -> Field:
    return Field(name, type_, title, people)


RESOURCES: tuple[Resource, ...] = (
    Resource(
        "key_figures",
        "key_figures",
        "Главное в цифрах",
        (_f("indicator", "string", "Показатель"), _f("value", "integer", "Значение")),
        ("indicator",),
    ),
    Resource(
        "catalog",
        "catalog",
        "Каталог программ",
        (
            _f("program_code", "string", "Код программы"),
            _f("title", "string", "Название"),
            _f("provider_code", "string", "Код оператора ПК"),
            _f("provider_name", "string", "Оператор ПК"),
            _f("hours", "integer", "Объём, часов"),
            _f("program_type", "string", "Вид программы"),
            _f("form", "string", "Форма обучения"),
            _f("distance", "string", "С применением дистанционных технологий"),
            _f("audience", "string", "Категория слушателей"),
            _f("annotation", "string", "Аннотация"),
            _f("places", "string", "Места проведения"),
            _f("applications", "integer", "Заявок", True),
        ),
        ("program_code",),
    ),
    Resource(
        "schedule",
        "schedule",
        "План-график: учебные группы",
        (
            _f("group_code", "string", "Код группы"),
            _f("program_code", "string", "Код программы"),
            _f("title", "string", "Программа"),
            _f("provider_code", "string", "Код оператора ПК"),
            _f("place", "string", "Место обучения"),
            _f("place_code", "string", "Код муниципального образования или «дистанционно»"),
            _f("start_date", "date", "Начало"),
            _f("end_date", "date", "Окончание"),
            _f("capacity", "integer", "Мест"),
            _f("listeners", "integer", "Слушателей", True),
            _f("status", "string", "Статус плана-графика"),
        ),
        ("group_code",),
    ),
    Resource(
        "providers",
        "providers_public",
        "Операторы ПК",
        (
            _f("provider_code", "string", "Код оператора ПК"),
            _f("name", "string", "Наименование"),
            _f("municipality", "string", "Муниципальное образование"),
            _f("licence_number", "string", "Номер лицензии"),
            _f("licence_date", "date", "Дата лицензии"),
            _f("licence_valid", "boolean", "Лицензия действует в плановом году"),
            _f("programs", "integer", "Программ в каталоге"),
        ),
        ("provider_code",),
    ),
    Resource(
        "municipality_stats",
        "municipality_stats",
        "Показатели муниципальных образований",
        (
            _f("municipality_code", "string", "Код муниципального образования"),
            _f("name", "string", "Муниципальное образование"),
            _f("organisations", "integer", "Образовательных организаций"),
            _f("staff", "integer", "Педагогических работников", True),
            _f("due", "integer", "Подошёл срок ПК (нет ПК за три года)", True),
            _f("applied", "integer", "Педагогов подали заявки", True),
            _f("applications", "integer", "Заявок", True),
            _f("share_applied", "number", "Доля подавших заявки"),
        ),
        ("municipality_code",),
    ),
    Resource(
        "monitoring",
        "monitoring",
        "Мониторинг: план и факт по кварталам и операторам ПК",
        (
            _f("quarter", "integer", "Квартал"),
            _f("provider_code", "string", "Код оператора ПК"),
            _f("groups_planned", "integer", "Групп по плану"),
            _f("groups_held", "integer", "Групп проведено"),
            _f("groups_moved", "integer", "Групп перенесено"),
            _f("groups_cancelled", "integer", "Групп отменено"),
            _f("listeners_planned", "integer", "Слушателей по плану", True),
            _f("listeners_trained", "integer", "Слушателей обучено", True),
            _f("person_hours", "integer", "Человеко-часов"),
            _f("completion_rate", "number", "Доля обученных"),
        ),
        ("quarter", "provider_code"),
    ),
    Resource(
        "monitoring_municipality",
        "monitoring_municipality",
        "Мониторинг: слушатели муниципальных образований по кварталам",
        (
            _f("quarter", "integer", "Квартал"),
            _f("municipality", "string", "Код муниципального образования"),
            _f("municipality_name", "string", "Муниципальное образование"),
            _f("listeners_planned", "integer", "Слушателей по плану", True),
            _f("listeners_trained", "integer", "Слушателей обучено", True),
        ),
        ("quarter", "municipality"),
    ),
    Resource(
        "assignment",
        "assignment",
        "Государственное задание: программы, группы, слушатели",
        (
            _f("provider_code", "string", "Код оператора ПК"),
            _f("program_code", "string", "Код программы"),
            _f("title", "string", "Программа"),
            _f("hours", "integer", "Объём, часов"),
            _f("applications", "integer", "Заявок", True),
            _f("groups", "integer", "Групп"),
            _f("listeners", "integer", "Слушателей", True),
            _f("person_hours", "integer", "Человеко-часов"),
            _f("unplaced", "integer", "Заявок без места", True),
        ),
        ("program_code",),
    ),
    Resource(
        "submissions",
        "submissions",
        "Представление сведений: файлы операторов",
        (
            _f("file", "string", "Файл"),
            _f("login", "string", "Логин оператора"),
            _f("kind_title", "string", "Вид сведений"),
            _f("plan_year", "integer", "Плановый год"),
            _f("quarter", "integer", "Квартал"),
            _f("submitted", "date", "Дата представления"),
            _f("deadline", "date", "Срок"),
            _f("late", "boolean", "С опозданием"),
            _f("rows_in", "integer", "Строк в файле"),
            _f("accepted", "integer", "Строк принято"),
            _f("kept", "integer", "Строк без изменений"),
            _f("refused", "integer", "Строк отклонено"),
            _f("status", "string", "Итог"),
        ),
        ("file",),
    ),
)


def open_tables(view: YearView, key_figures: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Each resource's table as published: its columns only, small counts of people withheld, sorted by key."""
    frames = dict(view.frames, key_figures=key_figures)
    tables = {}
    for resource in RESOURCES:
        frame = frames.get(resource.frame)
        if frame is None:
            continue
        missing = [f.name for f in resource.fields if f.name not in frame]
        if missing:
            raise ValueError(f"frame {resource.frame!r} lacks columns {missing} for open data")
        table = frame[[f.name for f in resource.fields]].copy()
        for f in resource.fields:
            if f.people:
                counts = table[f.name].astype("Int64")
                table[f.name] = counts.mask((counts > 0) & (counts < view.threshold))
            elif f.type == "integer":
                table[f.name] = table[f.name].astype("Int64")
        tables[resource.name] = table.sort_values(list(resource.primary_key), kind="stable").reset_index(
            drop=True
        )
    return tables


def open_data_files(view: YearView, tables: dict[str, pd.DataFrame]) -> dict[str, bytes]:
    """CSV and JSON of every table and the datapackage.json, by path under docs_dir. A table whose rows are
    those of a kept run takes its two files from the memo."""
    made = {name: kept_part(lambda t=t: table_files(t), "open data table", t) for name, t in tables.items()}
    files = {f"{DATA_DIR}/{name}.csv": csv for name, (csv, _) in made.items()}
    files |= {f"{DATA_DIR}/{name}.json": json_file for name, (_, json_file) in made.items()}
    files[f"{DATA_DIR}/datapackage.json"] = json_bytes(datapackage(view, tables))
    return files


def table_files(table: pd.DataFrame) -> tuple[bytes, bytes]:
    """The table as CSV and as JSON."""
    with tempfile.TemporaryDirectory(prefix="asupk-open-data-") as scratch:
        csv = write_csv(Path(scratch) / "table.csv", table).read_bytes()
    return csv, records_json(records(table))


def records(table: pd.DataFrame) -> list[dict]:
    """Rows as JSON objects: ISO dates, null for blanks, plain ints, floats and booleans."""
    return [{column: _json_value(value) for column, value in row.items()} for row in table.to_dict("records")]


def _json_value(value: object) -> object:
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def json_bytes(data: object) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def records_json(rows: list[dict]) -> bytes:
    """A JSON array with one record a line: as easy to read and diff as an indented one, and written by the
    json module's C encoder (an indented dump goes through its Python one)."""
    if not rows:
        return b"[]\n"
    lines = ",\n".join(json.dumps(row, ensure_ascii=False) for row in rows)
    return f"[\n{lines}\n]\n".encode()


def datapackage(view: YearView, tables: dict[str, pd.DataFrame]) -> dict:
    """A Tabular Data Package (Frictionless v1) over the CSV files, one table schema per resource."""
    config = view.config
    limit = view.threshold - 1
    resources = []
    for resource in RESOURCES:
        if resource.name not in tables:
            continue
        fields = []
        for f in resource.fields:
            field = {"name": f.name, "type": f.type, "title": f.title}
            if f.people:
                field["description"] = HIDDEN.format(limit=limit)
            fields.append(field)
        resources.append(
            {
                "name": resource.name,
                "title": resource.title,
                "path": f"{resource.name}.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {
                    "fields": fields,
                    "primaryKey": list(resource.primary_key),
                    "missingValues": [""],
                },
            }
        )
    return {
        "profile": "tabular-data-package",
        "name": f"asupk-{config.regional_login}-{view.year}".lower(),
        "title": f"Повышение квалификации педагогов: {config.name}, плановый год {view.year}",
        "description": (
            f"Открытые данные АСУПК на {view.model.as_of.isoformat()}: каталог, план-график, операторы ПК, "
            "показатели муниципальных образований, мониторинг, государственное задание и представление "
            "сведений. Персональных данных нет; " + HIDDEN.format(limit=limit) + "."
        ),
        "resources": resources,
    }


def open_data_pages(view: YearView, tables: dict[str, pd.DataFrame]) -> dict[str, str | bytes]:
    pages: dict[str, str | bytes] = dict(open_data_files(view, tables))
    listed = [(r, len(tables[r.name])) for r in RESOURCES if r.name in tables]
    pages[f"{DATA_DIR}/index.md"] = render(
        "open_data.md.j2", year=view.year, resources=listed, limit=view.threshold - 1
    )
    return pages
