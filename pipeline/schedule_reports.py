"""The plan-schedule's stages and workbooks: proposals for providers, the consolidated plan-schedule the
Department signs, and each municipality's and organisation's listeners (restricted)."""

import dataclasses
from functools import cache, partial
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd

from pipeline import templates
from pipeline.memo import Memo, fingerprint
from pipeline.registries import NAME_PARTS, person_records
from pipeline.schedule import (
    Schedule,
    catalog_entries,
    check_submitted,
    consolidate_schedule,
    keys_of,
    overlapping_members,
)
from pipeline.templates import LiveLists
from pipeline.workbook_cache import slice_fingerprints
from pipeline.workbooks import SheetSpec, display, frame_to_sheet, write_workbook_from
from schemas.kinds import KINDS_BY_SLUG
from schemas.lists import REMOTE_PLACE

# The code that shapes the per-organisation lists and the providers' proposals from their rows.
SOURCES = ("pipeline/schedule_reports.py",)
# The code the consolidated plan-schedule depends on (the config's calendar and distances among it).
CONSOLIDATION_SOURCES = ("pipeline/schedule.py", "pipeline/groups.py", "pipeline/config.py", "schemas")

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
PERSON_COLUMNS = [
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
    schedule = _consolidated(
        state["groups"],
        submitted,
        listeners,
        registries,
        intake.records["schedule_approvals"],
        intake,
        config,
    )
    names = {m.code: m.name for m in config.municipalities}
    ctx.write_later(lambda: _write_schedule(ctx.reports, schedule, listeners, registries, config))
    public = state.get("public", {})
    for year, frames in public_frames(schedule, registries, names).items():
        public.setdefault(year, {}).update(frames)
    return {"schedule": schedule, "public": public}


def _write_schedule(reports: Path, schedule: Schedule, listeners, registries, config) -> None:
    """The plan-schedule of each year, its listeners by municipality and organisation, the providers' proposals."""
    names = {m.code: m.name for m in config.municipalities}
    people = _people(schedule, registries, names)
    for year in config.plan_years:
        write_plan_schedule(reports / f"plan-schedule-{year}.xlsx", schedule, registries, config, year)
        _write_people(reports, people[people["plan_year"] == year], registries, names, year)
    write_proposals(reports / "providers", schedule, listeners, registries, config)


def _consolidated(plan, submitted, listeners, registries, approvals, intake, config) -> Schedule:
    """consolidate_schedule, recalled from the memo store when none of its inputs changed. It is given only the
    columns and rows it reads (staff: the municipality of a provider's listener), so that a school's new staff
    list changes the key only when it touches them. A listener who has left since is found in the archive, with
    the municipality they had there."""
    archived = intake.archive["schedule_groups"]
    listeners = listeners[["plan_year", "group_code", "person_id", "org_code"]]
    sent = set(keys_of(listeners, "person_id", "org_code"))

    def of_listeners(frame: pd.DataFrame) -> pd.DataFrame:
        # a mask, not a list: an empty list would pick no columns
        return frame[np.array([k in sent for k in keys_of(frame, "person_id", "org_code")], dtype=bool)]

    former = of_listeners(registries.staff_archive).sort_values("archived_on", kind="stable")
    staff = pd.concat([former, of_listeners(registries.staff)], ignore_index=True)
    staff = staff.drop_duplicates(["person_id", "org_code"], keep="last")[
        ["person_id", "org_code", "municipality"]
    ]
    used = SimpleNamespace(
        # in one order whatever the registry's: a row dropped elsewhere in it, or a listener who left and keeps
        # their municipality in the archive, must not change the key
        staff=staff.sort_values(["person_id", "org_code"], kind="stable").reset_index(drop=True),
        catalog=registries.catalog[["plan_year", "program_code", "hours", "days", "group_min"]],
        applications=registries.applications[CONSOLIDATED_APPLICATION_COLUMNS],
        left=_applicants_who_left(registries),
    )
    # the solver's wall time differs from run to run and is never shown: it must not change the key
    solver = plan.solver.drop(columns=["seconds"])
    parts = [plan.groups, plan.members, plan.unplaced, solver, submitted, listeners]
    key = fingerprint(
        *parts, used.staff, used.catalog, used.applications, used.left, approvals, archived, config
    )
    schedule = Memo("schedule", CONSOLIDATION_SOURCES).get(
        key, lambda: consolidate_schedule(plan, submitted, listeners, used, approvals, archived, config)
    )
    return dataclasses.replace(schedule, solver=plan.solver)  # this run's times, whichever run kept the rest


def _applicants_who_left(registries) -> pd.DataFrame:
    """person_id, org_code and the day they left, of the applicants no longer on their organisation's staff."""
    archive = registries.staff_archive
    current = set(keys_of(registries.staff, "person_id", "org_code"))
    applicants = set(keys_of(registries.applications, "person_id", "org_code"))
    keys = keys_of(archive, "person_id", "org_code")
    former = archive[np.array([k in applicants and k not in current for k in keys], dtype=bool)]
    left = former.groupby(["person_id", "org_code"], as_index=False)["archived_on"].max()
    return left.sort_values(["person_id", "org_code"], kind="stable").reset_index(drop=True)


CONSOLIDATED_APPLICATION_COLUMNS = [
    "plan_year",
    "application_id",
    "person_id",
    "org_code",
    "program_code",
    "provider_code",
]


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
    entries = catalog_entries(registries.catalog)
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
                "title": [
                    entries.get((year, c), {}).get("title", "") for c in groups["program_code"].tolist()
                ],
                "provider_code": groups["provider_code"],
                "provider_name": groups["provider_code"].map(provider_names),
                "place": [place_name(p, names) for p in groups["place"].tolist()],
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
    """The year's consolidated plan-schedule; copied from the workbook cache when nothing it shows changed."""
    of_year = {
        name: frame[frame["plan_year"] == year]
        for name, frame in (
            ("groups", schedule.groups),
            ("status", schedule.status),
            ("unplaced", schedule.unplaced[["plan_year", "program_code", "reason"]]),
            ("amendments", schedule.amendments),
            ("members", schedule.members[["plan_year", "person_id", "group_code"]]),
            ("solver", schedule.solver.drop(columns=["seconds"])),  # wall time is not shown
        )
    }
    inputs = [
        year,
        of_year,
        registries.catalog[["plan_year", "program_code", "title", "hours"]],
        registries.providers[["provider_code", "name"]],
        registries.provider_licences,
        config,
    ]
    build = partial(_plan_schedule_sheets, schedule, registries, config, year)
    return write_workbook_from(path, inputs, build, title=f"Сводный план-график {year}", sources=SOURCES)


def _plan_schedule_sheets(schedule: Schedule, registries, config, year: int) -> list[SheetSpec]:
    names = {m.code: m.name for m in config.municipalities}
    entries = catalog_entries(registries.catalog)
    provider_names = dict(
        zip(
            registries.providers["provider_code"].tolist(), registries.providers["name"].tolist(), strict=True
        )
    )
    groups = schedule.groups[schedule.groups["plan_year"] == year]
    status = schedule.status[schedule.status["plan_year"] == year].iloc[0]
    rows = []
    columns = ["provider_code", "program_code", "group_code", "place", "start_date", "end_date"]
    for n, (provider, program, code, place, start, end, capacity, listeners, source) in enumerate(
        keys_of(groups, *columns, "capacity", "listeners", "source"), start=1
    ):
        entry = entries.get((year, program), {})
        rows.append(
            [
                n,
                provider_names.get(provider, provider),
                program,
                entry.get("title", ""),
                entry.get("hours", ""),
                code,
                place_name(place, names),
                start,
                end,
                capacity,
                listeners,
                source,
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
    return sheets


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
    orgs = registries.organisations.drop_duplicates("org_code").set_index("org_code")
    members = schedule.members.reset_index(drop=True)
    full_names = person_records(members, registries.staff, registries.staff_archive, list(NAME_PARTS))
    people = pd.concat([members, full_names], axis=1).merge(
        schedule.groups[
            ["plan_year", "group_code", "program_code", "provider_code", "place", "start_date", "end_date"]
        ],
        on=["plan_year", "group_code"],
    )
    people["org_name"] = people["org_code"].map(orgs["name"]) if "name" in orgs else ""
    people["login"] = people["org_code"].map(orgs["login"]) if "login" in orgs else pd.NA
    people["place"] = [place_name(p, names) for p in people["place"].tolist()]
    return people.sort_values(["org_code", "surname", "first_name", "group_code"], kind="stable")


def column_values(series: pd.Series) -> list:
    """series.tolist(), with a date column's few distinct days made into Timestamps once each."""
    if not isinstance(series.dtype, pd.DatetimeTZDtype) and series.dtype.kind != "M":
        return series.tolist()
    codes, days = pd.factorize(series)
    made = [*days, pd.NaT]  # code -1 (missing) takes the last
    return [made[code] for code in codes.tolist()]


def _write_people(reports: Path, people: pd.DataFrame, registries, names: dict[str, str], year: int) -> None:
    """Each municipality's and organisation's listeners; a list whose rows did not change is copied from the
    workbook cache without being built."""
    shown = people[PERSON_COLUMNS]
    logins = people["login"].tolist()

    @cache
    def rows() -> list[list]:  # every person's row, once and only when some list is built
        return [list(row) for row in zip(*(column_values(shown[c]) for c in PERSON_COLUMNS), strict=True)]

    def sheet(positions, title: str) -> list[SheetSpec]:
        every = rows()
        return [
            SheetSpec(
                name="Слушатели",
                header=PERSON_HEADER,
                rows=[every[i] for i in positions],
                title=title,
                intro=["Персональные данные (152-ФЗ): только для служебного пользования.", ""],
                text_columns={0, 1, 2, 3, 4, 5, 6, 7, 8},
                date_columns={9, 10},
            )
        ]

    def write(path: Path, rows_key: str, positions, title: str, workbook_title: str) -> None:
        build = partial(sheet, positions, title)
        write_workbook_from(path, [rows_key, title], build, title=workbook_title, sources=SOURCES)

    for column in ("municipality", "org_code"):
        keys = slice_fingerprints(shown, people[column])
        for code, positions in sorted(shown.groupby(people[column], sort=True).indices.items()):
            if column == "municipality":
                name = names.get(code, code)
                path = reports / "municipalities" / f"{code} {name}" / f"план-график-{year}.xlsx"
                title = f"Педагоги муниципального образования {name} в плане-графике на {year} год"
                write(path, keys[code], positions, title, f"План-график {year}: {name}")
            else:
                login = logins[positions[0]]
                folder = login if isinstance(login, str) else code
                path = reports / "organisations" / folder / f"план-график-{year}.xlsx"
                title = f"Работники организации {code} в плане-графике на {year} год"
                write(path, keys[code], positions, title, f"План-график {year}: {code}")


# --- the providers' pre-filled templates


def write_proposals(out: Path, schedule: Schedule, listeners: pd.DataFrame, registries, config) -> list[Path]:
    """Each provider's groups in force (its own schedule if it sent one, else the proposal) in the schedule
    template, ready to edit, rename «<date> план-график <year>.xlsx» and send back. A provider whose groups,
    listeners and lists did not change gets its file from the workbook cache without a template being built."""
    names = {m.code: m.name for m in config.municipalities}
    kind = KINDS_BY_SLUG["schedule"]
    members = schedule.members.reset_index(drop=True)
    people = person_records(members, registries.staff, registries.staff_archive, [*NAME_PARTS, "birth_year"])
    members = pd.concat([members, people], axis=1)[PROPOSAL_LISTENER_COLUMNS]
    # Each group's listeners' positions, in order, from one grouping (not a Python pass over the region's).
    members_of = members.groupby(["plan_year", "group_code"], sort=False).indices if len(members) else {}
    none = np.array([], dtype=np.intp)
    providers = registries.providers
    logins = dict(zip(providers["provider_code"].tolist(), providers["login"].tolist(), strict=True))
    homes = dict(zip(providers["provider_code"].tolist(), providers["municipality"].tolist(), strict=True))
    # A provider's proposal offers its own programs of the year, not the whole catalog (providers x programs).
    own_programs: dict[tuple, list] = {
        (int(y), provider): sorted(zip(part["program_code"].tolist(), part["title"].tolist(), strict=True))
        for (y, provider), part in registries.catalog.groupby(["plan_year", "provider_code"])
    }
    live = LiveLists(municipalities=list(names.values()), providers=sorted(logins))
    # In a region of more municipalities than an organisation's form lists (a country's), a proposal offers the
    # places its groups meet at and those nearest to its provider; any other may still be typed.
    near = templates.limited_places(config)
    groups = schedule.groups.reset_index(drop=True)

    @cache
    def values() -> tuple[list, list]:  # the columns' values, once and only when some proposal is built
        group_values = [groups[c].tolist() for c in PROPOSAL_GROUP_COLUMNS]
        group_values[2] = [place_name(p, names) for p in group_values[2]]
        return group_values, [members[c].tolist() for c in PROPOSAL_LISTENER_COLUMNS[1:]]

    group_hashes = pd.util.hash_pandas_object(groups[PROPOSAL_GROUP_COLUMNS], index=False).to_numpy()
    listener_hashes = pd.util.hash_pandas_object(members, index=False).to_numpy()
    shared = fingerprint(
        config, live, kind.slug, [str(t) for t in groups.dtypes], [str(t) for t in members.dtypes]
    )
    codes = groups["group_code"].tolist()
    places = groups["place"].tolist()

    def lists_of(year: int, provider: str, positions) -> LiveLists:
        """The lists of one provider's proposal: its programs of the year; the places near it if limited."""
        own = {year: own_programs.get((year, provider), [])}
        if near is None:
            return dataclasses.replace(live, catalog=own)
        wanted = set(near.get(homes.get(provider), [])) | {place_name(places[p], names) for p in positions}
        offered = [name for name in names.values() if name in wanted]
        what = f"места групп, ближайшие к оператору муниципалитеты и «{REMOTE_PLACE}»"
        return dataclasses.replace(live, catalog=own, nearby=templates.Nearby(offered, what))

    def build(lists: LiveLists, positions, listed) -> list[SheetSpec]:
        """The kind's template with the rows under the headers."""
        group_values, listener_values = values()
        rows = {
            "Группы": [[column[p] for column in group_values] for p in positions],
            "Слушатели": [[column[i] for column in listener_values] for i in listed],
        }
        return templates.filled_template_sheets(kind, config, lists, rows)

    written = []
    for (year, provider), positions in sorted(groups.groupby(["plan_year", "provider_code"]).indices.items()):
        login = logins.get(provider)
        if not isinstance(login, str):
            continue
        listed = np.concatenate([none, *(members_of.get((year, codes[p]), none) for p in positions)])
        lists = lists_of(year, provider, positions)
        inputs = [shared, year, provider, login, group_hashes[positions], listener_hashes[listed], lists]
        written.append(
            write_workbook_from(
                out / login / f"план-график {year} (предложение).xlsx",
                inputs,
                partial(build, lists, positions, listed),
                title=kind.title,
                sources=SOURCES + templates.SOURCES,
            )
        )
    return written


PROPOSAL_GROUP_COLUMNS = ["group_code", "program_code", "place", "start_date", "end_date", "capacity", "form"]
PROPOSAL_LISTENER_COLUMNS = [
    "plan_year",
    "group_code",
    "org_code",
    "surname",
    "first_name",
    "patronymic",
    "birth_year",
]
