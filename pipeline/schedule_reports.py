"""The plan-schedule's stages and workbooks: proposals for providers, the consolidated plan-schedule the
Department signs, and each municipality's and organisation's listeners (restricted)."""

from pathlib import Path

import pandas as pd

from pipeline.schedule import Schedule, check_submitted, consolidate_schedule, overlapping_members
from pipeline.templates import LiveLists, write_filled_template
from pipeline.workbooks import SheetSpec, display, frame_to_sheet, write_workbook
from schemas.kinds import KINDS_BY_SLUG
from schemas.lists import REMOTE_PLACE

TABLE_HEADER = [
    "№ п/п",
    "Оператор ПК",
    "Код программы",
    "Наименование программы",
    "Объём, часов",
    "Код группы",
    "Место проведения",
    "Дата начала",
    "Дата окончания",
    "Число мест",
    "Число слушателей",
    "Источник",
]
PERSON_HEADER = [
    "Код ОО",
    "Организация",
    "Фамилия",
    "Имя",
    "Отчество",
    "Код группы",
    "Программа",
    "Оператор ПК",
    "Место проведения",
    "Дата начала",
    "Дата окончания",
]


def run_schedule(ctx, state: dict) -> dict:
    intake, registries, config = state["intake"], state["registries"], ctx.config
    submitted, listeners = check_submitted(intake, registries, config)
    _warn_licences(intake, submitted, registries.provider_licences)
    approvals = intake.records["schedule_approvals"]
    schedule = consolidate_schedule(
        state["groups"],
        submitted,
        listeners,
        registries,
        approvals,
        intake.archive["schedule_groups"],
        config,
    )
    names = {m.code: m.name for m in config.municipalities}
    people = _people(schedule, registries, names)
    for year in config.plan_years:
        write_plan_schedule(ctx.reports / f"plan-schedule-{year}.xlsx", schedule, registries, config, year)
        _write_people(ctx.reports, people[people["plan_year"] == year], registries, names, year)
    write_proposals(ctx.reports / "providers", schedule, listeners, registries, config)
    public = state.get("public", {})
    for year, frames in public_frames(schedule, registries, names).items():
        public.setdefault(year, {}).update(frames)
    return {"schedule": schedule, "public": public}


def _warn_licences(intake, submitted: pd.DataFrame, licences: pd.DataFrame) -> None:
    invalid = set(
        zip(*[licences[~licences["licence_valid"]][c] for c in ("provider_code", "plan_year")], strict=True)
    )
    for (file, sender, year, provider), _ in submitted.groupby(
        ["file", "sender", "plan_year", "provider_code"], sort=True
    ):
        if (provider, year) in invalid:
            intake.log.add(
                "provider_licence_invalid",
                file=file,
                login=sender,
                kind="schedule",
                value=provider,
                expected=year,
            )


def place_name(place: object, names: dict[str, str]) -> str:
    return REMOTE_PLACE if place == REMOTE_PLACE else names.get(str(place), str(place))


def public_frames(
    schedule: Schedule, registries, names: dict[str, str]
) -> dict[int, dict[str, pd.DataFrame]]:
    """Per plan year: the groups (counts, no names), the status line, nothing that identifies a person."""
    titles = registries.catalog.drop_duplicates(["plan_year", "program_code"]).set_index(
        ["plan_year", "program_code"]
    )
    provider_names = dict(
        zip(registries.providers["provider_code"], registries.providers["name"], strict=True)
    )
    frames = {}
    for status in schedule.status.itertuples(index=False):
        year = int(status.plan_year)
        groups = schedule.groups[schedule.groups["plan_year"] == year]
        table = pd.DataFrame(
            {
                "group_code": groups["group_code"],
                "program_code": groups["program_code"],
                "title": [titles["title"].get((year, c), "") for c in groups["program_code"]],
                "provider_code": groups["provider_code"],
                "provider_name": groups["provider_code"].map(provider_names),
                "place": [place_name(p, names) for p in groups["place"]],
                "place_code": groups["place"],
                "start_date": groups["start_date"],
                "end_date": groups["end_date"],
                "capacity": groups["capacity"],
                "listeners": groups["listeners"],
                "status": status.status,
            }
        ).reset_index(drop=True)
        frames[year] = {
            "schedule": table,
            "schedule_status": pd.DataFrame(
                [
                    {
                        "status": status.status,
                        "order_number": status.order_number,
                        "order_date": status.order_date,
                    }
                ]
            ),
        }
    return frames


# --- the consolidated plan-schedule


