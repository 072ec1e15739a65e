"""Quarterly monitoring: real execution reports in, plan against fact, late reports, completions into staff."""

import datetime as dt
from pathlib import Path
from types import SimpleNamespace

import openpyxl
import pandas as pd
import pytest

from pipeline.config import load_config
from pipeline.intake.discover import list_input_files
from pipeline.intake.take_in import take_in
from pipeline.monitoring import (
    MISSING,
    NOT_REQUIRED,
    SUBMITTED,
    SUBMITTED_LATE,
    apply_completions,
    looked_up,
    monitor,
    not_trained,
    person_ids,
    planned_groups,
    run_monitoring,
)
from pipeline.registries import Registries, person_id
from pipeline.registries import person_ids as registry_person_ids
from pipeline.run import RunContext
from pipeline.workbooks import SheetSpec, write_workbook
from schemas.columns import columns_of
from schemas.kinds import KINDS_BY_SLUG

D = dt.date
YEAR = 2027
AS_OF = D(2027, 7, 20)  # Q1 and Q2 reports are due (10.04 and 10.07), Q3 is not
CONFIG = load_config(Path("/nonexistent"))
CERT = "удостоверение о повышении квалификации"

PROVIDERS = [  # code, name, login
    ("ИРО", "АУ ДПО ХМАО – Югры «Институт развития образования»", "pk-iro"),
    ("СГУ", "БУ ВО «Сургутский государственный университет»", "pk-sgu"),
    ("ЮГУ", "ФГБОУ ВО «Югорский государственный университет»", "pk-ugu"),
]
PROGRAMS = [("ИРО-015", "ИРО", "Функциональная грамотность", 72), ("СГУ-002", "СГУ", "Цифровая школа", 36),
            ("ЮГУ-001", "ЮГУ", "Наставничество", 16)]  # fmt: skip
ORGS = [("100012", "10", "МБОУ СОШ № 12", "oo-100012"), ("100034", "10", "МБОУ СОШ № 34", "oo-100034"),
        ("050001", "05", "МБОУ СШ № 1", "oo-050001")]  # fmt: skip
PEOPLE = {  # letter -> org, surname, first name, patronymic, birth year, last training year
    "A": ("100012", "Петрова", "Анна", "Сергеевна", 1985, 2022),
    "B": ("100012", "Иванов", "Олег", "Петрович", 1979, 2025),
    "C": ("050001", "Сидорова", "Мария", "Ивановна", 1990, None),
    "D": ("050001", "Кузнецов", "Илья", None, 1988, 2023),
    "E": ("100012", "Орлова", "Нина", "Павловна", 1970, 2024),
    "F": ("100034", "Белова", "Вера", "Олеговна", 1995, 2021),
    "G": ("100034", "Смирнов", "Артём", "Ильич", 1983, 2024),
    "H": ("050001", "Попова", "Ольга", "Юрьевна", 1992, 2023),
    "I": ("100012", "Зайцев", "Павел", "Андреевич", 1986, 2020),
}
GROUPS = {  # code -> planned start, end, members
    "ИРО-015-1": (D(2027, 2, 1), D(2027, 2, 12), "ABC"),
    "ИРО-015-2": (D(2027, 3, 1), D(2027, 3, 12), "DE"),  # moved into Q2, held there
    "ИРО-015-3": (D(2027, 4, 5), D(2027, 4, 16), "F"),  # cancelled
    "СГУ-002-1": (D(2027, 3, 15), D(2027, 3, 26), "GH"),  # reported late
    "ЮГУ-001-1": (D(2027, 5, 17), D(2027, 5, 19), "I"),  # never reported
}
# What each provider reported: file name -> groups sheet rows, listeners sheet rows.
REPORTS = {
    ("pk-iro", "2027-04-08 исполнение 2027 1кв.xlsx"): (
        [("ИРО-015-1", "проведена", D(2027, 2, 1), D(2027, 2, 12), None),
         ("ИРО-015-2", "перенесена", D(2027, 5, 10), D(2027, 5, 21), "болезнь преподавателя")],
        [("ИРО-015-1", "A", "да", "862700100001", D(2027, 2, 12)),
         ("ИРО-015-1", "B", "да", "862700100002", D(2027, 2, 12)),
         ("ИРО-015-1", "C", "нет", None, None)],
    ),
    ("pk-iro", "2027-07-09 исполнение 2027 2кв.xlsx"): (
        [("ИРО-015-2", "проведена", D(2027, 5, 10), D(2027, 5, 21), None),
         ("ИРО-015-3", "отменена", None, None, "группа не набрана")],
        [("ИРО-015-2", "D", "да", "862700100003", D(2027, 5, 21)),
         ("ИРО-015-2", "E", "да", "862700100004", D(2027, 5, 21))],
    ),
    ("pk-sgu", "2027-04-15 исполнение 2027 1кв.xlsx"): (
        [("СГУ-002-1", "проведена", D(2027, 3, 15), D(2027, 3, 26), None)],
        [("СГУ-002-1", "G", "да", "СГУ-2027-1", D(2027, 3, 26)),
         ("СГУ-002-1", "H", "да", "СГУ-2027-2", D(2027, 3, 26))],
    ),
}  # fmt: skip


