"""Blank .xlsx templates for every kind of submission: instruction, headers, drop-down lists."""

import datetime as dt
import sys
from dataclasses import dataclass, field, replace
from functools import partial
from itertools import zip_longest
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
from xlsxwriter.utility import xl_col_to_name

from pipeline.config import ConfigError, RegionConfig, great_circle_km_matrix, load_config
from pipeline.memo import fingerprint
from pipeline.workbooks import (
    SheetSpec,
    display,
    normalise_zip,
    safe_text,
    write_workbook_from,
)
from schemas.columns import ColumnInfo, columns_of
from schemas.kinds import (
    KINDS,
    KINDS_BY_SLUG,
    LEVEL_TITLES,
    MUNICIPALITY,
    ORGANISATION,
    PROVIDER,
    REGION,
    Sheet,
    SubmissionKind,
)
from schemas.lists import ALL_PLACES, REMOTE_PLACE, YES_NO

# What shapes a template besides the config and the lists: this code and the schemas.
SOURCES = ("pipeline/templates.py", "schemas")
INSTRUCTION_SHEET = "Инструкция"
LISTS_SHEET = "Списки"
ROWS = 1000  # rows of the data sheets that carry formats and drop-downs
# Programs an organisation's own form lists. A larger catalog (a country's) is not copied into each of tens of
# thousands of forms: that would grow as organisations times programs, and no one picks from such a list. The
# form then points to the blank template and the site, which list the whole catalog once.
FORM_CATALOG_LIMIT = 1000
# The same for the places of study: a region of more municipalities than this (a country's 1,870) offers each
# organisation its own municipality and the FORM_NEAREST_PLACES nearest to it; any other may still be typed.
FORM_PLACES_LIMIT = 300
FORM_NEAREST_PLACES = 30
MULTI_SEPARATOR = "; "

MONTHS_GENITIVE = (
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
)
QUARTER_NAMES = ("I", "II", "III", "IV")
# Logins the naming example uses, one per level (the preamble's examples).
EXAMPLE_LOGINS = {MUNICIPALITY: "uo-surgut", PROVIDER: "pk-iro", ORGANISATION: "oo-100012"}
NUMBER_KINDS = {"int", "year"}
DATE_KINDS = {"date", "date_or_indefinite"}

# Names of the lists that do not come from schemas.lists.
MUNICIPALITIES_LIST = "Муниципальные образования"
PLACES_LIST = "Места обучения"
PLACES_NEAR_LIST = "Ближайшие места обучения"
PLACE_SETS_LIST = "Места проведения"
CATALOG_LIST = "Программы каталога"
PROVIDERS_LIST = "Операторы ПК"
ORGANISATIONS_LIST = "Коды ОО"
STAFF_LISTS = {
    "surname": "Фамилии работников",
    "first_name": "Имена работников",
    "patronymic": "Отчества работников",
    "birth_year": "Годы рождения работников",
}


@dataclass
class LiveLists:
    """Values that come from the registries rather than the schemas; each one optional."""

    municipalities: list[str] = field(default_factory=list)  # names, from the region config
    catalog: dict[int, list[tuple[str, str]]] = field(default_factory=dict)  # plan year -> (code, title)
    # org code -> "Фамилия Имя Отчество, 1985" labels: personal data, only for that organisation's template
    staff: dict[str, list[str]] = field(default_factory=dict)
    providers: list[str] = field(default_factory=list)  # provider codes
    organisations: dict[str, list[str]] = field(default_factory=dict)  # municipality code -> org codes
    org_logins: dict[str, str] = field(default_factory=dict)  # org code -> its operator's login
    # the plan year whose catalog is too long for an organisation's form to list: see FORM_CATALOG_LIMIT
    catalog_elsewhere: int | None = None
    # the places one sender's file offers when the region has too many to list (FORM_PLACES_LIMIT)
    nearby: "Nearby | None" = None


@dataclass(frozen=True)
class Nearby:
    """A choice of places for one sender: the likeliest, not all that are valid; `what` says which."""

    places: list[str]
    what: str


def live_lists_from_config(config: RegionConfig) -> LiveLists:
    """The lists the region config alone can give. The registries add the catalog, providers,
    organisations and staff once they are built: pass a fuller LiveLists to write_templates."""
    return LiveLists(municipalities=[m.name for m in config.municipalities])


