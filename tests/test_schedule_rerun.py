"""A re-run of the schedule stage: byte-identical to a run without caches, and one person's change rebuilds only
the lists and the proposal that show that person."""

import copy
import dataclasses
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

import pipeline.schedule_reports as schedule_reports
from pipeline.config import load_config
from pipeline.demo.generate import generate_demo
from pipeline.registries import NAME_PARTS, person_id, person_ids
from pipeline.run import RunContext, run_stages
from pipeline.schedule import consolidate_schedule
from pipeline.workbooks import write_workbook_from

STAGES = (
    ("intake", "pipeline.intake.stage:run_intake"),
    ("registries", "pipeline.registries:run_registries"),
    ("groups", "pipeline.groups:run_groups"),
)
CACHES = ("ASUPK_MEMO_CACHE", "ASUPK_WORKBOOK_CACHE", "ASUPK_INTAKE_CACHE")


@pytest.fixture(scope="module")
def before_schedule(tmp_path_factory):
    root = tmp_path_factory.mktemp("schedule-rerun")
    generate_demo("demo", 1, root / "inputs")
    config = load_config(root / "inputs")
    ctx = RunContext(
        config, root / "inputs", root / "reports-0", root / "site", date(2027, 2, 1), build_site=False
    )
    ctx.reports.mkdir()
    with pytest.MonkeyPatch.context() as patch:
        for name in CACHES:
            patch.setenv(name, "off")
        return root, config, run_stages(ctx, STAGES)


def run_schedule(root: Path, config, state: dict, name: str, monkeypatch) -> tuple[dict, set[str], int]:
    """The stage on a copy of the state: its reports' bytes, the workbooks it built (not copied from the
    cache) and how many times it consolidated the schedule."""
    built, consolidated = set(), []

    def recording_write(path, inputs, build, **options):
        def recorded():
            built.add(path.relative_to(reports).as_posix())
            return build()

        return write_workbook_from(path, inputs, recorded, **options)

    def recording_consolidate(*args):
        consolidated.append(1)
        return consolidate_schedule(*args)

    monkeypatch.setattr(schedule_reports, "write_workbook_from", recording_write)
    monkeypatch.setattr(schedule_reports, "consolidate_schedule", recording_consolidate)
    reports = root / name
    reports.mkdir()
    ctx = RunContext(config, root / "inputs", reports, root / "site", date(2027, 2, 1), build_site=False)
    schedule_reports.run_schedule(ctx, copy.deepcopy(state))
    written = {p.relative_to(reports).as_posix(): p.read_bytes() for p in reports.rglob("*") if p.is_file()}
    return written, built, len(consolidated)


def test_a_rerun_copies_what_did_not_change_and_rebuilds_one_persons_lists(
    before_schedule, monkeypatch, tmp_path
):
    root, config, state = before_schedule
    for name in CACHES:
        monkeypatch.setenv(name, "off")
    cold, built_cold, _ = run_schedule(tmp_path, config, state, "cold", monkeypatch)
    for name in CACHES:
        monkeypatch.setenv(name, str(tmp_path / "caches" / name))
    first, built_first, consolidated_first = run_schedule(tmp_path, config, state, "first", monkeypatch)
    again, built_again, consolidated_again = run_schedule(tmp_path, config, state, "again", monkeypatch)
    assert cold == first == again
    assert any(p.startswith("organisations/") for p in built_first)
    assert any(p.startswith("providers/") for p in built_first)
    assert built_first == built_cold
    assert (consolidated_first, consolidated_again, built_again) == (1, 0, set())
    # Every run's solver takes its own wall time; that alone is no reason to consolidate again.
    plan = state["groups"]
    slower = dict(
        state,
        groups=dataclasses.replace(plan, solver=plan.solver.assign(seconds=plan.solver["seconds"] + 1.5)),
    )
    later, _, consolidated_later = run_schedule(tmp_path, config, slower, "later", monkeypatch)
    assert consolidated_later == 0 and later == cold

    # One member of a group has her surname corrected in the staff registry.
    members = state["groups"].members
    member = members.iloc[0]
    registries = state["registries"]
    staff = registries.staff.copy()
    row = (staff["person_id"] == member["person_id"]) & (staff["org_code"] == member["org_code"])
    staff.loc[row, "surname"] = staff.loc[row, "surname"] + "-Исправленная"
    changed = dict(state, registries=dataclasses.replace(registries, staff=staff))
    fixed, built_fixed, consolidated_fixed = run_schedule(tmp_path, config, changed, "fixed", monkeypatch)

    mine = members[
        (members["person_id"] == member["person_id"]) & (members["org_code"] == member["org_code"])
    ]
    groups = state["groups"].groups.set_index(["plan_year", "group_code"])
    providers = registries.providers.set_index("provider_code")["login"]
    organisations = registries.organisations.set_index("org_code")
    municipality = organisations.loc[member["org_code"], "municipality"]
    folder = f"{municipality} {config.municipality_by_code[municipality].name}"
    expected = set()
    for year, code in zip(mine["plan_year"], mine["group_code"], strict=True):
        login = providers[groups.loc[(year, code), "provider_code"]]
        expected |= {
            f"organisations/{organisations.loc[member['org_code'], 'login']}/план-график-{year}.xlsx",
            f"municipalities/{folder}/план-график-{year}.xlsx",
            f"providers/{login}/план-график {year} (предложение).xlsx",
        }
    assert built_fixed == expected
    assert consolidated_fixed == 0  # a surname is not what the consolidation reads

    # A person who is in no group leaves the staff registry: the rows after hers move up one label.
    sent = set(person_ids(state["intake"].records["schedule_listeners"])) | set(members["person_id"])
    gone = next(i for i, p in enumerate(staff["person_id"]) if p not in sent)
    fewer = registries.staff.drop(index=registries.staff.index[gone]).reset_index(drop=True)
    left = dict(state, registries=dataclasses.replace(registries, staff=fewer))
    _, _, consolidated_left = run_schedule(tmp_path, config, left, "left", monkeypatch)
    assert consolidated_left == 0  # the same listeners' rows, only at other labels
    for name in CACHES:
        monkeypatch.setenv(name, "off")
    assert fixed == run_schedule(tmp_path, config, changed, "fixed-cold", monkeypatch)[0]
    assert {p for p in fixed if fixed[p] != cold[p]} <= expected | {
        f"plan-schedule-{y}.xlsx" for y in config.plan_years
    }


def test_person_ids_of_a_frame_are_each_rows_person_id():
    frame = pd.DataFrame(
        {
            "surname": ["Пётр", " пЕтр ", "Иванова-  Петрова", "Иванова-Петрова", None, "Ли"],
            "first_name": ["Фёдор", "федор", "Анна", "анна", "Ким", float("nan")],
            "patronymic": [None, "", "Сергеевна", "Сергеевна", "", None],
            "birth_year": pd.array([1980, 1980, None, 1975, 1990, 2000], dtype="Int64"),
        },
        index=[5, 3, 9, 1, 7, 2],
    )
    ids = person_ids(frame)
    assert ids.index.tolist() == frame.index.tolist()
    assert ids.tolist() == [
        person_id(*row) for row in frame[[*NAME_PARTS, "birth_year"]].itertuples(index=False)
    ]
    assert ids[5] == ids[3] and ids[9] != ids[1]
