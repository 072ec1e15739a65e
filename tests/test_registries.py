"""The merged registries: stable identities, the archive, application refusals cell by cell, reconciliation."""

import itertools
import re
import sqlite3

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from registry_region import EXPECTED_REFUSALS, PETROVA, SIDOROV, STAGES, registry_region, run_region

from pipeline.registries import one_letter_apart, person_id


@pytest.fixture(scope="module")
def region(tmp_path_factory):
    root = tmp_path_factory.mktemp("region")
    registry_region(root / "inputs")
    return run_region(root / "inputs", root / "reports", STAGES[:2])


def _issues(state, code):
    log = state["intake"].log.to_frame()
    return log[log["code"] == code]


def test_person_id_ignores_case_yo_and_spacing():
    assert person_id("Пётр", "Фёдор", None, 1980) == person_id(" пЕтр ", "федор", "", 1980.0)
    assert person_id("Петров", "Иван", "", 1980) != person_id("Петров", "Иван", "", 1981)


def test_identity_survives_a_move_and_the_archive_keeps_the_date(region):
    reg = region["registries"]
    pid = person_id(*PETROVA)
    assert reg.staff.loc[reg.staff["person_id"] == pid, "org_code"].tolist() == ["100013"]
    archived = reg.staff_archive[reg.staff_archive["person_id"] == pid]
    assert archived["org_code"].tolist() == ["100012"]
    assert archived["archived_on"].tolist() == [pd.Timestamp("2026-09-20")]
    assert archived["municipality"].tolist() == ["10"]


def test_part_timer_is_one_person_with_two_staff_rows(region):
    rows = region["registries"].staff[lambda s: s["person_id"] == person_id(*SIDOROV)]
    assert sorted(rows["org_code"]) == ["100012", "100013"]
    assert sorted(rows["position"]) == ["педагог дополнительного образования", "учитель"]


def test_application_refusals_name_their_code_and_cell(region):
    log = region["intake"].log.to_frame()
    refused = log[log["code"].isin({c for c, _ in EXPECTED_REFUSALS}) & log["file"].str.contains("заявки")]
    assert set(zip(refused["code"], refused["cell"], strict=True)) == EXPECTED_REFUSALS
    suggestion = refused.loc[refused["code"] == "unknown_program", "message"].item()
    assert "возможно, имелось в виду «ИРО-00" in suggestion
    counts = region["intake"].counts
    assert counts["oo-100012/2026-10-05 заявки 2027.xlsx"].refused == 4
    assert counts["oo-100013/2026-10-10 заявки 2027.xlsx"].refused == 1


def test_every_accepted_application_once_and_pointing_to_staff_and_catalog(region):
    reg, counts = region["registries"], region["intake"].counts
    apps = reg.applications
    accepted = sum(c.accepted for f, c in counts.items() if "заявки" in f)
    assert len(apps) == accepted == 3
    assert apps["application_id"].is_unique
    people = set(
        zip(
            pd.concat([reg.staff, reg.staff_archive])["person_id"],
            pd.concat([reg.staff, reg.staff_archive])["org_code"],
            strict=True,
        )
    )
    assert all(pair in people for pair in zip(apps["person_id"], apps["org_code"], strict=True))
    offered = set(zip(reg.catalog["plan_year"], reg.catalog["program_code"], strict=True))
    assert all(pair in offered for pair in zip(apps["plan_year"], apps["program_code"], strict=True))
    assert (
        reg.staff["municipality"]
        == reg.staff["org_code"].map(reg.organisations.set_index("org_code")["municipality"])
    ).all()


def test_late_application_and_defaults(region):
    apps = region["registries"].applications.set_index("application_id")
    late = apps.loc[f"2027-{person_id(*PETROVA)}-ИРО-002"]
    assert bool(late["late"]) and late["preferred_place"] == "10" and late["org_code"] == "100013"
    assert not apps.loc[f"2027-{person_id(*SIDOROV)}-ИРО-001", "late"]
    assert apps.loc[f"2027-{person_id(*PETROVA)}-ИРО-001", "position"] == "учитель"  # from the archive


def test_near_duplicate_is_a_warning_on_the_later_record(region):
    found = _issues(region, "possible_duplicate_person")
    assert list(zip(found["file"], found["cell"], found["severity"], strict=True)) == [
        ("oo-100013/2026-09-21 работники.xlsx", "B3", "предупреждение")
    ]
    assert "строка 2" in found["message"].item()


def test_one_letter_apart():
    assert one_letter_apart("петрова", "петрава")
    assert one_letter_apart("иванова", "иванов")
    assert not one_letter_apart("иванова", "иванова")
    assert not one_letter_apart("петрова", "сидорова")


def test_catalog_carries_order_and_provider(region):
    catalog = region["registries"].catalog
    assert catalog["program_code"].tolist() == ["ИРО-001", "ИРО-002"]
    assert set(catalog["order_number"]) == {"10-П-1234"}
    assert catalog["provider_name"].str.contains("Институт развития образования").all()


