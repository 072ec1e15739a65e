"""A small valid region written as real operators' files, and defect cases named after their defect."""

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import pandas as pd

from pipeline.workbooks import SheetSpec, write_workbook
from schemas.columns import columns_of
from schemas.kinds import KINDS_BY_SLUG

D = dt.date


def headers(slug: str, sheet_index: int = 0) -> list[str]:
    return [c.header for c in columns_of(KINDS_BY_SLUG[slug].sheets[sheet_index].model)]


def put(root: Path, login: str, name: str, slug: str, rows: dict[int, list[list]] | list[list]) -> Path:
    """Write a submission as an operator would: one sheet per kind's sheet, schema headers in row 1."""
    kind = KINDS_BY_SLUG[slug]
    rows = rows if isinstance(rows, dict) else {0: rows}
    sheets = [
        SheetSpec(sheet.title, headers(slug, i), rows.get(i, [])) for i, sheet in enumerate(kind.sheets)
    ]
    path = root / login / name
    write_workbook(path, sheets)
    return path


MUNICIPAL_OPERATORS = [
    [
        "10",
        "Департамент образования Администрации города Сургута",
        "Иванова Мария Петровна",
        "специалист",
        "+7 (346) 252-00-00",
        "do@admsurgut.ru",
        "uo-surgut",
    ],
    [
        "Нижневартовск",
        "Департамент образования администрации города Нижневартовска",
        "Петров Пётр Петрович",
        "специалист",
        "8 3466 41-00-00",
        "do@n-vartovsk.ru",
        "uo-nv",
    ],
]
PROVIDER = [
    "ИРО",
    "АУ ДПО ХМАО – Югры «Институт развития образования»",
    "628011, г. Ханты-Мансийск, ул. Мира, 13",
    "628011, г. Ханты-Мансийск, ул. Мира, 13",
    "Ханты-Мансийск",
    "Сидорова Анна Ивановна",
    "ректор",
    "+7 (346) 732-40-46",
    "iro@iro86.ru",
    "pk-iro",
    "Л035-01245-86/00123456",
    D(2016, 3, 15),
    "бессрочно",
]
PROVIDER_2 = [
    "НВГУ",
    "ФГБОУ ВО «Нижневартовский государственный университет»",
    "628605, г. Нижневартовск",
    "628605, г. Нижневартовск",
    "Нижневартовск",
    "Орлова Ирина Ивановна",
    "проректор",
    "+7 (346) 645-00-00",
    "dpo@nvsu.ru",
    "pk-nvgu",
    "Л035-01245-86/00654321",
    D(2015, 5, 1),
    "бессрочно",
]
ORGANISATIONS = [
    [
        "100012",
        "Муниципальное бюджетное общеобразовательное учреждение «Средняя школа № 12»",
        "МБОУ СОШ № 12",
        "общеобразовательная организация",
        "Сургут",
        "628400, г. Сургут, ул. Ленина, 10",
        "Кузнецова Ольга Викторовна",
        "заместитель директора",
        "+7 (346) 232-40-46",
        "school12@admsurgut.ru",
        "oo-100012",
    ],
    [
        "100013",
        "Муниципальное бюджетное дошкольное образовательное учреждение «Детский сад № 13»",
        "МБДОУ № 13",
        "дошкольная образовательная организация",
        "Сургут",
        "628400, г. Сургут, ул. Мира, 3",
        "Белова Анна Ивановна",
        "заведующий",
        "+7 (346) 232-41-41",
        "ds13@admsurgut.ru",
        "oo-100013",
    ],
]
ORGANISATION_NV = [
    "050001",
    "МБОУ «Средняя школа № 1»",
    "МБОУ СШ № 1",
    "общеобразовательная организация",
    "Нижневартовск",
    "628600, г. Нижневартовск",
    "Орлов Олег Олегович",
    "директор",
    "+7 (346) 632-40-46",
    "s1@nv.ru",
    "oo-050001",
]