def _headers(sheet_name: str) -> list[str]:
    sheet = next(s for k in KINDS_BY_SLUG.values() for s in k.sheets if s.name == sheet_name)
    return [c.header for c in columns_of(sheet.model)], [c.name for c in columns_of(sheet.model)]


def _put(root: Path, login: str, name: str, slug: str, rows_by_sheet: dict[str, list[dict]]) -> None:
    """A submission as an operator writes it: the kind's sheets, schema headers in row 1."""
    specs = []
    for sheet in KINDS_BY_SLUG[slug].sheets:
        headers, names = _headers(sheet.name)
        rows = [[row.get(n) for n in names] for row in rows_by_sheet.get(sheet.name, [])]
        specs.append(SheetSpec(sheet.title, headers, rows))
    write_workbook(root / login / name, specs)


def _person(letter: str) -> dict:
    org, surname, first, patronymic, birth, _ = PEOPLE[letter]
    return {
        "org_code": org,
        "surname": surname,
        "first_name": first,
        "patronymic": patronymic,
        "birth_year": birth,
    }


def _pid(letter: str) -> str:
    _, surname, first, patronymic, birth, _ = PEOPLE[letter]
    return person_id(surname, first, patronymic, birth)


def write_inputs(root: Path, reports: dict) -> Path:
    example = {c.name: c.example for c in columns_of(KINDS_BY_SLUG["providers"].sheets[0].model)}
    providers = [example | {"provider_code": c, "name": n, "login": login} for c, n, login in PROVIDERS]
    _put(root, "iro", "2026-01-15 операторы пк.xlsx", "providers", {"providers": providers})
    for (login, name), (groups, listeners) in reports.items():
        _put(root, login, name, "execution", {
            "execution_groups": [dict(zip(["group_code", "status", "actual_start", "actual_end", "comment"], g,
                                          strict=True)) for g in groups],
            "execution_listeners": [{"group_code": g, **_person(who), "completed": done,
                                     "certificate_type": CERT if number else None, "certificate_number": number,
                                     "certificate_date": day} for g, who, done, number, day in listeners],
        })  # fmt: skip
    return root


def registries() -> Registries:
    staff = pd.DataFrame(
        [
            {"person_id": _pid(k), "org_code": org, "municipality": ORGS_BY_CODE[org][1], "surname": s,
             "first_name": f, "patronymic": p, "birth_year": b, "position": "учитель",
             "last_training_year": last, "courses_taken": "Старый курс (36 ч, 2022)" if k == "A" else None}
            for k, (org, s, f, p, b, last) in PEOPLE.items()
        ]
    )  # fmt: skip
    staff["last_training_year"] = staff["last_training_year"].astype("Int64")
    programs = pd.DataFrame(PROGRAMS, columns=["program_code", "provider_code", "title", "hours"])
    catalog = programs.assign(plan_year=YEAR)
    empty = pd.DataFrame()
    return Registries(
        municipalities=empty,
        municipal_operators=empty,
        providers=pd.DataFrame(PROVIDERS, columns=["provider_code", "name", "login"]),
        provider_licences=empty,
        organisations=pd.DataFrame(ORGS, columns=["org_code", "municipality", "name", "login"]),
        staff=staff,
        staff_archive=empty,
        programs=programs,
        catalog=catalog,
        applications=empty,
    )


ORGS_BY_CODE = {o[0]: o for o in ORGS}


def schedule() -> SimpleNamespace:
    groups = pd.DataFrame(
        [
            {"plan_year": YEAR, "group_code": code, "program_code": code.rsplit("-", 1)[0],
             "provider_code": code.split("-")[0], "place": "10", "start_date": pd.Timestamp(start),
             "end_date": pd.Timestamp(end), "capacity": 25, "form": "очная", "listeners": len(who),
             "source": "оператор ПК"}
            for code, (start, end, who) in GROUPS.items()
        ]
    )  # fmt: skip
    members = pd.DataFrame(
        [
            {"plan_year": YEAR, "group_code": code, "application_id": f"{YEAR}-{_pid(k)}-{code[:-2]}",
             "person_id": _pid(k), "org_code": PEOPLE[k][0], "municipality": ORGS_BY_CODE[PEOPLE[k][0]][1],
             "travel_km": 0.0}
            for code, (_, _, who) in GROUPS.items() for k in who
        ]
    )  # fmt: skip
    groups["plan_year"] = groups["plan_year"].astype("Int64")
    members["plan_year"] = members["plan_year"].astype("Int64")
    return SimpleNamespace(groups=groups, members=members)


