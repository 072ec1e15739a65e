"""A teacher who leaves stays a listener of the groups that began while she was on the staff (the order, item
3.2: deleted data is archived and still used in reports): a school's new staff list does not rewrite an earlier
plan-schedule, and only the groups that begin after she left lose her, with the provider told why. The groups of
a plan year that begins after she left are formed without her; her applications stay in the registry."""

import shutil
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
import python_calamine

from pipeline.config import load_config
from pipeline.dag import STAGES as ALL_STAGES
from pipeline.demo.generate import generate_demo
from pipeline.groups import REASON_LEFT
from pipeline.intake.read import cell_text
from pipeline.publish.stage import site_model
from pipeline.registries import person_id
from pipeline.run import RunContext, run_stages
from pipeline.schedule import REASON_LEFT_STAFF
from pipeline.workbooks import SheetSpec, write_workbook

STAGES = (
    ("intake", "pipeline.intake.stage:run_intake"),
    ("registries", "pipeline.registries:run_registries"),
    ("groups", "pipeline.groups:run_groups"),
    ("schedule", "pipeline.schedule_reports:run_schedule"),
)
# Every stage the site's model reads, for the runs whose versions of the site are compared.
UP_TO_THE_SITE = tuple(stage for stage in ALL_STAGES if stage[0] != "publish")
LEFT_ON = date(2026, 10, 1)  # a provider's listener leaves before the next plan year
LEFT_IN_YEAR = date(2027, 3, 1)  # a member of a proposed group leaves during its plan year
AS_OF = date(2027, 3, 15)
SUBMITTED = "оператор ПК"  # the groups a provider sent with its listeners
PROPOSED = "предложение"  # the groups the system proposed


def run(inputs: Path, reports: Path, stages=STAGES) -> dict:
    reports.mkdir()
    state = run_stages(context(inputs, reports), stages)
    return state


def context(inputs: Path, reports: Path) -> RunContext:
    return RunContext(load_config(inputs), inputs, reports, reports / "site", AS_OF, build_site=False)


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


def leaver(members: pd.DataFrame, source: str, on: date, programs_not=()) -> tuple[str, str]:
    """The first member (in a stable order) of groups of the source beginning both before and after the day."""
    members = members[(members["source"] == source) & ~members["program_code"].isin(programs_not)]
    day = pd.Timestamp(on)
    return next(
        key
        for key, theirs in members.sort_values(["person_id", "org_code"]).groupby(["person_id", "org_code"])
        if theirs["start_date"].min() < day <= theirs["start_date"].max()
    )


def run_after_leaving(
    root: Path, name: str, before: dict, person: str, org_code: str, on: date, stages=STAGES
) -> dict:
    """A copy of the inputs where the person's organisation sends its staff list again on the day, without her."""
    inputs = root / f"inputs-{name}"
    shutil.copytree(root / "inputs", inputs)
    organisations = before["registries"].organisations.set_index("org_code")
    latest = sorted((inputs / organisations.loc[org_code, "login"]).glob("*работники.xlsx"))[-1]
    new = latest.parent / f"{on.isoformat()} работники.xlsx"
    assert latest.name < new.name  # the new list is the organisation's latest
    assert without_person(latest, new, person) == 1
    return run(inputs, root / f"reports-{name}", stages)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("listener-left")
    generate_demo("demo", 1, root / "inputs")
    with pytest.MonkeyPatch.context() as patch:
        for name in ("ASUPK_MEMO_CACHE", "ASUPK_WORKBOOK_CACHE", "ASUPK_INTAKE_CACHE"):
            patch.setenv(name, "off")
        before = run(root / "inputs", root / "reports-before", UP_TO_THE_SITE)
        schedule = before["schedule"]
        members = schedule.members.merge(
            schedule.groups[["plan_year", "group_code", "program_code", "start_date", "source"]],
            on=["plan_year", "group_code"],
        )
        person, org_code = leaver(members, SUBMITTED, LEFT_ON)
        after = run_after_leaving(root, "listener", before, person, org_code, LEFT_ON, UP_TO_THE_SITE)
        hers = members[(members["person_id"] == person) & (members["org_code"] == org_code)]
        # Another teacher, in the proposed groups of programs the first one did not apply for.
        theirs = before["registries"].applications
        programs = theirs[(theirs["person_id"] == person)]["program_code"].tolist()
        other, other_org = leaver(members, PROPOSED, LEFT_IN_YEAR, programs)
        during = run_after_leaving(root, "member", before, other, other_org, LEFT_IN_YEAR)
        proposed = members[(members["person_id"] == other) & (members["org_code"] == other_org)]
        models = [
            site_model(context(root / folder, root / f"reports-{name}"), state)
            for folder, name, state in (("inputs", "before", before), ("inputs-listener", "listener", after))
        ]
    return before, after, hers[hers["source"] == SUBMITTED], during, proposed, models, root