def write_templates(out: Path, config: RegionConfig, live: LiveLists | None = None) -> list[Path]:
    """One blank template per submission kind, named after the kind's file word."""
    live = live or live_lists_from_config(config)
    shared = _shared_inputs(config, live)
    return [
        write_workbook_from(
            out / f"{kind.file_word}.xlsx",
            [shared, kind.slug],
            partial(_template_sheets, kind, config, live),
            title=kind.title,
            sources=SOURCES,
        )
        for kind in KINDS
    ]


def write_organisation_templates(
    out: Path, config: RegionConfig, live: LiveLists, org_codes: list[str]
) -> list[Path]:
    """An applications template per organisation, offering its own staff by name (restricted output). An
    organisation's template depends on the shared lists and its own staff and login only, so a re-run copies
    the unchanged ones without building their sheets."""
    kind = KINDS_BY_SLUG["applications"]
    live = _form_lists(live)
    shared = _shared_inputs(config, live)
    near = limited_places(config) or {}
    municipality_of = {org: muni for muni, orgs in live.organisations.items() for org in orgs}
    written = []
    for org_code in sorted(set(org_codes)):
        login = live.org_logins.get(org_code)
        folder = login or org_code
        places = near.get(municipality_of.get(org_code))
        lists = live
        if places:
            what = f"муниципалитет организации, {len(places) - 1} ближайших к нему и «{REMOTE_PLACE}»"
            lists = replace(live, nearby=Nearby(places, what))
        inputs = [shared, kind.slug, org_code, login, live.staff.get(org_code), lists.nearby]
        build = partial(_template_sheets, kind, config, lists, org_code=org_code)
        written.append(
            write_workbook_from(
                out / folder / f"{kind.file_word}.xlsx", inputs, build, title=kind.title, sources=SOURCES
            )
        )
    return written


def _form_lists(live: LiveLists) -> LiveLists:
    """The lists of an organisation's form: without the catalog when it is longer than FORM_CATALOG_LIMIT."""
    if not live.catalog or len(live.catalog[max(live.catalog)]) <= FORM_CATALOG_LIMIT:
        return live
    return replace(live, catalog={}, catalog_elsewhere=max(live.catalog))


def limited_places(config: RegionConfig) -> dict[str, list[str]] | None:
    """The places a sender's file offers, by the sender's municipality, in a region of more municipalities than a
    file lists (FORM_PLACES_LIMIT); None where every file lists them all."""
    if len(config.municipalities) <= FORM_PLACES_LIMIT:
        return None
    return nearest_places(config, FORM_NEAREST_PLACES)


def nearest_places(config: RegionConfig, count: int) -> dict[str, list[str]]:
    """Municipality code -> its name and the names of the `count` municipalities nearest to it, nearest first
    (great-circle distance rounded to 0.1 km, then the config's order: the same on every machine)."""
    municipalities = list(config.municipalities)
    km = np.round(great_circle_km_matrix([m.lat for m in municipalities], [m.lon for m in municipalities]), 1)
    np.fill_diagonal(km, -1.0)  # its own first
    order = np.argsort(km, axis=1, kind="stable")[:, : count + 1]
    names = [m.name for m in municipalities]
    return {m.code: [names[j] for j in order[i].tolist()] for i, m in enumerate(municipalities)}


def _shared_inputs(config: RegionConfig, live: LiveLists) -> str:
    """A fingerprint of what every template may read besides one organisation's staff and login."""
    return fingerprint(
        config,
        live.municipalities,
        live.catalog,
        live.catalog_elsewhere,
        live.providers,
        live.organisations,
    )


def write_templates_cli(out: Path, inputs: Path, live: LiveLists | None = None) -> int:
    """`python -m pipeline templates`: write the templates and print where they are."""
    try:
        config = load_config(inputs)
    except ConfigError as error:
        print(error, file=sys.stderr)
        return 2
    for path in write_templates(out, config, live or live_lists_from_config(config)):
        print(path)
    return 0


def filled_template_sheets(
    kind: SubmissionKind, config: RegionConfig, live: LiveLists, rows_by_sheet: dict[str, list[list]]
) -> list[SheetSpec]:
    """The sheets of the kind's template with rows already under the headers (a provider's proposed
    schedule), for the same writer as the blank one."""
    sheets = _template_sheets(kind, config, live)
    for spec in sheets:
        if spec.name in rows_by_sheet:
            spec.rows = rows_by_sheet[spec.name]
    return sheets