def run_region(tmp_path: Path, reports: dict = REPORTS):
    inputs = write_inputs(tmp_path / "inputs", reports)
    intake = take_in(list_input_files(inputs), inputs, CONFIG)
    regs, plan = registries(), schedule()
    groups = planned_groups(plan.groups, regs.catalog, regs.programs)
    result = monitor(
        intake, groups, plan.members, regs.staff, regs.staff_archive, regs.providers, CONFIG, AS_OF
    )
    return intake, result


def expected_figures(reports: dict) -> pd.DataFrame:
    """Plan against fact per provider and planned quarter, recomputed straight from the rows written."""
    final: dict[str, tuple] = {}
    trained: set[tuple[str, str]] = set()
    moved: set[str] = set()
    for (_, name), (groups, listeners) in sorted(reports.items(), key=lambda item: item[0][1].split()[-1]):
        quarter = int(name.split()[-1][0])
        for code, status, _, end, _ in groups:
            final[code] = (status, end, quarter)
            moved |= {code} if status == "перенесена" else set()
        for code, who, done, _, _ in listeners:
            (trained.add if done == "да" else trained.discard)((code, who))
    hours = {p[0]: p[3] for p in PROGRAMS}
    rows = []
    for code, (_, end, who) in GROUPS.items():
        status, actual_end, reported_in = final.get(code, (None, None, None))
        held = status == "проведена" or (
            status == "перенесена" and (actual_end.month - 1) // 3 + 1 == reported_in
        )
        rows.append(
            {
                "quarter": (end.month - 1) // 3 + 1,
                "provider_code": code.split("-")[0],
                "groups_planned": 1,
                "groups_held": int(held),
                "groups_moved": int(code in moved),
                "groups_cancelled": int(status == "отменена"),
                "listeners_planned": len(who),
                "listeners_trained": sum((code, k) in trained for k in who),
                "person_hours": sum((code, k) in trained for k in who) * hours[code.rsplit("-", 1)[0]],
            }
        )
    table = pd.DataFrame(rows).groupby(["quarter", "provider_code"], as_index=False).sum()
    table["completion_rate"] = (table["listeners_trained"] / table["listeners_planned"]).round(4)
    return table


def test_plan_fact_reconciles_with_the_reports(tmp_path):
    intake, result = run_region(tmp_path)
    assert not [i for i in intake.log.rows if i["severity"] == "ошибка"], intake.log.rows
    got = result.plan_fact["provider"]
    assert (got["plan_year"] == YEAR).all()
    got = got.drop(columns="plan_year").astype({"quarter": int})
    want = expected_figures(REPORTS)
    pd.testing.assert_frame_equal(
        got.sort_values(["quarter", "provider_code"]).reset_index(drop=True),
        want[got.columns].sort_values(["quarter", "provider_code"]).reset_index(drop=True),
        check_dtype=False,
    )
    iro_q1 = got[(got["provider_code"] == "ИРО") & (got["quarter"] == 1)].iloc[0]
    assert (iro_q1["groups_held"], iro_q1["groups_moved"], iro_q1["listeners_trained"]) == (2, 1, 4)
    assert iro_q1["person_hours"] == 4 * 72 and iro_q1["completion_rate"] == 0.8
    # Every cut adds up to the same totals.
    totals = result.plan_fact["summary"][["listeners_planned", "listeners_trained", "person_hours"]].sum()
    for cut in ("provider", "program", "municipality", "organisation"):
        assert result.plan_fact[cut][totals.index].sum().equals(totals), cut
    by_org = result.plan_fact["organisation"].set_index(["quarter", "org_code"])
    assert by_org.loc[(1, "050001"), "listeners_planned"] == 3  # C, D, H
    assert by_org.loc[(1, "050001"), "listeners_trained"] == 2  # D, H


def test_latest_report_wins_for_a_moved_group(tmp_path):
    _, result = run_region(tmp_path)
    moved = result.outcomes.set_index("group_code").loc["ИРО-015-2"]
    assert moved["status"] == "проведена" and moved["quarter"] == 2 and moved["planned_quarter"] == 1
    assert moved["moved"] and moved["held"]