def write_plan_schedule(path: Path, schedule: Schedule, registries, config, year: int) -> Path:
    names = {m.code: m.name for m in config.municipalities}
    catalog = registries.catalog.drop_duplicates(["plan_year", "program_code"]).set_index(
        ["plan_year", "program_code"]
    )
    provider_names = dict(
        zip(registries.providers["provider_code"], registries.providers["name"], strict=True)
    )
    groups = schedule.groups[schedule.groups["plan_year"] == year]
    status = schedule.status[schedule.status["plan_year"] == year].iloc[0]
    rows = []
    for n, group in enumerate(groups.itertuples(index=False), start=1):
        entry = catalog.loc[(year, group.program_code)] if (year, group.program_code) in catalog.index else {}
        rows.append(
            [
                n,
                provider_names.get(group.provider_code, group.provider_code),
                group.program_code,
                entry.get("title", ""),
                entry.get("hours", ""),
                group.group_code,
                place_name(group.place, names),
                group.start_date,
                group.end_date,
                group.capacity,
                group.listeners,
                group.source,
            ]
        )
    rows.append([""] * len(TABLE_HEADER))
    rows.append(
        [
            "",
            "Итого",
            "",
            f"программ: {groups['program_code'].nunique()}",
            "",
            f"групп: {len(groups)}",
            "",
            "",
            "",
            int(groups["capacity"].sum()),
            int(groups["listeners"].sum()),
            "",
        ]
    )
    approved = status["status"] == "утверждён"
    order = (
        f"Утверждено приказом {config.department} от {display(status['order_date'])} № {status['order_number']}"
        if approved
        else f"Утверждено приказом {config.department} от «___» ____________ {year - 1} г. № ______"
    )
    rows += [
        [""],
        ["", f"Согласовано: {config.regional_name}  ______________ / ______________ /"],
        ["", order],
    ]
    table = SheetSpec(
        name="План-график",
        header=TABLE_HEADER,
        rows=rows,
        title=f"Сводный план-график повышения квалификации педагогических работников {config.name} на {year} год",
        intro=[
            f"Статус: {status['status']}"
            + (
                f" (приказ от {display(status['order_date'])} № {status['order_number']})" if approved else ""
            ),
            "",
        ],
        widths=[6, 30, 12, 50, 9, 14, 22, 12, 12, 9, 11, 13],
        wrap_columns={1, 3},
        text_columns={1, 2, 3, 5, 6, 11},
        date_columns={7, 8},
        autofilter=False,
    )
    sheets = [table, _unplaced_sheet(schedule, year), _amendments_sheet(schedule, year)]
    sheets.append(_checks_sheet(schedule, registries, year))
    sheets.append(
        # Wall time differs from run to run; the report keeps what the same inputs always give.
        frame_to_sheet(
            "Решение",
            schedule.solver[schedule.solver["plan_year"] == year].drop(columns=["seconds"]),
            SOLVER_HEADERS,
        )
    )
    return write_workbook(path, sheets, title=f"Сводный план-график {year}")


SOLVER_HEADERS = {
    "plan_year": "Плановый год",
    "programs": "Программ с заявками",
    "models": "Моделей решено",
    "objective": "Целевая функция, км-экв.",
    "bound": "Нижняя граница",
    "gap": "Разрыв до границы",
    "travel_km": "Суммарный путь слушателей, км",
    "status": "Статус решения",
}


def _unplaced_sheet(schedule: Schedule, year: int) -> SheetSpec:
    unplaced = schedule.unplaced[schedule.unplaced["plan_year"] == year]
    counts = unplaced.groupby(["program_code", "reason"], sort=True).size().reset_index(name="count")
    return frame_to_sheet(
        "Не распределены", counts, {"program_code": "Код программы", "reason": "Причина", "count": "Заявок"}
    )


def _amendments_sheet(schedule: Schedule, year: int) -> SheetSpec:
    part = schedule.amendments[schedule.amendments["plan_year"] == year].drop(columns="plan_year")
    return frame_to_sheet(
        "Изменения",
        part,
        {"order_number": "Приказ №", "order_date": "Дата", "note": "Содержание", "changed_groups": "Группы"},
    )


def _checks_sheet(schedule: Schedule, registries, year: int) -> SheetSpec:
    groups = schedule.groups[schedule.groups["plan_year"] == year]
    clashes = overlapping_members(groups, schedule.members[schedule.members["plan_year"] == year])
    over = groups[groups["listeners"] > groups["capacity"]]
    licences = registries.provider_licences
    invalid = licences[(licences["plan_year"] == year) & ~licences["licence_valid"]]["provider_code"]
    unlicensed = sorted(set(invalid) & set(groups["provider_code"]))
    unplaced = schedule.unplaced[schedule.unplaced["plan_year"] == year]
    rows = [
        [
            "Слушатель в группах с пересекающимися датами",
            len(clashes),
            "; ".join(sorted(set(clashes["group_code"]))),
        ],
        ["Группы сверх числа мест", len(over), "; ".join(over["group_code"])],
        ["Заявки без группы", len(unplaced), "см. лист «Не распределены»"],
        ["Операторы ПК без действующей лицензии", len(unlicensed), "; ".join(unlicensed)],
    ]
    return SheetSpec(
        name="Проверка", header=["Проверка", "Найдено", "Подробности"], rows=rows, widths=[50, 10, 80]
    )