def fill_template(template: Path, rows_by_sheet: dict[str, list[list[object]]], out: Path) -> Path:
    """A copy of the template with the rows written under the headers of the named sheets."""
    workbook = openpyxl.load_workbook(template)
    for title, rows in sorted(rows_by_sheet.items()):
        if title not in workbook.sheetnames:
            raise KeyError(f"the template {template.name} has no sheet {title!r}")
        sheet = workbook[title]
        width = sheet.max_column
        for r, row in enumerate(rows, start=2):
            if len(row) > width:
                raise ValueError(f"row {r} of {title!r} has {len(row)} values for {width} columns")
            for c, value in enumerate(row, start=1):
                _fill_cell(sheet.cell(row=r, column=c), value)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.unlink(
        missing_ok=True
    )  # a workbook restored there is a link into the workbook cache: never write into it
    workbook.save(out)
    return normalise_zip(out)


def _fill_cell(cell, value: object) -> None:
    if isinstance(value, dt.date) and value is not pd.NaT:  # NaT is a datetime too
        cell.value = pd.Timestamp(value).to_pydatetime() if isinstance(value, pd.Timestamp) else value
        cell.number_format = "dd.mm.yyyy"
        return
    value = display(value)  # missing values to "", numpy numbers to Python ones
    if value == "":
        return
    if isinstance(value, bool):
        cell.value = "да" if value else "нет"
    elif isinstance(value, (int, float)):
        cell.value = value
        return
    else:
        cell.value = safe_text(str(value))  # openpyxl would take "=..." for a formula
    cell.number_format = "@"


# --- the lists


class _Lists:
    """The lists one template offers, each a column of the hidden sheet, in the order first asked for."""

    def __init__(self):
        self.columns: dict[str, list[str]] = {}

    def source(self, name: str, values: list[str]) -> str:
        self.columns.setdefault(name, list(values))
        col = xl_col_to_name(list(self.columns).index(name))
        return f"='{LISTS_SHEET}'!${col}$2:${col}${len(self.columns[name]) + 1}"

    def sheet(self) -> SheetSpec:
        names = list(self.columns)
        rows = [list(row) for row in zip_longest(*self.columns.values(), fillvalue="")]
        return SheetSpec(
            name=LISTS_SHEET,
            header=names,
            rows=rows,
            hidden=True,
            freeze_header=False,
            autofilter=False,
            text_columns=set(range(len(names))),
        )


@dataclass(frozen=True)
class _Offer:
    """What a column offers: a named list, and whether several values of it may be combined."""

    name: str
    values: list[str]
    multiple: bool = False
    # what the list holds when it is a choice of the likeliest values, not all that are valid; "" otherwise
    others_allowed: str = ""


def _offer(
    kind: SubmissionKind, col: ColumnInfo, config: RegionConfig, live: LiveLists, org_code: str | None
) -> _Offer | None:
    municipalities = live.municipalities or [m.name for m in config.municipalities]
    if col.kind in ("enum", "multienum") and col.values:
        return _Offer(col.list_name or col.header, list(col.values), col.kind == "multienum")
    if col.kind == "bool":
        return _Offer("Да/нет", list(YES_NO))
    if col.kind == "municipality":
        return _Offer(MUNICIPALITIES_LIST, municipalities)
    if col.kind == "place":
        if live.nearby is not None:
            return _Offer(
                PLACES_NEAR_LIST, live.nearby.places + [REMOTE_PLACE], others_allowed=live.nearby.what
            )
        return _Offer(PLACES_LIST, municipalities + [REMOTE_PLACE])
    if col.kind == "places":
        return _Offer(PLACE_SETS_LIST, [ALL_PLACES] + municipalities + [REMOTE_PLACE], multiple=True)
    if col.name == "program_code" and kind.slug in ("applications", "schedule") and live.catalog:
        return _Offer(f"{CATALOG_LIST} {max(live.catalog)}", sorted({c for c, _ in _latest_catalog(live)}))
    if col.name == "provider_code" and kind.slug != "providers" and live.providers:
        return _Offer(PROVIDERS_LIST, sorted(set(live.providers)))
    if col.name == "org_code" and kind.slug != "organisations":
        if org_code:
            return _Offer(ORGANISATIONS_LIST, [org_code])
        codes = sorted({c for codes in live.organisations.values() for c in codes})
        return _Offer(ORGANISATIONS_LIST, codes) if codes else None
    if org_code and col.name in STAFF_LISTS:
        parts = {part for part in _staff_parts(live.staff.get(org_code, []), col.name) if part}
        values = sorted(parts, key=_alphabetical)
        return _Offer(STAFF_LISTS[col.name], values) if values else None
    return None