def test_report_status_flags_missing_and_late(tmp_path):
    _, result = run_region(tmp_path)
    status = result.report_status.set_index(["provider_code", "quarter"])["status"]
    assert status[("ИРО", 1)] == SUBMITTED and status[("ИРО", 2)] == SUBMITTED
    assert status[("СГУ", 1)] == SUBMITTED_LATE and status[("СГУ", 2)] == NOT_REQUIRED
    assert status[("ЮГУ", 1)] == NOT_REQUIRED and status[("ЮГУ", 2)] == MISSING
    assert 3 not in result.report_status["quarter"].tolist()  # not due on 20.07
    late = set(zip(result.late_reports["provider_code"], result.late_reports["quarter"], strict=True))
    assert late == {("СГУ", 1), ("ЮГУ", 2)}


def test_completion_updates_staff_and_leaves_the_overdue_list(tmp_path):
    _, result = run_region(tmp_path)
    regs = registries()
    interval = CONFIG.training_interval_years
    next_year = YEAR + 1

    def overdue(staff: pd.DataFrame) -> set[str]:
        last = staff["last_training_year"]
        return set(staff.loc[last.isna() | (last < next_year - interval), "person_id"])

    assert _pid("A") in overdue(regs.staff)
    updated = apply_completions(regs.staff, result.completions)
    a = updated.set_index("person_id").loc[_pid("A")]
    assert a["last_training_year"] == 2027
    assert a["courses_taken"] == "Старый курс (36 ч, 2022); Функциональная грамотность (72 ч, 2027)"
    assert _pid("A") not in overdue(updated)
    assert _pid("C") in overdue(updated)  # did not complete
    assert _pid("I") in overdue(updated)  # the group was never reported on
    # Applying the same completions twice changes nothing.
    assert apply_completions(updated, result.completions).equals(updated)


DEFECTS = {
    **REPORTS,
    ("pk-iro", "2027-07-09 исполнение 2027 2кв.xlsx"): (
        [("ИРО-015-2", "проведена", D(2027, 5, 10), D(2027, 5, 21), None),
         ("ИРО-015-3", "отменена", None, None, "группа не набрана"),
         ("ИРО-015-9", "проведена", D(2027, 5, 10), D(2027, 5, 21), None)],
        [("ИРО-015-2", "D", "да", "862700100003", D(2027, 5, 21)),
         ("ИРО-015-2", "E", "да", "862700100001", D(2027, 5, 21)),  # A's number again
         ("ИРО-015-2", "G", "да", "862700100005", D(2027, 5, 21)),  # G is not in this group
         ("ИРО-015-3", "F", "да", "862700100006", D(2027, 4, 16)),  # the group was cancelled
         ("ИРО-015-1", "C", "да", "862700100007", D(2027, 1, 20))],  # before the group started
    ),
}  # fmt: skip


def test_defective_rows_are_refused_with_their_cells(tmp_path):
    intake, result = run_region(tmp_path, DEFECTS)
    ours = {
        (i["code"], i["cell"])
        for i in intake.log.rows
        if i["file"] == "pk-iro/2027-07-09 исполнение 2027 2кв.xlsx" and i["severity"] == "ошибка"
    }
    assert ours == {
        ("unknown_group", "A4"),
        ("certificate_duplicate", "I3"),
        ("listener_not_in_group", "A4"),
        ("completion_in_cancelled_group", "G5"),
        ("certificate_date_invalid", "J6"),
    }
    counts = intake.counts["pk-iro/2027-07-09 исполнение 2027 2кв.xlsx"]
    assert counts.refused == 5
    done = result.completions
    assert set(done.loc[done["completed"] == "да", "certificate_number"]) == {
        "862700100001", "862700100002", "862700100003", "СГУ-2027-1", "СГУ-2027-2",
    }  # fmt: skip
    # C's refused Q2 completion leaves the Q1 «нет» in force.
    c = done.set_index(["group_code", "person_id"]).loc[("ИРО-015-1", _pid("C"))]
    assert c["completed"] == "нет"


def test_certificate_in_the_future_is_refused(tmp_path):
    reports = dict(REPORTS)
    groups, listeners = reports[("pk-sgu", "2027-04-15 исполнение 2027 1кв.xlsx")]
    listeners = [(*row[:4], D(2027, 8, 1)) if row[1] == "H" else row for row in listeners]
    reports[("pk-sgu", "2027-04-15 исполнение 2027 1кв.xlsx")] = (groups, listeners)
    intake, _ = run_region(tmp_path, reports)
    refused = [i for i in intake.log.rows if i["code"] == "certificate_date_invalid"]
    assert [(i["cell"], i["value"]) for i in refused] == [("J3", "01.08.2027")]
    assert "по 20.07.2027" in refused[0]["message"]


@pytest.fixture
def stage_run(tmp_path):
    inputs = write_inputs(tmp_path / "inputs", REPORTS)
    intake = take_in(list_input_files(inputs), inputs, CONFIG)
    ctx = RunContext(CONFIG, inputs, tmp_path / "reports", tmp_path / "site", AS_OF, build_site=False)
    state = {"intake": intake, "registries": registries(), "schedule": schedule()}
    return ctx, state, run_monitoring(ctx, state)