def test_the_groups_she_attended_keep_her_and_the_later_ones_lose_her(runs):
    before, after, hers, _, _, _, _ = runs
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

    # The provider is told about the later groups only, in its listeners' file: who left, and when.
    def about_listeners(state, code):
        return [r for r in state["intake"].log.rows if r["code"] == code and r["file"].startswith("pk-")]

    refused = about_listeners(after, "listener_left")
    name = " ".join(
        after["registries"].staff_archive.loc[gone.index[0], ["surname", "first_name", "patronymic"]]
    )
    assert {r["value"].split(",")[0] for r in refused} == {name}
    assert all(LEFT_ON.strftime("%d.%m.%Y") in r["message"] and r["column"] == "Фамилия" for r in refused)
    assert len(refused) == len(later)
    assert not about_listeners(after, "unknown_staff")
    assert not about_listeners(before, "listener_left") and not about_listeners(before, "unknown_staff")


def test_the_next_years_groups_are_formed_without_her_and_her_applications_stay(runs):
    before, after, hers, _, _, _, _ = runs
    person, org_code = hers["person_id"].iloc[0], hers["org_code"].iloc[0]
    year = LEFT_ON.year + 1

    def of_hers(frame):
        return frame[
            (frame["person_id"] == person) & (frame["org_code"] == org_code) & (frame["plan_year"] == year)
        ]

    applied = of_hers(before["registries"].applications)
    assert len(applied) and (applied["application_date"] < pd.Timestamp(LEFT_ON)).all()
    assert of_hers(before["schedule"].members)["application_id"].tolist()  # placed while on the staff
    assert (
        of_hers(after["registries"].applications)["application_id"].tolist()
        == applied["application_id"].tolist()
    )
    assert of_hers(after["schedule"].members).empty
    unplaced = of_hers(after["schedule"].unplaced)
    assert sorted(unplaced["application_id"]) == sorted(applied["application_id"])
    assert set(unplaced["reason"]) == {REASON_LEFT}
    # Her earlier years' applications are placed as before.
    earlier = before["schedule"].members
    earlier = earlier[(earlier["person_id"] == person) & (earlier["plan_year"] < LEFT_ON.year)]
    kept = after["schedule"].members
    assert set(earlier["application_id"]) <= set(kept["application_id"])