def _alphabetical(text: str) -> tuple[str, str]:
    # Code points put Ё before А; a person looks for Ёлкина among the Е.
    return text.casefold().replace("ё", "е"), text


def _latest_catalog(live: LiveLists) -> list[tuple[str, str]]:
    return sorted(live.catalog[max(live.catalog)]) if live.catalog else []


def _staff_parts(labels: list[str], part: str) -> list[str]:
    """One part of each "Фамилия Имя Отчество, 1985" label."""
    parts = []
    for label in labels:
        name, _, year = label.rpartition(",")
        words = name.split() if name else label.split()
        by_part = {
            "surname": words[0] if words else "",
            "first_name": words[1] if len(words) > 1 else "",
            "patronymic": " ".join(words[2:]),
            "birth_year": year.strip() if name else "",
        }
        parts.append(by_part[part])
    return parts


# --- the sheets


def _template_sheets(
    kind: SubmissionKind, config: RegionConfig, live: LiveLists, org_code: str | None = None
) -> list[SheetSpec]:
    lists = _Lists()
    offers = {
        (sheet.title, col.name): _offer(kind, col, config, live, org_code)
        for sheet in kind.sheets
        for col in columns_of(sheet.model)
    }
    data = [_data_sheet(sheet, offers, lists, live.catalog_elsewhere) for sheet in kind.sheets]
    instruction = _instruction_sheet(kind, config, live, offers, org_code)
    return [instruction, *data, lists.sheet()]


def _instruction_sheet(
    kind: SubmissionKind, config: RegionConfig, live: LiveLists, offers: dict, org_code: str | None
) -> SheetSpec:
    plan_year = max(config.plan_years)
    sheet_names = " и ".join(f"«{s.title}»" for s in kind.sheets)
    intro = [
        f"Для чего этот файл: {kind.description}",
        f"Кто присылает: {', '.join(LEVEL_TITLES[level] for level in kind.levels)}.",
        f"Срок: {_deadline_rule(kind, config, plan_year)}.",
        f"Как назвать файл: {_naming_rule(kind)}.",
        f"Куда положить: в папку inputs/<ваш логин>/ общей папки АСУПК, например "
        f"inputs/{_example_login(kind, config, live, org_code)}/{_example_file_name(kind, config, plan_year)}.",
        f"Как заполнять: на листе {sheet_names} не меняйте заголовки первой строки; каждая следующая строка — "
        "одна запись. Коды вводите как текст: «0012» останется «0012». Даты — в виде 15.10.2026.",
        "Где есть выпадающий список, выберите значение из него; несколько значений одного столбца "
        f"разделяйте «{MULTI_SEPARATOR}». Списки хранятся на скрытом листе «{LISTS_SHEET}»: не удаляйте его.",
    ]
    if len(kind.sheets) > 1:
        intro.append(f"В файле {len(kind.sheets)} листа данных: {sheet_names}; заполните каждый.")
    if any(c.personal for s in kind.sheets for c in columns_of(s.model)):
        intro.append(
            "В файле персональные данные (152-ФЗ): передавайте его только через папку АСУПК, "
            "не пересылайте посторонним."
        )
    if org_code:
        intro.append(
            f"Шаблон организации {org_code}: в столбцах имени и года рождения — списки её работников "
            "из реестра; выберите фамилию, имя, отчество и год рождения одного человека."
        )
    if live.catalog_elsewhere is not None:
        intro.append(_catalog_elsewhere(live.catalog_elsewhere))
    intro += ["", "Столбцы:"]
    rows = [
        [
            sheet.title,
            col.header,
            "да" if col.required else "нет",
            col.description,
            col.example,
            CATALOG_ELSEWHERE_ALLOWED
            if col.name == "program_code" and live.catalog_elsewhere is not None
            else _allowed(col, offer),
        ]
        for sheet in kind.sheets
        for col in columns_of(sheet.model)
        for offer in [offers[(sheet.title, col.name)]]
    ]
    if any(o is not None and o.name.startswith(CATALOG_LIST) for o in offers.values()):
        rows += [[""] * 6, [f"Программы каталога на {max(live.catalog)} год:"]]
        rows += [[code, title] for code, title in _latest_catalog(live)]
    return SheetSpec(
        name=INSTRUCTION_SHEET,
        header=["Лист", "Столбец", "Обязательный", "Описание", "Пример", "Допустимые значения"],
        rows=rows,
        title=f"Шаблон «{kind.title}» — {config.short_name}",
        intro=intro,
        widths=[16, 30, 13, 55, 30, 55],
        wrap_columns=set(range(6)),
        text_columns=set(range(6)),
        freeze_header=False,
        autofilter=False,
    )