def test_analysts_state_is_written_deterministically_and_never_names_people_publicly(tmp_path):
    registry_region(tmp_path / "inputs")
    first = run_region(tmp_path / "inputs", tmp_path / "r1", STAGES[:4])
    run_region(tmp_path / "inputs", tmp_path / "r2", STAGES[:4])
    a, b = (tmp_path / r / "asupk.sqlite" for r in ("r1", "r2"))
    assert a.read_bytes() == b.read_bytes()
    assert (tmp_path / "r1/state/staff.parquet").read_bytes() == (
        tmp_path / "r2/state/staff.parquet"
    ).read_bytes()
    with sqlite3.connect(a) as db:
        assert db.execute("select count(*) from applications").fetchone() == (3,)
        assert db.execute("select archived_on from staff_archive").fetchall() == [("2026-09-20",)]
    lists = sorted(
        p.relative_to(tmp_path / "r1").as_posix() for p in (tmp_path / "r1").rglob("заявки-*.xlsx")
    )
    assert lists == [
        "municipalities/10 Сургут/заявки-2027.xlsx",
        "organisations/oo-100012/заявки-2027.xlsx",
        "organisations/oo-100013/заявки-2027.xlsx",
    ]
    shown = pd.read_excel(
        tmp_path / "r1/municipalities/10 Сургут/заявки-2027.xlsx", engine="openpyxl", dtype=str
    )
    assert sorted(shown["Фамилия"]) == ["Петрова", "Петрова", "Сидоров"]
    catalog = first["public"][2027]["catalog"]
    assert catalog["applications"].tolist() == [2, 1]
    assert catalog["places"].iloc[0] == "Сургут; Нижневартовск; дистанционно"
    for frames in first["public"].values():
        for frame in frames.values():
            assert not {"surname", "first_name", "patronymic", "birth_year", "person_id"} & set(frame.columns)


def test_sqlite_columns_convert_whole_columns_as_value_by_value():
    """The column-wise conversion gives what converting each value gives, missing values included."""
    import numpy as np

    from pipeline.registry_reports import _sqlite_column, _sqlite_value

    frame = pd.DataFrame(
        {
            "text": pd.Series(["а", None, "=1"], dtype="str"),
            "count": pd.Series([1, None, 3], dtype="Int64"),
            "flag": pd.Series([True, None, False], dtype="boolean"),
            "plain_flag": [True, False, True],
            "number": [1.5, float("nan"), 2.0],
            "day": pd.to_datetime(["2026-10-15", None, "2026-10-15"]),
            "mixed": pd.Series(["x", 5, None], dtype=object),
            "numpy_ints": pd.Series([pd.NA, np.int64(2), np.int64(3)], dtype=object),
        }
    )
    for column in frame.columns:
        expected = [_sqlite_value(v) for v in frame[column]]
        got = _sqlite_column(frame[column])
        assert got == expected, column
        assert [type(v) for v in got] == [type(v) for v in expected], column


def test_state_kept_in_runs_of_rows_equals_a_cold_encoding_after_a_change(region, tmp_path, monkeypatch):
    """The SQLite file joined from kept runs of rows is the one a cold run joins, and holds the sorted rows."""
    from dataclasses import replace

    from pipeline.registry_reports import write_state

    def written(reg, memo: str, name: str) -> dict[str, bytes]:
        monkeypatch.setenv("ASUPK_MEMO_CACHE", memo)
        write_state(reg, tmp_path / name / "state", tmp_path / name / "asupk.sqlite")
        return {p.name: p.read_bytes() for p in sorted((tmp_path / name).rglob("*.*"))}

    reg = region["registries"]
    memo = str(tmp_path / "memo")
    assert written(reg, memo, "cold") == written(reg, memo, "warm") == written(reg, "off", "plain")
    staff = reg.staff.copy()
    staff.loc[staff.index[0], "position"] = "методист"
    changed = replace(reg, staff=staff.drop(index=staff.index[-1]))
    after = written(changed, memo, "after")
    assert after == written(changed, "off", "after-cold")
    assert after["staff.parquet"] != written(reg, "off", "before-cold")["staff.parquet"]
    with sqlite3.connect(tmp_path / "after" / "asupk.sqlite") as db:
        rows = db.execute("select org_code, person_id, position from staff").fetchall()
    expected = changed.staff.sort_values(["org_code", "person_id"], kind="stable")
    assert rows == list(expected[["org_code", "person_id", "position"]].itertuples(index=False, name=None))
    assert ("методист",) in [r[2:] for r in rows]


def possible_duplicates_of(columns: dict) -> tuple[pd.DataFrame, list[dict]]:
    """Staff rows with the given columns, each sent in a file of its own sender, and the warnings
    flag_possible_duplicates gives about them."""
    from pipeline.intake.take_in import IntakeResult
    from pipeline.issues import IssueLog
    from pipeline.registries import flag_possible_duplicates

    staff = pd.DataFrame(columns)
    senders = [f"oo-{n:03d}" for n in range(len(staff))]
    staff["submitted"] = pd.Timestamp("2026-09-01")
    staff["file"] = [f"{sender}/2026-09-01 работники.xlsx" for sender in senders]
    staff["row"] = 2
    staff["sender"] = senders
    intake = IntakeResult([], {"staff": staff}, {}, {}, IssueLog())
    flag_possible_duplicates(intake)
    return staff, intake.log.rows


