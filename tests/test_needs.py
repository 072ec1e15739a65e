"""The needs analysis: who is due for ПК, uncovered topics, demand against capacity, recomputed independently."""

import math

import openpyxl
import pandas as pd
import pytest
from intake_cases import STAFF
from registry_region import STAGES, registry_region, run_region

from pipeline.needs import content_stems, covers, demand_and_capacity, last_training, staff_needs
from schemas.columns import columns_of
from schemas.kinds import KINDS_BY_SLUG

SHEETS = [
    "Сводка",
    "По должностям",
    "По муниципалитетам",
    "По организациям",
    "Темы без программ",
    "Спрос и ёмкость",
]


@pytest.fixture(scope="module")
def region(tmp_path_factory):
    root = tmp_path_factory.mktemp("needs")
    registry_region(root / "inputs")
    state = run_region(root / "inputs", root / "reports", STAGES)
    return state, root / "reports"


def _sheet(path, name) -> list[tuple]:
    book = openpyxl.load_workbook(path, read_only=True)
    return [tuple(row) for row in book[name].iter_rows(values_only=True)]


def test_topic_matching_uses_russian_stems():
    topic = content_stems("Цифровые инструменты на уроках математики")
    assert covers(topic, content_stems("Цифровой инструмент учителя математики"))
    assert not covers(topic, content_stems("Функциональная грамотность: математическая и читательская"))
    assert covers(content_stems("Робототехника"), content_stems("Основы робототехники в школе"))
    assert not covers(frozenset(), content_stems("что угодно"))


def test_workbook_has_the_sheets_and_figures_recomputed_from_the_files(region):
    state, reports = region
    path = reports / "needs-2027.xlsx"
    assert openpyxl.load_workbook(path, read_only=True).sheetnames == SHEETS
    # Independently: the staff rows as written into the operators' files (tests/registry_region.py).
    names = [c.name for c in columns_of(KINDS_BY_SLUG["staff"].main_sheet.model)]
    written = {
        ("100012", "Сидоров", 2025),
        ("100012", "Ершова", None),
        ("100013", "Петрова", dict(zip(names, STAFF[0], strict=True))["last_training_year"]),
        ("100013", "Петрава", 2023),
        ("100013", "Сидоров", 2020),
    }
    due = {(org, name) for org, name, year in written if year is None or year < 2027 - 3}
    assert due == {("100012", "Ершова"), ("100013", "Петрова"), ("100013", "Петрава"), ("100013", "Сидоров")}
    applied = {("100012", "Сидоров"), ("100013", "Петрова")}  # Петрова's 100012 application is archived
    summary = dict(_sheet(path, "Сводка")[1:])
    assert summary["Педагогических работников"] == len(written)
    assert summary["Прошли ПК более 3 лет назад или не проходили"] == len(due)
    assert summary["Подали заявки (работников)"] == len(applied)
    assert summary["Доля подавших заявки"] == round(len(applied) / len(written), 3)
    assert summary["Заявок"] == 3
    by_org = {row[0]: row for row in _sheet(path, "По организациям")[1:]}
    assert by_org["100012"][3:6] == (2, 1, 1) and by_org["100013"][3:6] == (3, 3, 1)
    by_muni = {row[0]: row for row in _sheet(path, "По муниципалитетам")[1:]}
    assert len(by_muni) == 22 and by_muni["10"][2:7] == (2, 5, 4, 2, 3)
    topics = [row[0] for row in _sheet(path, "Темы без программ")[1:]]
    assert "Робототехника и конструирование" in topics
    assert "Сопровождение детей с ОВЗ в инклюзивном образовании" not in topics  # ИРО-002 covers it
    demand = {row[0]: row for row in _sheet(path, "Спрос и ёмкость")[1:]}
    assert demand["ИРО-002"][3:8] == (2, 1, 1, "оценка", 2)


def test_public_aggregates_hold_counts_only(region):
    state, _ = region
    public = state["public"][2027]
    stats = public["municipality_stats"].set_index("municipality_code")
    assert stats.loc["10", ["organisations", "staff", "due", "applied", "applications"]].tolist() == [
        2,
        5,
        4,
        2,
        3,
    ]
    for frame in public.values():
        assert not {"surname", "first_name", "patronymic", "birth_year", "person_id"} & set(frame.columns)


def test_completions_seen_by_monitoring_count_as_training(region):
    state, _ = region
    reg = state["registries"]
    ershova = reg.staff[reg.staff["surname"] == "Ершова"].iloc[0]
    completions = pd.DataFrame(
        {
            "plan_year": [2026],
            "person_id": [ershova["person_id"]],
            "org_code": [ershova["org_code"]],
            "completed": [True],
            "certificate_date": [pd.Timestamp("2026-04-10")],
        }
    )
    assert last_training(reg.staff, completions)[reg.staff["surname"] == "Ершова"].tolist() == [2026.0]
    before = staff_needs(reg, 2027, 3)["overdue"].sum()
    after = staff_needs(reg, 2027, 3, completions)["overdue"].sum()
    assert after == before - 1


def test_capacity_counts_the_groups_the_schedule_planned(region):
    state, _ = region
    groups = pd.DataFrame({"plan_year": [2027, 2027], "program_code": ["ИРО-001", "ИРО-001"]})
    demand = demand_and_capacity(state["registries"], 2027, groups).set_index("program_code")
    assert demand.loc["ИРО-001", ["groups", "capacity"]].tolist() == [2, 50]
    assert demand.loc["ИРО-002", ["groups", "capacity", "unmet"]].tolist() == [0, 0, 1]
    assert demand.loc["ИРО-002", "groups_source"] == "план-график"
    assert math.isclose(demand["applications"].sum(), 3)