def test_a_member_who_leaves_during_the_plan_year_stays_in_the_groups_begun_before(runs):
    before, _, _, during, proposed, _, _ = runs
    person, org_code = proposed["person_id"].iloc[0], proposed["org_code"].iloc[0]
    day = pd.Timestamp(LEFT_IN_YEAR)
    begun, later = proposed[proposed["start_date"] < day], proposed[proposed["start_date"] >= day]
    assert len(begun) and len(later)
    members = during["schedule"].members
    now = members[(members["person_id"] == person) & (members["org_code"] == org_code)]
    assert sorted(now["application_id"]) == sorted(begun["application_id"])
    unplaced = during["schedule"].unplaced
    unplaced = unplaced[unplaced["application_id"].isin(later["application_id"])]
    assert sorted(unplaced["application_id"]) == sorted(later["application_id"])
    assert set(unplaced["reason"]) == {REASON_LEFT_STAFF}

    key = ["plan_year", "group_code"]

    def groups(state):
        frame = state["schedule"].groups
        return {
            group: (start, listeners)
            for group, start, listeners in zip(
                map(tuple, frame[key].to_numpy().tolist()),
                frame["start_date"].tolist(),
                frame["listeners"].tolist(),
                strict=True,
            )
        }

    was, now_groups = groups(before), groups(during)
    for group in map(tuple, begun[key].to_numpy().tolist()):
        assert now_groups[group] == was[group]
    for group in map(tuple, later[key].to_numpy().tolist()):  # the same dates, one listener fewer
        assert now_groups[group] == (was[group][0], was[group][1] - 1)


def test_a_staff_change_leaves_the_earlier_years_versions_of_the_site_as_they_were(runs):
    """Only what the teacher's leaving reaches changes: the groups that began before stay as they were, and the
    staff registry's present state (staff counts, the registries' files) is shown in the current plan year's
    version alone, so the version of a year that ended before she left does not change at all."""
    before, after, _, _, _, (was, now), _ = runs
    current = after["registries"].current_plan_year(now.plan_years)
    assert current == max(now.plan_years) and LEFT_ON.year - 1 in now.plan_years
    ended = LEFT_ON.year - 1
    assert sorted(was.frames_of(ended)) == sorted(now.frames_of(ended))
    for name, frame in was.frames_of(ended).items():
        pd.testing.assert_frame_equal(now.frames_of(ended)[name], frame, obj=name)
    for year in now.plan_years:
        frames = now.frames_of(year)
        registry_files = frames["submissions"]["plan_year"].isna().sum()
        if year == current:
            assert registry_files and "municipality_stats" in frames
        else:
            assert not registry_files and "municipality_stats" not in frames
    # The current year's staff count has her no more.
    stats = [m.frames_of(current)["municipality_stats"]["staff"].sum() for m in (was, now)]
    assert stats[1] == stats[0] - 1


def listed_rows(path: Path, sheet: str) -> list[list[str]]:
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    try:
        return [[cell_text(v) for v in row] for row in book.get_sheet_by_name(sheet).to_python()]
    finally:
        book.close()


def test_the_lists_name_her_in_the_groups_she_attended(runs):
    """Her organisation's and municipality's plan-schedule lists and her group's proposal to its provider name
    her from the archive, as they did while she was on the staff: her row is not left blank, nor dropped."""
    _, after, hers, _, _, _, root = runs
    person, org_code = hers["person_id"].iloc[0], hers["org_code"].iloc[0]
    archive = after["registries"].staff_archive
    gone = archive[(archive["person_id"] == person) & (archive["org_code"] == org_code)]
    name = gone[["surname", "first_name", "patronymic"]].iloc[0].tolist()
    attended = hers[hers["start_date"] < pd.Timestamp(LEFT_ON)].iloc[0]
    year, group = int(attended["plan_year"]), attended["group_code"]
    organisation = after["registries"].organisations.set_index("org_code").loc[org_code]
    reports = root / "reports-listener"
    municipality = next((reports / "municipalities").glob(f"{organisation['municipality']} *"))
    for path in (
        reports / "organisations" / organisation["login"] / f"план-график-{year}.xlsx",
        municipality / f"план-график-{year}.xlsx",
    ):
        rows = [[r[0], r[2], r[3], r[4], r[5]] for r in listed_rows(path, "Слушатели")]
        assert [org_code, *name, group] in rows, path
    proposals = sorted((reports / "providers").glob(f"*/план-график {year} (предложение).xlsx"))
    listed = [row for path in proposals for row in listed_rows(path, "Слушатели")]
    assert [row for row in listed if group in row and all(part in row for part in name)]