CATALOG_ELSEWHERE_ALLOWED = "код как текст: из бланка заявок или с сайта, раздел «Каталог программ»"


def _catalog_elsewhere(year: int) -> str:
    return (
        f"Коды программ каталога на {year} год в этот файл не включены: каталог слишком велик для списка. "
        f"Найдите код в бланке «{KINDS_BY_SLUG['applications'].file_word}.xlsx» (лист «{INSTRUCTION_SHEET}») "
        "или на сайте АСУПК, раздел «Каталог программ», и впишите его как текст."
    )


def _allowed(col: ColumnInfo, offer: _Offer | None) -> str:
    if offer is not None and col.kind in ("enum", "multienum", "bool"):
        how = f"одно или несколько через «{MULTI_SEPARATOR}»" if offer.multiple else "одно значение"
        return f"{how} из списка «{offer.name}»: {MULTI_SEPARATOR.join(offer.values)}"
    if offer is not None and offer.others_allowed:
        return (
            f"значение из выпадающего списка «{offer.name}» ({offer.others_allowed}) или название другого "
            "муниципалитета региона, как в бланке шаблона"
        )
    if offer is not None:
        how = f"одно или несколько через «{MULTI_SEPARATOR}»" if offer.multiple else "значение"
        return f"{how} из выпадающего списка «{offer.name}»"
    return {
        "date": "дата ДД.ММ.ГГГГ",
        "date_or_indefinite": "дата ДД.ММ.ГГГГ или «бессрочно»",
        "year": "год, четыре цифры",
        "int": "целое число",
        "code": "код как текст",
        "email": "адрес электронной почты",
        "phone": "телефон: +7 (3467) 32-40-46",
        "login": "латинские строчные буквы, цифры, точка, дефис",
    }.get(col.kind, "текст")


def _russian_date(day: int, month: int) -> str:
    return f"{day} {MONTHS_GENITIVE[month - 1]}"


def _deadline_rule(kind: SubmissionKind, config: RegionConfig, plan_year: int) -> str:
    if kind.deadline is None:
        return "не установлен — присылайте файл, когда сведения появляются или меняются"
    if kind.deadline == "monitoring":
        due = config.deadline("monitoring", plan_year, 1)
        return (
            f"до {config.deadlines['monitoring_day']} числа месяца, следующего за отчётным кварталом "
            f"(за I квартал {plan_year} года — до {due:%d.%m.%Y})"
        )
    day, month = config.deadlines[kind.deadline]
    due = config.deadline(kind.deadline, plan_year)
    return (
        f"до {_russian_date(day, month)} года, предшествующего плановому "
        f"(для плана на {plan_year} год — до {due:%d.%m.%Y})"
    )


def _naming_rule(kind: SubmissionKind) -> str:
    pattern = f"ГГГГ-ММ-ДД {kind.file_word}"
    parts = ["дата отправки", f"слово «{kind.file_word}»"]
    if kind.period in ("year", "quarter"):
        pattern += " ГГГГ"
        parts.append("плановый год")
    if kind.period == "quarter":
        pattern += " Nкв"
        parts.append("квартал: 1кв, 2кв, 3кв или 4кв")
    return f"«{pattern}.xlsx» — {', '.join(parts)}"


def _example_file_name(kind: SubmissionKind, config: RegionConfig, plan_year: int) -> str:
    if kind.deadline == "monitoring":
        sent = config.deadline("monitoring", plan_year, 1) - dt.timedelta(days=2)
    elif kind.deadline:
        sent = config.deadline(kind.deadline, plan_year) - dt.timedelta(days=5)
    else:
        sent = dt.date(plan_year - 1, 9, 1)
    name = f"{sent:%Y-%m-%d} {kind.file_word}"
    if kind.period in ("year", "quarter"):
        name += f" {plan_year}"
    if kind.period == "quarter":
        name += " 1кв"
    return name + ".xlsx"