def test_stage_writes_reports_and_replaces_staff(stage_run):
    ctx, state, added = stage_run
    assert sorted(p.name for p in ctx.reports.glob("monitoring-*.xlsx")) == [
        "monitoring-2027-Q1.xlsx",
        "monitoring-2027-Q2.xlsx",
    ]
    book = openpyxl.load_workbook(ctx.reports / "monitoring-2027-Q2.xlsx")
    assert book.sheetnames == [
        "Сводка", "По операторам ПК", "По программам", "По муниципалитетам", "По организациям",
        "Отчёты операторов",
    ]  # fmt: skip
    summary = [[c.value for c in row] for row in book["Сводка"].iter_rows(min_row=3)]
    header = [c.value for c in book["Сводка"][2]]
    total = dict(zip(header, summary[-1], strict=True))
    assert total["Квартал"] == "Итого"
    assert total["Слушателей по плану"] == 9 and total["Обучено (завершили)"] == 6
    statuses = {(r[0].value, r[1].value): r[-1].value for r in book["Отчёты операторов"].iter_rows(min_row=3)}
    assert statuses[("II квартал", "ЮГУ")] == MISSING
    staff = added["registries"].staff.set_index("person_id")
    assert staff.loc[_pid("D"), "last_training_year"] == 2027
    assert state["registries"].staff.set_index("person_id").loc[_pid("D"), "last_training_year"] == 2023


def test_organisations_get_their_staff_not_trained(stage_run):
    ctx, _, _ = stage_run
    folder = ctx.reports / "organisations"
    files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))
    assert files == [
        "oo-050001", "oo-050001/не обучены-2027.xlsx", "oo-100034", "oo-100034/не обучены-2027.xlsx",
    ]  # fmt: skip
    rows = list(
        openpyxl.load_workbook(ctx.reports / "organisations/oo-100034/не обучены-2027.xlsx").active.values
    )
    header, data = rows[1], rows[2:]
    assert [dict(zip(header, r, strict=True))["Фамилия"] for r in data] == ["Белова"]
    assert dict(zip(header, data[0], strict=True))["Причина"] == "группа отменена"


def test_public_frames_hold_counts_only(stage_run):
    _, _, added = stage_run
    frames = added["public"][YEAR]
    assert set(frames) == {"monitoring", "monitoring_municipality", "report_status"}
    personal = {"surname", "first_name", "patronymic", "birth_year", "person_id", "org_code"}
    for name, frame in frames.items():
        assert not personal & set(frame.columns), name
    by_municipality = frames["monitoring_municipality"].set_index(["quarter", "municipality"])
    assert by_municipality.loc[(1, "05"), "listeners_planned"] == 3
    assert by_municipality.loc[(1, "05"), "municipality_name"] == CONFIG.municipality_by_code["05"].name


def test_reports_are_byte_identical(tmp_path):
    outputs = []
    for run in ("one", "two"):
        inputs = write_inputs(tmp_path / run / "inputs", REPORTS)
        intake = take_in(list_input_files(inputs), inputs, CONFIG)
        ctx = RunContext(
            CONFIG, inputs, tmp_path / run / "reports", tmp_path / "site", AS_OF, build_site=False
        )
        run_monitoring(ctx, {"intake": intake, "registries": registries(), "schedule": schedule()})
        outputs.append({p.relative_to(ctx.reports): p.read_bytes() for p in ctx.reports.rglob("*.xlsx")})
    assert outputs[0] == outputs[1] and outputs[0]


def test_a_quarters_workbook_is_built_again_only_when_its_own_rows_change(stage_run, tmp_path, monkeypatch):
    """The workbook of quarters I..n of a plan year is keyed by the rows it shows: figures of another plan year
    (a teacher who left had applied for the next one) leave it in the workbook cache; a figure of quarter II
    makes the I–II workbook again and leaves the I one."""
    import dataclasses

    import pipeline.monitoring_reports as monitoring_reports

    ctx, _, added = stage_run
    monkeypatch.setenv("ASUPK_WORKBOOK_CACHE", str(tmp_path / "workbooks"))
    built = []
    real = monitoring_reports.quarterly_workbook
    monkeypatch.setattr(monitoring_reports, "quarterly_workbook", lambda *a: built.append(a[3:5]) or real(*a))
    monitoring, registries_after = added["monitoring"], added["registries"]
    monitoring_reports.write_reports(ctx, monitoring, registries_after)
    assert built == [(YEAR, 1), (YEAR, 2)]
    built.clear()
    next_year = {
        cut: pd.concat([frame, frame.assign(plan_year=frame["plan_year"] + 1)], ignore_index=True)
        for cut, frame in monitoring.plan_fact.items()
    }
    monitoring_reports.write_reports(
        ctx, dataclasses.replace(monitoring, plan_fact=next_year), registries_after
    )
    assert built == []
    summary = monitoring.plan_fact["summary"].copy()
    second = (summary["plan_year"] == YEAR) & (summary["quarter"] == 2)
    assert second.any()
    summary.loc[second, "listeners_trained"] += 1
    bumped = dataclasses.replace(monitoring, plan_fact={**monitoring.plan_fact, "summary": summary})
    monitoring_reports.write_reports(ctx, bumped, registries_after)
    assert built == [(YEAR, 2)]