def staff_row(
    surname="Петрова", first="Анна", patronymic="Сергеевна", birth=1985, org="100012", **over
) -> list:
    row = {
        "org_code": org,
        "surname": surname,
        "first_name": first,
        "patronymic": patronymic,
        "birth_year": birth,
        "education_level": "высшее (бакалавриат)",
        "academic_degree": "нет",
        "diploma_qualification": "учитель математики",
        "position": "учитель",
        "subject": "математика",
        "year_appointed": 2010,
        "last_attestation_year": 2022,
        "attestation_category": "первая",
        "teaching_experience": 14,
        "last_training_year": 2023,
        "courses_taken": "",
        "planned_topic": "Цифровые инструменты на уроке математики",
    }
    row.update(over)
    return [row[c.name] for c in columns_of(KINDS_BY_SLUG["staff"].main_sheet.model)]


STAFF = [
    staff_row(),
    staff_row("Сидоров", "Иван", "Петрович", 1990, position="учитель", teaching_experience=10),
    staff_row("Ершова", "Мария", "", 1978, position="педагог-психолог", teaching_experience=20),
]


def program_row(code="ИРО-001", provider="ИРО", **over) -> list:
    row = {
        "program_code": code,
        "provider_code": provider,
        "title": "Формирование функциональной грамотности обучающихся",
        "program_type": "повышение квалификации",
        "hours": 72,
        "audience": "учитель; заместитель руководителя",
        "annotation": "Программа знакомит с приёмами формирования читательской и математической грамотности.",
        "form": "очно-заочная",
        "distance": "да",
        "places": "Сургут; Нижневартовск; дистанционно",
        "group_min": 10,
        "group_max": 25,
        "days": 10,
        "expertise_number": "ЭЗ-2026/041",
        "expertise_date": D(2026, 5, 20),
    }
    row.update(over)
    return [row[c.name] for c in columns_of(KINDS_BY_SLUG["programs"].main_sheet.model)]


PROGRAMS = [
    program_row(),
    program_row(
        "ИРО-002",
        title="Психолого-педагогическое сопровождение инклюзивного образования",
        audience="педагог-психолог; учитель",
        hours=36,
    ),
]


def application_row(
    surname="Петрова",
    first="Анна",
    patronymic="Сергеевна",
    birth=1985,
    program="ИРО-001",
    place="Сургут",
    period="II квартал",
    day=D(2026, 10, 1),
    org="100012",
) -> list:
    return [org, surname, first, patronymic, birth, program, place, period, day]


def base_region(root: Path) -> Path:
    """A valid region: two municipal operators, two providers, three organisations, programs, catalog, staff."""
    root.mkdir(parents=True, exist_ok=True)
    put(root, "iro", "2024-02-01 муниципальные операторы.xlsx", "municipal_operators", MUNICIPAL_OPERATORS)
    put(root, "iro", "2024-02-01 операторы пк.xlsx", "providers", [PROVIDER, PROVIDER_2])
    put(root, "uo-surgut", "2024-02-10 организации.xlsx", "organisations", ORGANISATIONS)
    put(root, "uo-nv", "2024-02-12 организации.xlsx", "organisations", [ORGANISATION_NV])
    put(root, "pk-iro", "2026-05-25 программы.xlsx", "programs", PROGRAMS)
    put(
        root,
        "iro",
        "2026-06-10 каталог 2027.xlsx",
        "catalog",
        [["ИРО-001", "10-П-1234", D(2026, 6, 10)], ["ИРО-002", "10-П-1234", D(2026, 6, 10)]],
    )
    put(root, "oo-100012", "2026-09-01 работники.xlsx", "staff", STAFF)
    return root


@dataclass
class Case:
    """A defect: the file that carries it and the issues (code, cell) it must raise."""

    name: str
    login: str
    file: str
    slug: str
    write: object  # callable(path) writing the file, or rows for put()
    expected: list[tuple[str, str]] = field(default_factory=list)  # (code, cell or "")