def _example_login(kind: SubmissionKind, config: RegionConfig, live: LiveLists, org_code: str | None) -> str:
    if org_code:
        return live.org_logins.get(org_code) or org_code
    level = kind.levels[-1]
    return config.regional_login if level == REGION else EXAMPLE_LOGINS[level]


def _data_sheet(sheet: Sheet, offers: dict, lists: _Lists, catalog_elsewhere: int | None) -> SheetSpec:
    columns = columns_of(sheet.model)
    spec = SheetSpec(
        name=sheet.title,
        header=[c.header for c in columns],
        widths=[_width(c) for c in columns],
        autofilter=False,
        dropdown_rows=ROWS,
        header_notes={i: _note(c) for i, c in enumerate(columns)},
        text_columns={i for i, c in enumerate(columns) if c.kind not in NUMBER_KINDS | DATE_KINDS},
        date_columns={i for i, c in enumerate(columns) if c.kind in DATE_KINDS},
    )
    for i, col in enumerate(columns):
        offer = offers[(sheet.title, col.name)]
        if offer is not None:
            spec.validations.append(
                (i, i, _list_validation(col, offer, lists.source(offer.name, offer.values)))
            )
        elif col.name == "program_code" and catalog_elsewhere is not None:
            message = f"Код программы из каталога на {catalog_elsewhere} год: {CATALOG_ELSEWHERE_ALLOWED}."
            spec.validations.append((i, i, _hint(col, message)))
        elif col.kind == "date":
            spec.validations.append((i, i, _date_validation(col)))
        elif col.kind == "date_or_indefinite":
            spec.validations.append((i, i, _hint(col, "Дата в виде 15.10.2026 или слово «бессрочно».")))
        elif col.kind in NUMBER_KINDS:
            spec.validations.append((i, i, _number_validation(col)))
    return spec


def _list_validation(col: ColumnInfo, offer: _Offer, source: str) -> dict:
    if offer.others_allowed:
        message = "Выберите из списка ближайших или впишите другой муниципалитет региона."
        error = "Такого значения нет в списке ближайших. Нажмите «Да», если это муниципалитет региона."
    elif offer.multiple:
        message = f"Выберите из списка или впишите несколько значений через «{MULTI_SEPARATOR}»."
        error = (
            f"Значения списка разделяются «{MULTI_SEPARATOR}». Нажмите «Да», чтобы оставить, если это так."
        )
    else:
        message = "Выберите значение из списка."
        error = "Такого значения нет в списке. Нажмите «Нет» и выберите значение из списка."
    return {
        "validate": "list",
        "source": source,
        "error_type": "warning",
        "input_title": col.header[:32],
        "input_message": message,
        "error_title": "Значение не из списка",
        "error_message": error,
    }


def _date_validation(col: ColumnInfo) -> dict:
    return {
        "validate": "date",
        "criteria": "between",
        "minimum": dt.date(1950, 1, 1),
        "maximum": dt.date(2100, 12, 31),
        "error_type": "warning",
        "input_title": col.header[:32],
        "input_message": "Дата в виде 15.10.2026.",
        "error_title": "Не похоже на дату",
        "error_message": "Введите дату в виде 15.10.2026. Нажмите «Да», чтобы оставить как есть.",
    }


def _number_validation(col: ColumnInfo) -> dict:
    low, high = (1900, 2100) if col.kind == "year" else (0, 100000)
    return {
        "validate": "integer",
        "criteria": "between",
        "minimum": low,
        "maximum": high,
        "error_type": "warning",
        "input_title": col.header[:32],
        "input_message": "Четыре цифры года, например 1985." if col.kind == "year" else "Целое число.",
        "error_title": "Не похоже на число",
        "error_message": "Введите целое число. Нажмите «Да», чтобы оставить как есть.",
    }


def _hint(col: ColumnInfo, message: str) -> dict:
    return {"validate": "any", "input_title": col.header[:32], "input_message": message}


def _note(col: ColumnInfo) -> str:
    required = "Обязательный столбец." if col.required else "Можно оставить пустым."
    example = f" Пример: {col.example}" if col.example else ""
    return f"{col.description} {required}{example}"


def _width(col: ColumnInfo) -> int:
    return int(min(max(len(col.header) * 0.9, len(col.example) + 2, 12), 45))