# --- restricted lists of listeners


def _people(schedule: Schedule, registries, names: dict[str, str]) -> pd.DataFrame:
    staff = registries.staff.drop_duplicates(["person_id", "org_code"])
    orgs = registries.organisations.drop_duplicates("org_code").set_index("org_code")
    people = schedule.members.merge(
        staff[["person_id", "org_code", "surname", "first_name", "patronymic"]],
        on=["person_id", "org_code"],
        how="left",
    ).merge(
        schedule.groups[
            ["plan_year", "group_code", "program_code", "provider_code", "place", "start_date", "end_date"]
        ],
        on=["plan_year", "group_code"],
    )
    people["org_name"] = people["org_code"].map(orgs["name"]) if "name" in orgs else ""
    people["login"] = people["org_code"].map(orgs["login"]) if "login" in orgs else pd.NA
    people["place"] = [place_name(p, names) for p in people["place"]]
    return people.sort_values(["org_code", "surname", "first_name", "group_code"], kind="stable")


def _person_rows(people: pd.DataFrame) -> list[list]:
    columns = [
        "org_code",
        "org_name",
        "surname",
        "first_name",
        "patronymic",
        "group_code",
        "program_code",
        "provider_code",
        "place",
        "start_date",
        "end_date",
    ]
    return [list(row) for row in people[columns].itertuples(index=False, name=None)]


def _write_people(reports: Path, people: pd.DataFrame, registries, names: dict[str, str], year: int) -> None:
    def sheet(part: pd.DataFrame, title: str) -> list[SheetSpec]:
        return [
            SheetSpec(
                name="Слушатели",
                header=PERSON_HEADER,
                rows=_person_rows(part),
                title=title,
                intro=["Персональные данные (152-ФЗ): только для служебного пользования.", ""],
                text_columns={0, 1, 2, 3, 4, 5, 6, 7, 8},
                date_columns={9, 10},
            )
        ]

    for code, part in people.groupby("municipality", sort=True):
        name = names.get(code, code)
        write_workbook(
            reports / "municipalities" / f"{code} {name}" / f"план-график-{year}.xlsx",
            sheet(part, f"Педагоги муниципального образования {name} в плане-графике на {year} год"),
            title=f"План-график {year}: {name}",
        )
    for org_code, part in people.groupby("org_code", sort=True):
        login = part["login"].iloc[0]
        folder = login if isinstance(login, str) else org_code
        write_workbook(
            reports / "organisations" / folder / f"план-график-{year}.xlsx",
            sheet(part, f"Работники организации {org_code} в плане-графике на {year} год"),
            title=f"План-график {year}: {org_code}",
        )


# --- the providers' pre-filled templates


def write_proposals(out: Path, schedule: Schedule, listeners: pd.DataFrame, registries, config) -> list[Path]:
    """Each provider's groups in force (its own schedule if it sent one, else the proposal) in the schedule
    template, ready to edit, rename «<date> план-график <year>.xlsx» and send back."""
    names = {m.code: m.name for m in config.municipalities}
    people = registries.staff.drop_duplicates(["person_id", "org_code"])[
        ["person_id", "org_code", "surname", "first_name", "patronymic", "birth_year"]
    ]
    members = schedule.members.merge(people, on=["person_id", "org_code"], how="inner")
    members_of = {key: part for key, part in members.groupby(["plan_year", "group_code"], sort=False)}
    logins = dict(zip(registries.providers["provider_code"], registries.providers["login"], strict=True))
    catalog = {
        int(y): sorted(zip(part["program_code"], part["title"], strict=True))
        for y, part in registries.catalog.groupby("plan_year")
    }
    live = LiveLists(municipalities=list(names.values()), catalog=catalog, providers=sorted(logins))
    listener_columns = ["group_code", "org_code", "surname", "first_name", "patronymic", "birth_year"]
    written = []
    for (year, provider), groups in schedule.groups.groupby(["plan_year", "provider_code"], sort=True):
        login = logins.get(provider)
        if not isinstance(login, str):
            continue
        group_rows = [
            [
                g.group_code,
                g.program_code,
                place_name(g.place, names),
                g.start_date,
                g.end_date,
                g.capacity,
                g.form,
            ]
            for g in groups.itertuples(index=False)
        ]
        listener_rows = [
            row
            for code in groups["group_code"]
            if (year, code) in members_of
            for row in members_of[(year, code)][listener_columns].itertuples(index=False, name=None)
        ]
        written.append(
            write_filled_template(
                out / login / f"план-график {year} (предложение).xlsx",
                KINDS_BY_SLUG["schedule"],
                config,
                live,
                {"Группы": group_rows, "Слушатели": [list(r) for r in listener_rows]},
            )
        )
    return written