# --- the demo region's finished plan year, recomputed from the files themselves


def _sheet_rows(path: Path, sheet_name: str) -> list[dict]:
    """A sheet's data rows keyed by column name, read with openpyxl (not by the intake under test)."""
    sheet = next(s for k in KINDS_BY_SLUG.values() for s in k.sheets if s.name == sheet_name)
    names = {c.header: c.name for c in columns_of(sheet.model)}
    rows = list(openpyxl.load_workbook(path, read_only=True)[sheet.title].iter_rows(values_only=True))
    header = [names.get(h) for h in rows[0]]
    return [dict(zip(header, row, strict=False)) for row in rows[1:] if any(v is not None for v in row)]


def _demo_expected(inputs: Path, year: int) -> pd.DataFrame:
    hours, planned, members, reports = {}, {}, {}, []
    for path in sorted(inputs.glob("*/* программы.xlsx")):  # later snapshots overwrite earlier ones
        hours |= {r["program_code"]: int(r["hours"]) for r in _sheet_rows(path, "programs")}
    for path in sorted(inputs.glob(f"*/* план-график {year}.xlsx")):
        for r in _sheet_rows(path, "schedule_groups"):
            planned[r["group_code"]] = ((r["end_date"].month - 1) // 3 + 1, r["group_code"].split("-")[0])
        for r in _sheet_rows(path, "schedule_listeners"):
            members.setdefault(r["group_code"], []).append(r)
    for path in sorted(inputs.glob(f"*/* исполнение {year} *кв.xlsx")):
        reports.append((int(path.stem.split()[-1][0]), path.name[:10], path))
    status, held, moved, trained = {}, {}, set(), {}
    for quarter, _, path in sorted(reports):
        for r in _sheet_rows(path, "execution_groups"):
            status[r["group_code"]] = r["status"]
            ended_here = r["actual_end"] is not None and (r["actual_end"].month - 1) // 3 + 1 == quarter
            held[r["group_code"]] = r["status"] == "проведена" or (r["status"] == "перенесена" and ended_here)
            moved |= {r["group_code"]} if r["status"] == "перенесена" else set()
        for r in _sheet_rows(path, "execution_listeners"):
            who = (
                r["group_code"],
                r["org_code"],
                r["surname"],
                r["first_name"],
                r["patronymic"],
                r["birth_year"],
            )
            trained[who] = r["completed"] == "да"
    rows = []
    for code, (quarter, provider) in planned.items():
        done = sum(trained.get((code, m["org_code"], m["surname"], m["first_name"], m["patronymic"],
                                m["birth_year"]), False) for m in members.get(code, []))  # fmt: skip
        rows.append({"quarter": quarter, "provider_code": provider, "groups_planned": 1,
                     "groups_held": int(held.get(code, False)), "groups_moved": int(code in moved),
                     "groups_cancelled": int(status.get(code) == "отменена"),
                     "listeners_planned": len(members.get(code, [])), "listeners_trained": done,
                     "person_hours": done * hours[code.rsplit("-", 1)[0]]})  # fmt: skip
    return pd.DataFrame(rows).groupby(["quarter", "provider_code"], as_index=False).sum()


@pytest.fixture(scope="module")
def demo_region(tmp_path_factory):
    from pipeline.demo import generate_demo
    from pipeline.demo.generate import TODAY
    from pipeline.registries import build_registries, person_ids

    inputs = tmp_path_factory.mktemp("demo")
    generate_demo("demo", 86, inputs)
    config = load_config(inputs)
    intake = take_in(list_input_files(inputs), inputs, config)
    regs = build_registries(intake, config)
    # The plan-schedule as the providers submitted it (the schedule stage's "оператор ПК" groups).
    groups = intake.records["schedule_groups"].copy()
    groups["provider_code"] = groups["program_code"].map(
        regs.programs.set_index("program_code")["provider_code"]
    )
    members = intake.records["schedule_listeners"].copy()
    members["person_id"] = person_ids(members)
    members["municipality"] = members["org_code"].map(
        regs.organisations.set_index("org_code")["municipality"]
    )
    planned = planned_groups(groups, regs.catalog, regs.programs)
    result = monitor(intake, planned, members, regs.staff, regs.staff_archive, regs.providers, config, TODAY)
    return inputs, intake, result


def test_demo_finished_year_reconciles_with_its_files(demo_region):
    inputs, intake, result = demo_region
    year = 2025
    assert not [i for i in intake.log.rows if i["kind"] == "execution" and i["severity"] == "ошибка"]
    want = _demo_expected(inputs, year)
    got = result.plan_fact["provider"]
    got = got[got["plan_year"] == year].astype({"quarter": int})[want.columns]
    pd.testing.assert_frame_equal(
        got.sort_values(["quarter", "provider_code"]).reset_index(drop=True),
        want.sort_values(["quarter", "provider_code"]).reset_index(drop=True),
        check_dtype=False,
    )
    assert want["listeners_trained"].sum() > 100  # the year really was carried out
    finished = result.report_status[result.report_status["plan_year"] == year]
    assert sorted(set(finished["quarter"])) == [1, 2, 3, 4]


def test_without_any_report_every_planned_quarter_is_missing(tmp_path):
    inputs = write_inputs(tmp_path / "inputs", {})
    intake = take_in(list_input_files(inputs), inputs, CONFIG)
    ctx = RunContext(
        CONFIG, inputs, tmp_path / "reports", tmp_path / "site", D(2027, 12, 1), build_site=False
    )
    added = run_monitoring(ctx, {"intake": intake, "registries": registries(), "schedule": schedule()})
    status = added["monitoring"].report_status
    gone = status[status["status"] == MISSING]
    missing = set(zip(gone["provider_code"], gone["quarter"], strict=True))
    assert missing == {("ИРО", 1), ("ИРО", 2), ("СГУ", 1), ("ЮГУ", 2)}
    assert added["monitoring"].plan_fact["summary"]["listeners_trained"].sum() == 0
    assert added["monitoring"].not_trained.empty  # nothing known to be held or cancelled yet
    assert sorted(p.name for p in ctx.reports.glob("*.xlsx")) == [
        f"monitoring-2027-Q{q}.xlsx" for q in (1, 2, 3)
    ]
    empty = SimpleNamespace(groups=schedule().groups.iloc[0:0], members=schedule().members.iloc[0:0])
    nothing = run_monitoring(ctx, {"intake": intake, "registries": registries(), "schedule": empty})
    assert nothing["monitoring"].report_status.empty and nothing["public"] == {}


def test_lookup_by_key_gives_what_a_lookup_per_row_gives():
    table = pd.DataFrame(
        {"plan_year": pd.array([2026, 2027, 2027], dtype="Int64"), "group_code": ["А-1", "А-1", "Б-2"]}
    ).assign(status=["проведена", pd.NA, "отменена"])
    table = table.set_index(["plan_year", "group_code"])["status"]
    rows = pd.DataFrame(
        {
            "plan_year": pd.array([2027, 2026, 2025, pd.NA], dtype="Int64"),
            "group_code": ["Б-2", "А-1", "А-1", "А-1"],
        }
    )
    found = looked_up(table, rows["plan_year"], rows["group_code"])
    assert list(found) == ["отменена", "проведена", None, None]
    assert list(looked_up(table.iloc[:0], rows["plan_year"], rows["group_code"])) == [None] * 4
    repeated = pd.Series(["первый", "второй"], index=["к", "к"])
    assert list(looked_up(repeated, pd.Series(["к", "м"]))) == ["второй", None]


def test_listener_ids_are_the_registry_ids_computed_or_recalled(monkeypatch, tmp_path):
    monkeypatch.setenv("ASUPK_MEMO_CACHE", str(tmp_path / "memo"))
    listeners = pd.DataFrame(
        {
            "surname": ["Ёлкина", "  елкина ", "Петров-Водкин", "Петров - водкин"],
            "first_name": ["Анна", "анна", "Кузьма", "Кузьма"],
            "patronymic": ["Сергеевна", "Сергеевна", None, None],
            "birth_year": pd.array([1980, 1980, pd.NA, pd.NA], dtype="Int64"),
        },
        index=[5, 6, 7, 9],
    )
    expected = registry_person_ids(listeners)
    for _ in range(2):  # computed, then from the memo
        ids = person_ids(listeners)
        pd.testing.assert_series_equal(ids, expected)
    assert ids[5] == ids[6] and ids[7] == ids[9] and ids[5] != ids[7]
    assert list(tmp_path.joinpath("memo").rglob("*.pickle"))


def test_a_rerun_recalls_the_figures_and_refuses_the_same_rows(tmp_path, monkeypatch):
    """monitor() kept in the memo: a second run on the same files works nothing out again, yet refuses the
    same rows with the same messages and counts, and gives the figures of a run without memo."""
    import dataclasses

    import pipeline.monitoring as monitoring

    monkeypatch.setenv("ASUPK_MEMO_CACHE", "off")
    cold_intake, cold = run_region(tmp_path / "cold", DEFECTS)
    monkeypatch.setenv("ASUPK_MEMO_CACHE", str(tmp_path / "memo"))
    run_region(tmp_path / "first", DEFECTS)
    computed = []
    real = monitoring._monitor
    monkeypatch.setattr(monitoring, "_monitor", lambda *arguments: computed.append(1) or real(*arguments))
    warm_intake, warm = run_region(tmp_path / "again", DEFECTS)  # another folder: a copy of the inputs
    assert computed == []
    assert warm_intake.log.rows == cold_intake.log.rows
    assert warm_intake.counts == cold_intake.counts
    for name in ("execution_groups", "execution_listeners"):
        pd.testing.assert_frame_equal(warm_intake.records[name], cold_intake.records[name])
    for field in dataclasses.fields(cold):
        left, right = getattr(warm, field.name), getattr(cold, field.name)
        for part in left if isinstance(left, dict) else [None]:
            pd.testing.assert_frame_equal(
                left[part] if part else left, right[part] if part else right, check_exact=True
            )
    assert any(issue["code"] == "unknown_group" for issue in warm_intake.log.rows)
    fewer = dict(list(DEFECTS.items())[1:])
    run_region(tmp_path / "fewer", fewer)
    assert computed == [1]  # one report fewer: worked out again


def test_the_figures_key_reads_the_execution_reports_only(tmp_path):
    """report_status reads the providers' quarterly reports and their counts: a school's new staff list, with
    counts of its own, leaves the kept figures' key as it was; another report's counts change it."""
    import dataclasses
    from types import SimpleNamespace

    from pipeline.monitoring import _files_read
    from schemas.kinds import KINDS_BY_SLUG

    intake, _ = run_region(tmp_path, REPORTS)
    report = next(s for s in intake.submissions if s.kind.slug == "execution")
    staff_file = "2027-09-01 работники.xlsx"
    staff = dataclasses.replace(
        report,
        kind=KINDS_BY_SLUG["staff"],
        path=report.path.with_name(staff_file),
        name=f"{report.login}/{staff_file}",
        quarter=None,
    )
    counts = dict(intake.counts, **{staff.name: dataclasses.replace(intake.counts[report.name], rows_in=7)})
    with_staff = SimpleNamespace(submissions=[*intake.submissions, staff], counts=counts)
    assert _files_read(with_staff) == _files_read(intake)
    more = dict(intake.counts, **{report.name: dataclasses.replace(intake.counts[report.name], rows_in=99)})
    assert _files_read(SimpleNamespace(submissions=intake.submissions, counts=more)) != _files_read(intake)


def test_not_trained_names_one_who_left_from_the_archive():
    """A teacher placed in a group that was cancelled, who has left her school since, is listed with the name
    and position of her latest archived record; one on the staff with her staff row."""
    key = {"plan_year": pd.array([2027, 2027], dtype="Int64"), "group_code": ["ИРО-001-1", "ИРО-001-1"]}
    members = pd.DataFrame(key | {"person_id": ["Pstays", "Pleft"], "org_code": ["100001", "100001"]})
    outcomes = pd.DataFrame(
        {"plan_year": pd.array([2027], dtype="Int64"), "group_code": ["ИРО-001-1"]}
        | {"held": [False], "cancelled": [True], "program_code": ["ИРО-001"], "provider_code": ["ИРО"]}
    )
    completions = pd.DataFrame(columns=["plan_year", "group_code", "person_id", "completed"])
    person = {"org_code": ["100001"], "first_name": ["Анна"], "patronymic": ["Ивановна"]}
    staff = pd.DataFrame(person | {"person_id": ["Pstays"], "surname": ["Белова"], "position": ["учитель"]})
    archive = pd.DataFrame(
        {"person_id": ["Pleft", "Pleft"], "org_code": ["100001", "100001"], "first_name": ["Анна", "Анна"]}
        | {"surname": ["Ушла-раньше", "Ушла"], "patronymic": ["Петровна", "Петровна"]}
        | {"position": ["воспитатель", "учитель"]}
        | {"archived_on": pd.to_datetime(["2026-01-10", "2026-11-02"])}
    )
    listed = not_trained(members, outcomes, completions, staff, archive)
    assert listed[["person_id", "surname", "position", "reason"]].values.tolist() == [
        ["Pstays", "Белова", "учитель", "группа отменена"],
        ["Pleft", "Ушла", "учитель", "группа отменена"],
    ]