def _openpyxl_staff(path: Path, edit) -> None:
    """Staff file written with openpyxl, so a case can put formulas, errors, merges in it."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Работники"
    sheet.append(headers("staff"))
    for row in STAFF:
        sheet.append(row)
    edit(book, sheet)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)


def _staff_with(*rows) -> list[list]:
    return [*STAFF, *rows]


def _without_column(header: str, slug: str = "staff", rows=STAFF):
    def write(path: Path):
        heads = headers(slug)
        keep = [i for i, h in enumerate(heads) if h != header]
        spec = SheetSpec(
            KINDS_BY_SLUG[slug].main_sheet.title,
            [heads[i] for i in keep],
            [[r[i] for i in keep] for r in rows],
        )
        write_workbook(path, [spec])

    return write


def _with_header(rename: dict[str, str], extra: list[tuple[str, object]] = ()):
    def write(path: Path):
        heads = [rename.get(h, h) for h in headers("staff")] + [h for h, _ in extra]
        rows = [r + [v for _, v in extra] for r in STAFF]
        write_workbook(path, [SheetSpec("Работники", heads, rows)])

    return write


def _raw(content: bytes):
    def write(path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)

    return write


def _sheets(*specs):
    def write(path: Path):
        write_workbook(path, list(specs))

    return write


def _formula(book, sheet):
    sheet["N3"] = "=2026-2012"  # openpyxl stores no cached value


def _error(book, sheet):
    sheet["N3"] = "#DIV/0!"
    sheet["N3"].data_type = "e"


def _merge(book, sheet):
    sheet.merge_cells("A2:A4")


def _hide(book, sheet):
    other = book.create_sheet("Инструкция", 0)
    other["A1"] = "Инструкция"
    sheet.sheet_state = "hidden"


def _total(book, sheet):
    sheet.append(["Итого", "", "", "", 3])


def _nbsp(book, sheet):
    sheet["B2"] = "Пeтрова"  # Latin «e» inside a Cyrillic name


def _group(code, program, place, start, end, capacity=25, form="очно-заочная"):
    return [code, program, place, start, end, capacity, form]


def _listener(group, surname="Петрова", first="Анна", patronymic="Сергеевна", birth=1985, org="100012"):
    return [group, org, surname, first, patronymic, birth]


def _outcome(group, status, start=None, end=None, comment=""):
    return [group, status, start, end, comment]


def _listener_outcome(group, completed="да", number="862400012345", day=D(2027, 2, 13)):
    return [
        *_listener(group),
        completed,
        "удостоверение о повышении квалификации" if number else None,
        number,
        day,
    ]


CASES = [
    Case(
        "staff-missing-header",
        "oo-100012",
        "2026-10-01 работники.xlsx",
        "staff",
        _sheets(SheetSpec("Работники", STAFF[0], STAFF[1:])),
        [("header_missing", "")],
    ),
    Case(
        "staff-missing-column",
        "oo-100012",
        "2026-10-01 работники.xlsx",
        "staff",
        _without_column("Должность"),
        [("column_missing", "")],
    ),
    Case(
        "staff-unknown-column",
        "oo-100012",
        "2026-10-01 работники.xlsx",
        "staff",
        _with_header({}, [("Любимый цвет", "синий")]),
        [("column_unknown", "R1")],
    ),
    Case(
        "staff-header-alias",
        "oo-100012",
        "2026-10-01 работники.xlsx",
        "staff",
        _with_header({"Учёная степень": "Степень"}),
        [("column_renamed", "G1")],
    ),
    Case(
        "staff-password-column",
        "oo-100012",
        "2026-10-01 работники.xlsx",
        "staff",
        _with_header({}, [("Пароль", "qwerty123")]),
        [("password_column", "R1")],
    ),
    Case(
        "staff-birth-year-text",
        "oo-100012",
        "2026-10-01 работники.xlsx",
        "staff",
        _staff_with(staff_row("Козлова", "Вера", "Ивановна", "19x5")),
        [("not_a_year", "E5")],
    ),
    Case(
        "staff-position-not-in-list",
        "oo-100012",
        "2026-10-01 работники.xlsx",
        "staff",
        _staff_with(staff_row("Козлова", "Вера", "Ивановна", 1980, position="учител")),
        [("value_not_in_list", "I5")],
    ),
    Case(
        "staff-appointed-too-young",
        "oo-100012",
        "2026-10-01 работники.xlsx",
        "staff",
        _staff_with(
            staff_row("Козлова", "Вера", "Ивановна", 1999, year_appointed=2010, teaching_experience=3)
        ),
        [("appointed_too_young", "K5")],
    ),
    Case(
        "staff-attestation-in-future",
        "oo-100012",
        "2026-10-01 работники.xlsx",
        "staff",
        _staff_with(staff_row("Козлова", "Вера", "Ивановна", 1980, last_attestation_year=2030)),
        [("attestation_in_future", "L5")],
    ),
    Case(
        "staff-experience-exceeds-age",
        "oo-100012",
        "2026-10-01 работники.xlsx",
        "staff",
        _staff_with(
            staff_row("Козлова", "Вера", "Ивановна", 2000, year_appointed=2020, teaching_experience=25)
        ),
        [("experience_exceeds_age", "N5")],
    ),
    Case(
        "staff-other-school-row",
        "oo-100012",
        "2026-10-01 работники.xlsx",
        "staff",
        _staff_with(staff_row("Чужой", "Пётр", "Ильич", 1980, org="050001")),
        [("row_out_of_scope", "A5")],
    ),
    Case(
        "staff-duplicate-row",
        "oo-100012",
        "2026-10-01 работники.xlsx",
        "staff",
        _staff_with(STAFF[0]),
        [("duplicate_key", "A5")],
    ),
    Case(
        "staff-missing-value",
        "oo-100012",
        "2026-10-01 работники.xlsx",
        "staff",
        _staff_with(staff_row("Козлова", "", "Ивановна", 1980)),
        [("missing_value", "C5")],
    ),
    Case(
        "staff-formula-without-value",
        "oo-100012",
        "2026-10-01 работники.xlsx",
        "staff",
        lambda p: _openpyxl_staff(p, _formula),
        [("formula_without_value", "N3"), ("missing_value", "N3"), ("row_kept_from_before", "")],
    ),
    Case(
        "staff-error-cell",
        "oo-100012",
        "2026-10-01 работники.xlsx",
        "staff",
        lambda p: _openpyxl_staff(p, _error),
        [("error_cell", "N3"), ("missing_value", "N3"), ("row_kept_from_before", "")],
    ),
    Case(
        "staff-merged-cells",
        "oo-100012",
        "2026-10-01 работники.xlsx",
        "staff",
        lambda p: _openpyxl_staff(p, _merge),
        [("merged_cells", "A2")],
    ),
    Case(
        "staff-hidden-sheet",
        "oo-100012",
        "2026-10-01 работники.xlsx",
        "staff",
        lambda p: _openpyxl_staff(p, _hide),
        [("sheet_hidden", "")],
    ),
    Case(
        "staff-totals-row",
        "oo-100012",
        "2026-10-01 работники.xlsx",
        "staff",
        lambda p: _openpyxl_staff(p, _total),
        [("total_row_skipped", "")],
    ),
    Case(
        "staff-latin-lookalike",
        "oo-100012",
        "2026-10-01 работники.xlsx",
        "staff",
        lambda p: _openpyxl_staff(p, _nbsp),
        [("normalised", "B2")],
    ),
    Case(
        "staff-sheets-misnamed",
        "oo-100012",
        "2026-10-01 работники.xlsx",
        "staff",
        _sheets(SheetSpec("Лист1", headers("staff"), STAFF), SheetSpec("Лист2", headers("staff"), STAFF)),
        [("sheet_missing", ""), ("sheet_extra", ""), ("sheet_extra", "")],
    ),
    Case(
        "staff-from-provider-login",
        "pk-iro",
        "2026-10-01 работники.xlsx",
        "staff",
        STAFF,
        [("submitter_not_allowed", "")],
    ),
    Case(
        "staff-unregistered-login",
        "oo-999999",
        "2026-10-01 работники.xlsx",
        "staff",
        STAFF,
        [("submitter_unknown", "")],
    ),
    Case("staff-header-only", "oo-100012", "2026-10-01 работники.xlsx", "staff", [], [("file_empty", "")]),
    Case(
        "staff-csv-renamed",
        "oo-100012",
        "2026-10-01 работники.xlsx",
        "staff",
        _raw("Фамилия;Имя\nПетрова;Анна\n".encode()),
        [("file_format_unsupported", "")],
    ),
    Case(
        "staff-text-file",
        "oo-100012",
        "2026-10-01 работники.txt",
        "staff",
        _raw(b"hello"),
        [("file_format_unsupported", "")],
    ),
    Case("staff-no-date-in-name", "oo-100012", "работники.xlsx", "staff", STAFF, [("file_date_missing", "")]),
    Case(
        "staff-impossible-date-in-name",
        "oo-100012",
        "2026-02-30 работники.xlsx",
        "staff",
        STAFF,
        [("file_date_invalid", "")],
    ),
    Case(
        "unknown-kind-word",
        "oo-100012",
        "2026-10-01 сотрудникии.xlsx",
        "staff",
        STAFF,
        [("file_kind_unknown", "")],
    ),
    Case(
        "applications-no-plan-year",
        "oo-100012",
        "2026-10-01 заявки.xlsx",
        "applications",
        [application_row()],
        [("file_period_missing", "")],
    ),
    Case(
        "applications-unknown-plan-year",
        "oo-100012",
        "2026-10-01 заявки 2031.xlsx",
        "applications",
        [application_row()],
        [("file_period_invalid", "")],
    ),
    Case(
        "applications-late",
        "oo-100012",
        "2026-10-20 заявки 2027.xlsx",
        "applications",
        [application_row()],
        [("file_late", "")],
    ),
    Case(
        "applications-impossible-date",
        "oo-100012",
        "2026-10-01 заявки 2027.xlsx",
        "applications",
        [application_row(day="31.09.2026")],
        [("not_a_date", "I2")],
    ),
    Case(
        "applications-date-as-text",
        "oo-100012",
        "2026-10-01 заявки 2027.xlsx",
        "applications",
        [application_row(day="15/09/2026")],
        [("normalised", "I2")],
    ),
    Case(
        "applications-bad-program-code",
        "oo-100012",
        "2026-10-01 заявки 2027.xlsx",
        "applications",
        [application_row(program="ИРО15")],
        [("bad_format", "F2")],
    ),
    Case(
        "applications-unknown-place",
        "oo-100012",
        "2026-10-01 заявки 2027.xlsx",
        "applications",
        [application_row(place="Москва")],
        [("unknown_municipality", "G2")],
    ),
    Case(
        "providers-bad-phone-and-email",
        "iro",
        "2026-03-01 операторы пк.xlsx",
        "providers",
        [PROVIDER[:7] + ["12-34", "iro(at)iro86.ru"] + PROVIDER[9:], PROVIDER_2],
        [("bad_phone", "H2"), ("bad_email", "I2"), ("row_kept_from_before", "")],
    ),
    Case(
        "providers-licence-ends-before-issue",
        "iro",
        "2026-03-01 операторы пк.xlsx",
        "providers",
        [PROVIDER[:12] + [D(2010, 1, 1)], PROVIDER_2],
        [("licence_ends_before_issue", "M2"), ("row_kept_from_before", "")],
    ),
    Case(
        "municipal-operators-bad-login",
        "iro",
        "2026-03-01 муниципальные операторы.xlsx",
        "municipal_operators",
        [MUNICIPAL_OPERATORS[0][:6] + ["УО Сургут"], MUNICIPAL_OPERATORS[1]],
        [("bad_login", "G2"), ("row_kept_from_before", "")],
    ),
    Case(
        "programs-hours-below-minimum",
        "pk-iro",
        "2026-06-01 программы.xlsx",
        "programs",
        [*PROGRAMS, program_row("ИРО-003", hours=8)],
        [("hours_below_minimum", "E4")],
    ),
    Case(
        "programs-retraining-below-minimum",
        "pk-iro",
        "2026-06-01 программы.xlsx",
        "programs",
        [*PROGRAMS, program_row("ИРО-003", program_type="профессиональная переподготовка", hours=144)],
        [("hours_below_minimum", "E4")],
    ),
    Case(
        "programs-hours-out-of-range",
        "pk-iro",
        "2026-06-01 программы.xlsx",
        "programs",
        [*PROGRAMS, program_row("ИРО-003", hours=5000)],
        [("out_of_range", "E4")],
    ),
    Case(
        "programs-group-min-above-max",
        "pk-iro",
        "2026-06-01 программы.xlsx",
        "programs",
        [*PROGRAMS, program_row("ИРО-003", group_min=30, group_max=20)],
        [("group_min_above_max", "K4")],
    ),
    Case(
        "programs-other-provider",
        "pk-iro",
        "2026-06-01 программы.xlsx",
        "programs",
        [*PROGRAMS, program_row("НВГУ-003", provider="НВГУ")],
        [("row_out_of_scope", "B4")],
    ),
    Case(
        "programs-unknown-place",
        "pk-iro",
        "2026-06-01 программы.xlsx",
        "programs",
        [*PROGRAMS, program_row("ИРО-003", places="Сургут; Тюмень")],
        [("unknown_municipality", "J4")],
    ),
    Case(
        "programs-audience-not-in-list",
        "pk-iro",
        "2026-06-01 программы.xlsx",
        "programs",
        [*PROGRAMS, program_row("ИРО-003", audience="учитель; завуч")],
        [("value_not_in_list", "F4")],
    ),
    Case(
        "organisations-other-municipality",
        "uo-surgut",
        "2026-03-01 организации.xlsx",
        "organisations",
        [*ORGANISATIONS, ["050002", *ORGANISATION_NV[1:-1], "oo-050002"]],
        [("row_out_of_scope", "E4")],
    ),
    Case(
        "schedule-ends-before-start",
        "pk-iro",
        "2026-11-20 план-график 2027.xlsx",
        "schedule",
        {0: [_group("ИРО-001-1", "ИРО-001", "Сургут", D(2027, 3, 10), D(2027, 3, 1))]},
        [("group_ends_before_start", "E2")],
    ),
    Case(
        "schedule-date-outside-plan-year",
        "pk-iro",
        "2026-11-20 план-график 2027.xlsx",
        "schedule",
        {0: [_group("ИРО-001-1", "ИРО-001", "Сургут", D(2026, 12, 20), D(2026, 12, 28))]},
        [("date_outside_plan_year", "D2"), ("date_outside_plan_year", "E2")],
    ),
    Case(
        "schedule-other-providers-program",
        "pk-iro",
        "2026-11-20 план-график 2027.xlsx",
        "schedule",
        {0: [_group("НВГУ-001-1", "НВГУ-001", "Сургут", D(2027, 3, 1), D(2027, 3, 10))]},
        [("row_out_of_scope", "B2")],
    ),
    Case(
        "execution-held-without-dates",
        "pk-iro",
        "2027-04-05 исполнение 2027 1кв.xlsx",
        "execution",
        {0: [_outcome("ИРО-001-1", "проведена")]},
        [("held_group_without_dates", "C2")],
    ),
    Case(
        "execution-completed-without-certificate",
        "pk-iro",
        "2027-04-05 исполнение 2027 1кв.xlsx",
        "execution",
        {
            0: [_outcome("ИРО-001-1", "проведена", D(2027, 2, 2), D(2027, 2, 13))],
            1: [_listener_outcome("ИРО-001-1", number=None, day=None)],
        },
        [("completed_without_certificate", "I2")],
    ),
    Case(
        "execution-date-outside-quarter",
        "pk-iro",
        "2027-04-05 исполнение 2027 1кв.xlsx",
        "execution",
        {0: [_outcome("ИРО-001-1", "проведена", D(2027, 4, 1), D(2027, 4, 12))]},
        [("date_outside_quarter", "D2")],
    ),
    Case(
        "execution-no-quarter-in-name",
        "pk-iro",
        "2027-04-05 исполнение 2027.xlsx",
        "execution",
        {0: [_outcome("ИРО-001-1", "отменена")]},
        [("file_period_missing", "")],
    ),
]


def cold_intake(root: Path, monkeypatch):
    """The intake of root with neither the read cache nor the memo."""
    from pipeline.config import load_config
    from pipeline.intake.cache import ENV
    from pipeline.intake.discover import list_input_files
    from pipeline.intake.take_in import take_in
    from pipeline.memo import ENV as MEMO_ENV

    monkeypatch.setenv(ENV, "off")
    monkeypatch.setenv(MEMO_ENV, "off")
    return take_in(list_input_files(root), root, load_config(root))


def same_intake(a, b, exact: bool = False) -> None:
    """Two intake results hold the same issues, records, archive and counts."""
    pd.testing.assert_frame_equal(a.log.to_frame(), b.log.to_frame(), check_exact=exact)
    assert a.records.keys() == b.records.keys()
    for name in a.records:
        pd.testing.assert_frame_equal(a.records[name], b.records[name], check_exact=exact)
        pd.testing.assert_frame_equal(a.archive[name], b.archive[name], check_exact=exact)
    assert a.counts == b.counts
