"""A teacher who leaves stays a listener of the groups that began while she was on the staff (the order, item
3.2: deleted data is archived and still used in reports): a school's new staff list does not rewrite an earlier
plan-schedule, and only the groups that begin after she left lose her, with the provider told why."""

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
import python_calamine

from pipeline.config import load_config
from pipeline.demo.generate import generate_demo
from pipeline.intake.read import cell_text
from pipeline.registries import person_id
from pipeline.run import RunContext, run_stages
from pipeline.workbooks import SheetSpec, write_workbook

STAGES = (
    ("intake", "pipeline.intake.stage:run_intake"),
    ("registries", "pipeline.registries:run_registries"),
    ("groups", "pipeline.groups:run_groups"),
    ("schedule", "pipeline.schedule_reports:run_schedule"),
)
LEFT_ON = date(2026, 10, 1)
SUBMITTED = "оператор ПК"  # the groups a provider sent with its listeners


def run(inputs: Path, reports: Path) -> dict:
    reports.mkdir()
    ctx = RunContext(
        load_config(inputs), inputs, reports, reports / "site", date(2026, 11, 28), build_site=False
    )
    return run_stages(ctx, STAGES)


def without_person(source: Path, target: Path, person: str) -> int:
    """The staff list sent again under a later date, without the person's row; how many rows it dropped."""
    book = python_calamine.CalamineWorkbook.from_path(str(source))
    specs, dropped = [], 0
    for name in book.sheet_names:
        rows = [[cell_text(v) for v in row] for row in book.get_sheet_by_name(name).to_python()]
        header, kept = rows[0], []
        at = {column: header.index(column) for column in ("Фамилия", "Имя", "Отчество", "Год рождения")}
        for row in rows[1:]:
            parts = [row[at[c]] for c in ("Фамилия", "Имя", "Отчество")]
            if person_id(*parts, int(row[at["Год рождения"]])) == person:
                dropped += 1
            else:
                kept.append(row)
        specs.append(SheetSpec(name=name, header=header, rows=kept))
    book.close()
    write_workbook(target, specs, title="Педагогические работники")
    return dropped


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("listener-left")
    inputs = root / "inputs"
    generate_demo("demo", 1, inputs)
    with pytest.MonkeyPatch.context() as patch:
        for name in ("ASUPK_MEMO_CACHE", "ASUPK_WORKBOOK_CACHE", "ASUPK_INTAKE_CACHE"):
            patch.setenv(name, "off")
        before = run(inputs, root / "reports-before")
        schedule = before["schedule"]
        members = schedule.members.merge(
            schedule.groups[["plan_year", "group_code", "start_date", "source"]],
            on=["plan_year", "group_code"],
        )
        members = members[members["source"] == SUBMITTED]
        left = pd.Timestamp(LEFT_ON)
        # The first listener (in a stable order) with groups both before and after the day she leaves.
        person, org_code = next(
            key
            for key, theirs in members.sort_values(["person_id", "org_code"]).groupby(
                ["person_id", "org_code"]
            )
            if theirs["start_date"].min() < left <= theirs["start_date"].max()
        )
        organisations = before["registries"].organisations.set_index("org_code")
        latest = sorted((inputs / organisations.loc[org_code, "login"]).glob("*работники.xlsx"))[-1]
        assert (
            latest.name < f"{LEFT_ON.isoformat()} работники.xlsx"
        )  # the new list is the organisation's latest
        dropped = without_person(latest, latest.parent / f"{LEFT_ON.isoformat()} работники.xlsx", person)
        assert dropped == 1
        after = run(inputs, root / "reports-after")
    return before, after, members[(members["person_id"] == person) & (members["org_code"] == org_code)]


def test_the_groups_she_attended_keep_her_and_the_later_ones_lose_her(runs):
    before, after, hers = runs
    person, org_code = hers["person_id"].iloc[0], hers["org_code"].iloc[0]
    archive = after["registries"].staff_archive
    gone = archive[(archive["person_id"] == person) & (archive["org_code"] == org_code)]
    assert list(gone["archived_on"]) == [pd.Timestamp(LEFT_ON)]
    assert person not in set(after["registries"].staff["person_id"])

    attended = hers[hers["start_date"] < pd.Timestamp(LEFT_ON)]
    later = hers[hers["start_date"] >= pd.Timestamp(LEFT_ON)]
    assert len(attended) and len(later)
    members = after["schedule"].members
    now = members[(members["person_id"] == person) & (members["org_code"] == org_code)]
    groups = after["schedule"].groups
    submitted = set(
        map(tuple, groups.loc[groups["source"] == SUBMITTED, ["plan_year", "group_code"]].to_numpy().tolist())
    )
    now = now[
        [group in submitted for group in map(tuple, now[["plan_year", "group_code"]].to_numpy().tolist())]
    ]
    key = ["plan_year", "group_code"]
    assert sorted(map(tuple, now[key].to_numpy().tolist())) == sorted(
        map(tuple, attended[key].to_numpy().tolist())
    )
    # She keeps the municipality she had, from the archive.
    assert set(now["municipality"]) == set(attended["municipality"])

    # The earlier groups' listener counts are those of the first run; a later group has one listener fewer.
    def listeners(state):
        groups = state["schedule"].groups
        return dict(
            zip(map(tuple, groups[key].to_numpy().tolist()), groups["listeners"].tolist(), strict=True)
        )

    counts_before, counts_after = listeners(before), listeners(after)
    for group in map(tuple, attended[key].to_numpy().tolist()):
        assert counts_after[group] == counts_before[group]
    for group in map(tuple, later[key].to_numpy().tolist()):
        assert counts_after[group] == counts_before[group] - 1

    # The provider is told about the later groups only, in its listeners' file, by name.
    refused = [
        r for r in after["intake"].log.rows if r["code"] == "unknown_staff" and r["file"].startswith("pk-")
    ]
    assert {r["value"].split(",")[0] for r in refused} == {
        " ".join(
            after["registries"].staff_archive.loc[gone.index[0], ["surname", "first_name", "patronymic"]]
        )
    }
    assert len(refused) == len(later)
    assert not [
        r for r in before["intake"].log.rows if r["code"] == "unknown_staff" and r["file"].startswith("pk-")
    ]