def test_a_common_name_pairs_only_birth_years_one_apart():
    """Many records of one full name: each pair of birth years one apart is warned about once, on the later
    record, as a check of every pair would find them (the check goes by year, not by every pair)."""
    import itertools

    years = [1980, 1981, 1981, 1983, 1982, 1990, 1980, None]
    staff, warnings = possible_duplicates_of(
        {
            "surname": "Иванова",
            "first_name": "Мария",
            "patronymic": "Петровна",
            "birth_year": pd.array(years, dtype="Int64"),
            "org_code": [f"10{n:04d}" for n in range(len(years))],
        }
    )
    warned = sorted((i["file"], i["message"]) for i in warnings)
    expected = []
    for a, b in itertools.combinations(range(len(years)), 2):
        if years[a] is not None and years[b] is not None and abs(years[a] - years[b]) == 1:
            expected.append((staff["file"][b], staff["file"][a]))  # the later file carries the warning
    assert len(warned) == len(expected) == 7
    assert sorted(file for file, _ in warned) == sorted(later for later, _ in expected)
    for (file, message), (later, earlier) in zip(warned, sorted(expected), strict=True):
        assert file == later and f"«{earlier}»" in message


NAME_POOL = {
    "surname": [
        "Иванова",
        "иванова ",
        "Иванов",
        "Иваново",
        "Ёлкина",
        "Елкина",
        "Петрова-Водкина",
        "Петрова - Водкина",
        None,
    ],
    "first_name": ["Мария", "мария", "Анна", None],
    "patronymic": ["Петровна", "Петровна ", "Ивановна", None],
}


def named_people(patronymics, years, *more):
    """Lists of up to 30 people (surname, first name, patronymic, birth year, *more) from the pool's names."""
    parts = (NAME_POOL["surname"], NAME_POOL["first_name"], patronymics, years)
    return st.lists(st.tuples(*(st.sampled_from(list(p)) for p in parts), *more), max_size=30)


@settings(max_examples=60, deadline=None)
@given(
    named_people(
        NAME_POOL["patronymic"], (1980, 1981, 1982, None), st.sampled_from(["100001", "100002", None])
    )
)
def test_possible_duplicates_are_every_pair_the_rules_name(people):
    """The check joins and groups rows instead of comparing every pair; it warns of the same pairs as a check of
    every pair by the rules: the same full name and birth years one apart, or the same organisation, birth year,
    first name and patronymic with surnames one letter apart (names compared as normalised)."""
    from pipeline.registries import normalised_name

    staff, warnings = possible_duplicates_of(
        {
            "surname": [p[0] for p in people],
            "first_name": [p[1] for p in people],
            "patronymic": [p[2] for p in people],
            "birth_year": pd.array([p[3] for p in people], dtype="Int64"),
            "org_code": pd.array([p[4] for p in people], dtype=object),
        }
    )
    reasons = ("год рождения отличается на один год", "фамилии отличаются одной буквой")
    found = sorted(
        (
            i["file"],
            re.search(r"«([^»]+)»", i["message"]).group(1),
            *[r for r in reasons if r in i["message"]],
        )
        for i in warnings
    )
    names = [tuple(normalised_name(part) for part in p[:3]) for p in people]
    expected = []
    for a, b in itertools.combinations(range(len(people)), 2):
        year_a, year_b, org_a, org_b = people[a][3], people[b][3], people[a][4], people[b][4]
        if names[a] == names[b] and None not in (year_a, year_b) and abs(year_a - year_b) == 1:
            expected.append((staff["file"][b], staff["file"][a], reasons[0]))
        elif (
            None not in (year_a, org_a)
            and (year_a, org_a, names[a][1:]) == (year_b, org_b, names[b][1:])
            and one_letter_apart(names[a][0], names[b][0])
        ):
            expected.append((staff["file"][b], staff["file"][a], reasons[1]))
    assert found == sorted(expected)


@settings(max_examples=60, deadline=None)
@given(named_people([*NAME_POOL["patronymic"], ""], (1980, 1981, None)), st.sampled_from(["str", "object"]))
def test_person_ids_of_a_frame_are_each_rows_person_id(people, text):
    """The frame's ids (each distinct name part normalised once, each distinct person hashed once) are those of
    person_id row by row, whatever the columns' types and the rows' order."""
    from pipeline.registries import person_ids

    frame = pd.DataFrame(
        {
            part: pd.array([p[i] for p in people], dtype=text)
            for i, part in enumerate(("surname", "first_name", "patronymic"))
        }
        | {"birth_year": pd.array([p[3] for p in people], dtype="Int64")},
        index=[f"r{n}" for n in range(len(people))],
    )
    ids = person_ids(frame)
    assert ids.index.equals(frame.index)
    assert ids.tolist() == [person_id(*p) for p in people]
