"""Typical operators' mistakes planted into the demo files, each recorded with the issue the intake reports."""

import datetime as dt
import random
from dataclasses import dataclass

from pipeline.config import RegionConfig
from schemas.columns import columns_of
from schemas.kinds import KINDS_BY_SLUG, PERSON_KEY


@dataclass(frozen=True)
class PlantedMistake:
    login: str
    file_name: str
    sheet: str  # the sheet's title; empty for a mistake of the whole file
    row: int | None  # Excel row number (headers are row 1)
    column_header: str
    code: str  # issue code of pipeline/issues.py
    description: str


def _header(kind: str, sheet: str, name: str) -> str:
    model = next(s.model for s in KINDS_BY_SLUG[kind].sheets if s.name == sheet)
    return next(c.header for c in columns_of(model) if c.name == name)


def _title(kind: str, sheet: str) -> str:
    return next(s.title for s in KINDS_BY_SLUG[kind].sheets if s.name == sheet)


def plant_mistakes(rng: random.Random, config: RegionConfig, subs: list) -> list[PlantedMistake]:
    """Nine mistakes in distinct files; rows chosen so that nothing else depends on them."""
    last_year = config.plan_years[-1]
    involved = {
        tuple(row[k] for k in PERSON_KEY)
        for s in subs
        for name in ("applications", "schedule_listeners", "execution_listeners")
        for row in s.sheets.get(name, [])
    }
    mistakes: list[PlantedMistake] = []
    used: set[int] = set()

    def pick(candidates: list):
        choice = rng.choice([c for c in candidates if id(c) not in used])
        used.add(id(choice))
        return choice

    def record(sub, sheet: str, index: int | None, column: str, code: str, description: str) -> None:
        mistakes.append(
            PlantedMistake(
                sub.login,
                sub.file_name,
                _title(sub.kind, sheet) if sheet else "",
                None if index is None else index + 2,
                _header(sub.kind, sheet, column) if column else "",
                code,
                description,
            )
        )

    current_apps = [
        s
        for s in subs
        if s.kind == "applications" and s.plan_year == last_year and len(s.sheets["applications"]) >= 2
    ]
    late = pick(current_apps)
    deadline = config.deadline("applications", last_year)
    late.day = deadline + dt.timedelta(days=4)
    for row in late.sheets["applications"]:
        row["application_date"] = deadline + dt.timedelta(days=rng.randint(1, 4))
    record(late, "", None, "", "file_late", "Заявки отправлены после 15 октября.")

    bank = {row["program_code"] for s in subs if s.kind == "programs" for row in s.sheets["programs"]}
    sub = pick(current_apps)
    index = rng.randrange(len(sub.sheets["applications"]))
    row = sub.sheets["applications"][index]
    provider, number = row["program_code"].rsplit("-", 1)
    typo = f"{provider}-{number[0]}{number[2]}{number[1]}"
    while typo in bank or typo == row["program_code"]:
        typo = f"{provider}-{(int(typo.rsplit('-', 1)[1]) + 37) % 1000:03d}"
    row["program_code"] = typo
    record(
        sub, "applications", index, "program_code", "unknown_program", f"Опечатка в коде программы: {typo}."
    )

    sub = pick(current_apps)
    index = rng.randrange(len(sub.sheets["applications"]))
    sub.sheets["applications"][index]["application_date"] = f"31.09.{last_year - 1}"
    record(
        sub,
        "applications",
        index,
        "application_date",
        "not_a_date",
        "Дата заявки 31 сентября — такой даты нет.",
    )

    latest_staff = {}
    for s in subs:
        if s.kind == "staff" and (s.login not in latest_staff or s.day > latest_staff[s.login].day):
            latest_staff[s.login] = s
    staff_files = [latest_staff[k] for k in sorted(latest_staff)]

    def quiet_row(sub) -> int:
        rows = sub.sheets["staff"]
        free = [
            i
            for i, r in enumerate(rows)
            if tuple(r[k] for k in PERSON_KEY) not in involved and r["position"] != "руководитель"
        ]
        return rng.choice(free)

    planted = (
        ("year_appointed", "appointed_too_young", "Год назначения раньше, чем работнику исполнилось 16 лет."),
        ("education_level", "missing_value", "Не заполнен уровень образования."),
        ("attestation_category", "value_not_in_list", "Категория «вторая», которой нет в списке."),
    )
    for column, code, description in planted:
        sub = pick([s for s in staff_files if _has_quiet_row(s, involved)])
        index = quiet_row(sub)
        row = sub.sheets["staff"][index]
        row[column] = {"year_appointed": row["birth_year"] + 13, "education_level": None}.get(
            column, "вторая"
        )
        record(sub, "staff", index, column, code, description)

    sub = pick(staff_files)
    others = [s for s in staff_files if s is not sub and id(s) not in used]
    stranger = dict(rng.choice(rng.choice(others).sheets["staff"]))
    sub.sheets["staff"].append(stranger)
    record(
        sub,
        "staff",
        len(sub.sheets["staff"]) - 1,
        "org_code",
        "row_out_of_scope",
        f"Строка работника другой организации ({stranger['org_code']}).",
    )

    # A correction of an organisation's own details: rejecting it leaves the registry as it was.
    sub = pick([s for s in subs if s.kind == "org_details"])
    sub.sheets["org_details"][0]["phone"] = (
        f"{rng.randint(20, 79)}-{rng.randint(10, 99)}-{rng.randint(10, 99)}"
    )
    record(sub, "org_details", 0, "phone", "bad_phone", "Телефон без кода города.")

    latest_programs = {}
    for s in subs:
        if s.kind == "programs" and (s.login not in latest_programs or s.day > latest_programs[s.login].day):
            latest_programs[s.login] = s
    sub = pick([latest_programs[k] for k in sorted(latest_programs)])
    rows = sub.sheets["programs"]
    extra = dict(rows[0])
    provider = extra["provider_code"]
    numbers = [int(r["program_code"].rsplit("-", 1)[1]) for r in rows]
    extra |= {
        "program_code": f"{provider}-{max(numbers) + 1:03d}",
        "title": "Оказание первой помощи в образовательной организации",
        "program_type": "повышение квалификации",
        "hours": 12,
        "days": None,
        "annotation": "Программа учит оказывать первую помощь обучающимся до приезда скорой помощи. "
        "Занятия проходят в форме практикума.",
    }
    rows.append(extra)
    record(sub, "programs", len(rows) - 1, "hours", "hours_below_minimum", "Программа ПК объёмом 12 часов.")
    return mistakes


def _has_quiet_row(sub, involved) -> bool:
    return any(
        tuple(r[k] for k in PERSON_KEY) not in involved and r["position"] != "руководитель"
        for r in sub.sheets["staff"]
    )
