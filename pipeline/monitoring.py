"""Quarterly monitoring of the plan-schedule: execution reports checked, plan set against fact, completions
carried back into the staff registry (order, items 3.4, 4.3, 4.4)."""

from dataclasses import astuple, dataclass, replace
from datetime import date
from functools import lru_cache

import numpy as np
import pandas as pd

from pipeline.memo import Memo, fingerprint
from pipeline.registries import (  # one definition of a person, shared with the staff registry
    NAME_PARTS,
    person_id,
    person_records,
)

HELD, MOVED, CANCELLED = "проведена", "перенесена", "отменена"
DONE = "да"
SUBMITTED, SUBMITTED_LATE = "представлен", "представлен с опозданием"
MISSING, NOT_REQUIRED = "не представлен", "не требуется"
QUARTERS = (1, 2, 3, 4)
EXECUTION_KIND = "execution"  # the providers' quarterly reports: the only files report_status reads
GROUP_KEY = ["plan_year", "group_code"]
REPORT_ORDER = ["quarter", "submitted", "file", "row"]  # a later quarter's report, then a later file, wins

OUTCOME_COLUMNS = [
    "plan_year",
    "quarter",
    "group_code",
    "provider_code",
    "program_code",
    "planned_quarter",
    "status",
    "actual_start",
    "actual_end",
    "held",
    "moved",
    "cancelled",
]
COMPLETION_COLUMNS = [
    "plan_year",
    "quarter",
    "group_code",
    "program_code",
    "program_title",
    "provider_code",
    "hours",
    "person_id",
    "org_code",
    "completed",
    "certificate_type",
    "certificate_number",
    "certificate_date",
]
FIGURES = [
    "groups_planned",
    "groups_held",
    "groups_moved",
    "groups_cancelled",
    "listeners_planned",
    "listeners_trained",
    "person_hours",
    "completion_rate",
]
# Each cut of the plan-fact table and the columns that name its rows.
CUTS = {
    "summary": [],
    "provider": ["provider_code"],
    "program": ["provider_code", "program_code"],
    "municipality": ["municipality"],
    "organisation": ["municipality", "org_code"],
}
STATUS_COLUMNS = [
    "plan_year",
    "quarter",
    "provider_code",
    "provider_name",
    "groups_planned",
    "deadline",
    "submitted",
    "status",
]


@dataclass
class Monitoring:
    """What the monitoring stage knows after the execution reports in force (see contracts.md)."""

    outcomes: pd.DataFrame  # one row per reported group: its latest status (OUTCOME_COLUMNS)
    completions: pd.DataFrame  # one row per reported listener: the latest word on them (COMPLETION_COLUMNS)
    plan_fact: dict[str, pd.DataFrame]  # cut (CUTS) -> plan_year, quarter, the cut's columns, FIGURES
    report_status: pd.DataFrame  # plan_year, quarter, provider: was the report sent in time (STATUS_COLUMNS)
    late_reports: pd.DataFrame  # report_status rows «представлен с опозданием» or «не представлен»
    not_trained: pd.DataFrame  # applied, placed, and not trained: per organisation, with names (restricted)


def looked_up(table: pd.Series, *keys: pd.Series) -> np.ndarray:
    """Each row's value in the table by its key (None where the key is absent; the last of repeated keys):
    one hash join instead of a lookup per row."""
    wanted = pd.MultiIndex.from_arrays(list(keys)) if len(keys) > 1 else pd.Index(keys[0])
    if table.empty:
        return np.full(len(wanted), None, dtype=object)
    if not table.index.is_unique:
        table = table[~table.index.duplicated(keep="last")]
    where = table.index.get_indexer(wanted)
    found = table.to_numpy(dtype=object)[where]
    found[where < 0] = None
    return found


def keys_of(frame: pd.DataFrame, columns: list[str]) -> list[tuple]:
    """The rows' values of the columns as tuples (lists first: iterating an arrow column costs a call a cell)."""
    return list(zip(*(frame[c].tolist() for c in columns), strict=True))


@lru_cache(maxsize=1 << 17)
def _person_id(*parts) -> str:
    return person_id(*parts)


def person_ids(frame: pd.DataFrame) -> pd.Series:
    """The listeners' person ids (registries.person_id), kept in the memo by their names: a re-run and the
    stage's several passes over the same people hash each name once."""
    if frame.empty:
        return pd.Series([], index=frame.index, dtype="object")
    names = frame[[*NAME_PARTS, "birth_year"]]
    memo = Memo("monitoring-person-ids", sources=["pipeline/registries.py", "pipeline/monitoring.py"])
    ids = memo.get(
        fingerprint(names.reset_index(drop=True)),
        lambda: [_person_id(*values) for values in names.itertuples(index=False)],
    )
    return pd.Series(ids, index=frame.index, dtype="object")


def quarter_of(dates: pd.Series) -> pd.Series:
    return ((dates.dt.month - 1) // 3 + 1).astype("Int64")


def quarter_end(plan_year: int, quarter: int) -> pd.Timestamp:
    return pd.Timestamp(plan_year, quarter * 3, 1) + pd.offsets.MonthEnd(0)


def planned_groups(groups: pd.DataFrame, catalog: pd.DataFrame, programs: pd.DataFrame) -> pd.DataFrame:
    """The plan-schedule's groups with the quarter they are planned in (by their last day, as reports are)
    and the program's hours and title (from the year's catalog, else the program bank)."""
    planned = groups[
        ["plan_year", "group_code", "program_code", "provider_code", "start_date", "end_date"]
    ].copy()
    planned["plan_year"] = planned["plan_year"].astype("Int64")
    planned["quarter"] = quarter_of(planned["end_date"])
    bank = programs.drop_duplicates("program_code").set_index("program_code")
    by_year = catalog.drop_duplicates(["plan_year", "program_code"]).set_index(["plan_year", "program_code"])
    for column in ("hours", "title"):
        from_catalog = pd.Series(
            looked_up(by_year[column], planned["plan_year"], planned["program_code"]),
            index=planned.index,
            dtype="object",
        )
        from_bank = planned["program_code"].map(bank[column]) if column in bank else None
        planned[column] = from_catalog.where(from_catalog.notna(), from_bank)
    planned["hours"] = pd.to_numeric(planned["hours"], errors="coerce").astype("Int64")
    return planned.sort_values(GROUP_KEY).reset_index(drop=True)


def provider_codes_of(providers: pd.DataFrame) -> dict[str, set[str]]:
    """login -> the provider codes it reports for."""
    found: dict[str, set[str]] = {}
    for login, code in zip(providers["login"], providers["provider_code"], strict=True):
        if isinstance(login, str):
            found.setdefault(login, set()).add(code)
    return found


def _owned(records: pd.DataFrame, groups: pd.DataFrame, codes_of: dict[str, set[str]]) -> pd.Series:
    """Whether each reported row names a group of the sender's own plan-schedule of that year."""
    owner = looked_up(
        groups.set_index(GROUP_KEY)["provider_code"], records["plan_year"], records["group_code"]
    )
    allowed = {(login, code) for login, codes in codes_of.items() for code in codes}
    return pd.Series(
        [(sender, code) in allowed for sender, code in zip(records["sender"], owner, strict=True)],
        index=records.index,
        dtype=bool,
    )


def refuse_foreign_rows(intake, groups: pd.DataFrame, members: pd.DataFrame, codes_of: dict) -> None:
    """Groups outside the sender's plan-schedule, and listeners who are not members of the group."""
    for sheet in ("execution_groups", "execution_listeners"):
        frame = intake.records[sheet]
        if not frame.empty:
            intake.refuse(sheet, ~_owned(frame, groups, codes_of), "unknown_group", "group_code")
    listeners = intake.records["execution_listeners"]
    if listeners.empty:
        return
    enrolled = set(keys_of(members, ["plan_year", "group_code", "org_code", "person_id"]))
    reported = keys_of(
        listeners.assign(person_id=person_ids(listeners)),
        ["plan_year", "group_code", "org_code", "person_id"],
    )
    inside = pd.Series([key in enrolled for key in reported], index=listeners.index, dtype=bool)
    intake.refuse("execution_listeners", ~inside, "listener_not_in_group", "group_code")


def group_outcomes(reported: pd.DataFrame, groups: pd.DataFrame) -> pd.DataFrame:
    """The latest report on each group wins. A moved group counts as held once its new dates lie within the
    quarter of the report that says so; it stays counted as moved."""
    if reported.empty:
        return _empty(OUTCOME_COLUMNS)
    ordered = reported.sort_values([*GROUP_KEY, *REPORT_ORDER], kind="stable")
    ever_moved = ordered.assign(moved=ordered["status"] == MOVED).groupby(GROUP_KEY)["moved"].any()
    latest = ordered.drop_duplicates(GROUP_KEY, keep="last").set_index(GROUP_KEY)
    ends = pd.Series(
        [quarter_end(int(y), int(q)) for (y, _), q in zip(latest.index, latest["quarter"], strict=True)],
        index=latest.index,
    )
    latest["moved"] = ever_moved.reindex(latest.index).astype(bool)
    latest["held"] = (latest["status"] == HELD) | (
        (latest["status"] == MOVED) & (latest["actual_end"] <= ends).fillna(False)
    )
    latest["cancelled"] = latest["status"] == CANCELLED
    plan = groups.set_index(GROUP_KEY)[["provider_code", "program_code", "quarter"]]
    plan = plan.rename(columns={"quarter": "planned_quarter"})
    latest = latest.join(plan).reset_index()
    return latest[OUTCOME_COLUMNS].sort_values(GROUP_KEY).reset_index(drop=True)


def refuse_bad_completions(intake, groups: pd.DataFrame, outcomes: pd.DataFrame, as_of: date) -> None:
    """Completions in a cancelled group, certificates dated outside the group's run or in the future, and a
    certificate number a provider has already given someone else."""
    listeners = intake.records["execution_listeners"]
    if listeners.empty:
        return
    done = listeners["completed"] == DONE
    # The status the listener's own file gives the group, else the group's latest.
    same_file = intake.records["execution_groups"].set_index(["file", "group_code"])["status"]
    in_file = same_file.index.get_indexer(
        pd.MultiIndex.from_arrays([listeners["file"], listeners["group_code"]])
    )
    status = pd.Series(
        np.where(
            in_file >= 0,
            looked_up(same_file, listeners["file"], listeners["group_code"]),
            looked_up(
                outcomes.set_index(GROUP_KEY)["status"], listeners["plan_year"], listeners["group_code"]
            ),
        ),
        index=listeners.index,
        dtype="object",
    )
    intake.refuse(
        "execution_listeners",
        done & (status == CANCELLED),
        "completion_in_cancelled_group",
        "completed",
        params=lambda record: {"expected": record["group_code"]},
    )
    listeners = intake.records["execution_listeners"]
    if listeners.empty:
        return
    starts = _group_starts(groups, outcomes)
    start = pd.Series(
        [starts.get(k) for k in keys_of(listeners, GROUP_KEY)],
        index=listeners.index,
        dtype="datetime64[us]",
    )
    dated = (listeners["completed"] == DONE) & listeners["certificate_date"].notna()
    today = pd.Timestamp(as_of)
    outside = dated & (
        (listeners["certificate_date"] < start).fillna(False) | (listeners["certificate_date"] > today)
    )
    intake.refuse(
        "execution_listeners",
        outside,
        "certificate_date_invalid",
        "certificate_date",
        params=lambda record: {
            "value": _shown(record["certificate_date"]),
            "expected": f"с {_shown(starts.get((record['plan_year'], record['group_code'])))} "
            f"по {_shown(today)}",
        },
    )
    _refuse_duplicate_certificates(intake, groups)


def _group_starts(groups: pd.DataFrame, outcomes: pd.DataFrame) -> dict:
    starts = dict(zip(keys_of(groups, GROUP_KEY), groups["start_date"].tolist(), strict=True))
    for year, code, actual in keys_of(outcomes, [*GROUP_KEY, "actual_start"]):
        if pd.notna(actual):
            starts[(year, code)] = actual
    return starts


def _refuse_duplicate_certificates(intake, groups: pd.DataFrame) -> None:
    listeners = intake.records["execution_listeners"]
    numbered = listeners[(listeners["completed"] == DONE) & listeners["certificate_number"].notna()].copy()
    if numbered.empty:
        return
    owner = groups.set_index(GROUP_KEY)["provider_code"]
    numbered["provider_code"] = looked_up(owner, numbered["plan_year"], numbered["group_code"])
    numbered["holder"] = keys_of(numbered.assign(person_id=person_ids(numbered)), [*GROUP_KEY, "person_id"])
    numbered = numbered.sort_values(["plan_year", *REPORT_ORDER], kind="stable")
    first = numbered.drop_duplicates(["provider_code", "certificate_number"]).set_index(
        ["provider_code", "certificate_number"]
    )
    first_holder = looked_up(first["holder"], numbered["provider_code"], numbered["certificate_number"])
    # The same listener reported again (a moved group in a later quarter) keeps the same number legitimately.
    taken = pd.Series(
        [h != f for h, f in zip(numbered["holder"].tolist(), first_holder, strict=True)], index=numbered.index
    )
    mask = pd.Series(False, index=listeners.index)
    mask[taken[taken].index] = True
    intake.refuse(
        "execution_listeners",
        mask,
        "certificate_duplicate",
        "certificate_number",
        params=lambda record: {
            "expected": _first_use(first, owner, record),
        },
    )


def _first_use(first: pd.DataFrame, owner: pd.Series, record: pd.Series) -> str:
    provider = owner.get((record["plan_year"], record["group_code"]))
    earlier = first.loc[(provider, record["certificate_number"])]
    return f"группа {earlier['group_code']}, файл «{earlier['file']}», строка {int(earlier['row'])}"


def listener_outcomes(reported: pd.DataFrame, groups: pd.DataFrame) -> pd.DataFrame:
    """The latest report on each listener of each group, with the program's hours and title."""
    if reported.empty:
        return _empty(COMPLETION_COLUMNS)
    found = reported.assign(person_id=person_ids(reported))
    found = found.sort_values([*GROUP_KEY, "person_id", *REPORT_ORDER], kind="stable")
    found = found.drop_duplicates([*GROUP_KEY, "person_id"], keep="last")
    plan = groups[[*GROUP_KEY, "program_code", "provider_code", "hours", "title"]]
    found = found.merge(plan, on=GROUP_KEY, how="left", validate="many_to_one")
    found = found.rename(columns={"title": "program_title"})
    return found[COMPLETION_COLUMNS].sort_values([*GROUP_KEY, "person_id"]).reset_index(drop=True)


def plan_fact(
    groups: pd.DataFrame, members: pd.DataFrame, outcomes: pd.DataFrame, completions: pd.DataFrame
) -> dict[str, pd.DataFrame]:
    """Plan against fact by the quarter a group is planned in: every cut of CUTS, counts and rates."""
    flags = outcomes[[*GROUP_KEY, "held", "moved", "cancelled"]]
    planned = groups.merge(flags, on=GROUP_KEY, how="left", validate="one_to_one")
    for flag in ("held", "moved", "cancelled"):
        planned[flag] = planned[flag].astype("boolean").fillna(False).astype(bool)
    trained = set(keys_of(completions[completions["completed"] == DONE], [*GROUP_KEY, "person_id"]))
    enrolled = members[[*GROUP_KEY, "person_id", "org_code", "municipality"]].merge(
        planned[
            [*GROUP_KEY, "quarter", "provider_code", "program_code", "hours", "held", "moved", "cancelled"]
        ],
        on=GROUP_KEY,
        how="inner",
        validate="many_to_one",
    )
    enrolled["trained"] = [k in trained for k in keys_of(enrolled, [*GROUP_KEY, "person_id"])]
    enrolled["person_hours"] = enrolled["trained"].astype(int) * enrolled["hours"].fillna(0).astype(int)
    return {cut: _figures(planned, enrolled, ["plan_year", "quarter", *by]) for cut, by in CUTS.items()}


def _figures(planned: pd.DataFrame, enrolled: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    # Groups of a municipality or organisation are the groups its staff were planned into.
    per_group = (
        planned if all(k in planned for k in keys) else enrolled.drop_duplicates([*keys, "group_code"])
    )
    groups = per_group.groupby(keys, dropna=False).agg(
        groups_planned=("group_code", "size"),
        groups_held=("held", "sum"),
        groups_moved=("moved", "sum"),
        groups_cancelled=("cancelled", "sum"),
    )
    listeners = enrolled.groupby(keys, dropna=False).agg(
        listeners_planned=("person_id", "size"),
        listeners_trained=("trained", "sum"),
        person_hours=("person_hours", "sum"),
    )
    table = groups.join(listeners, how="outer").fillna(0).astype(int)
    rate = table["listeners_trained"] / table["listeners_planned"].where(table["listeners_planned"] > 0)
    table["completion_rate"] = rate.round(4)
    return table.reset_index()[[*keys, *FIGURES]].sort_values(keys).reset_index(drop=True)


def report_status(
    submissions: list, counts: dict, groups: pd.DataFrame, providers: pd.DataFrame, config, as_of: date
) -> pd.DataFrame:
    """Per provider and quarter: sent in time, late, missing (groups were planned and the deadline passed)
    or not required. Quarters shown: those whose deadline passed and those already reported on."""
    codes_of = provider_codes_of(providers)
    first_sent: dict[tuple, date] = {}
    for sub in sorted(submissions, key=lambda s: s.order_key):
        if sub.kind.slug != EXECUTION_KIND or counts.get(sub.name) is None or counts[sub.name].rows_in == 0:
            continue
        for code in codes_of.get(sub.login, ()):
            first_sent.setdefault((code, sub.plan_year, sub.quarter), sub.submitted)
    planned = groups.groupby(["plan_year", "quarter", "provider_code"]).size().to_dict()
    names = dict(zip(providers["provider_code"], providers["name"], strict=True))
    years = sorted({int(y) for y in groups["plan_year"]} | {y for _, y, _ in first_sent})
    rows = []
    for year in years:
        active = {p for (y, _, p) in planned if y == year} | {p for (p, y, _) in first_sent if y == year}
        for quarter in QUARTERS:
            deadline = config.deadline("monitoring", year, quarter)
            for code in sorted(active):
                sent = first_sent.get((code, year, quarter))
                count = planned.get((year, quarter, code), 0)
                if sent is not None:
                    status = SUBMITTED if sent <= deadline else SUBMITTED_LATE
                elif as_of <= deadline:
                    continue
                else:
                    status = MISSING if count else NOT_REQUIRED
                rows.append([year, quarter, code, names.get(code, code), count, deadline, sent, status])
    frame = pd.DataFrame(rows, columns=STATUS_COLUMNS)
    for column in ("deadline", "submitted"):
        frame[column] = pd.to_datetime(frame[column])
    frame["plan_year"] = frame["plan_year"].astype("Int64")
    frame["quarter"] = frame["quarter"].astype("Int64")
    return frame


def not_trained(
    members: pd.DataFrame,
    outcomes: pd.DataFrame,
    completions: pd.DataFrame,
    staff: pd.DataFrame,
    archive: pd.DataFrame,
) -> pd.DataFrame:
    """Staff whose accepted application was placed in a group that was held without their completing it, or
    in a group that was cancelled (order, items 4.3, 4.4: operators control their staff's completion); one who
    has left since is named from the staff archive."""
    columns = [
        "plan_year",
        "org_code",
        "person_id",
        "surname",
        "first_name",
        "patronymic",
        "position",
        "program_code",
        "provider_code",
        "group_code",
        "reason",
    ]
    flags = outcomes[[*GROUP_KEY, "held", "cancelled", "program_code", "provider_code"]]
    placed = members[[*GROUP_KEY, "person_id", "org_code"]].merge(
        flags, on=GROUP_KEY, how="inner", validate="many_to_one"
    )
    held, cancelled = placed["held"].astype(bool), placed["cancelled"].astype(bool)
    said = completions.set_index([*GROUP_KEY, "person_id"])["completed"]
    word = pd.Series(
        looked_up(said, *(placed[c] for c in [*GROUP_KEY, "person_id"])), index=placed.index, dtype="object"
    )
    placed["reason"] = None
    placed.loc[held & (word == "нет"), "reason"] = "не завершил обучение"
    placed.loc[held & word.isna(), "reason"] = "нет сведений о завершении в отчёте оператора ПК"
    placed.loc[cancelled, "reason"] = "группа отменена"
    placed = placed[placed["reason"].notna()]
    placed = placed.reset_index(drop=True)
    people = person_records(placed, staff, archive, ["surname", "first_name", "patronymic", "position"])
    placed = pd.concat([placed, people], axis=1)
    return (
        placed[columns]
        .sort_values(["org_code", "plan_year", "surname", "first_name", "group_code"])
        .reset_index(drop=True)
    )


COMPLETED_COURSE = ["completed", "certificate_date", "person_id", "program_code", "program_title", "hours"]


def apply_completions(staff: pd.DataFrame, completions: pd.DataFrame) -> pd.DataFrame:
    """The staff registry with every completed course recorded: last_training_year is the later of the one
    the organisation gave and the certificate's year, and the course joins courses_taken once. Kept in the
    memo: a re-run whose staff and completions did not change takes the result back."""
    memo = Memo("monitoring-completions", sources=["pipeline/monitoring.py"])
    if not memo.enabled:
        return _with_completions(staff, completions)
    used = completions[[c for c in COMPLETED_COURSE if c in completions]]
    return memo.get(fingerprint(staff, used), lambda: _with_completions(staff, completions))


def _with_completions(staff: pd.DataFrame, completions: pd.DataFrame) -> pd.DataFrame:
    done = completions[(completions["completed"] == DONE) & completions["certificate_date"].notna()]
    updated = staff.copy()
    if done.empty or updated.empty:
        return updated
    done = done.sort_values(["person_id", "certificate_date", "program_code"])
    latest_year = done.groupby("person_id")["certificate_date"].max().dt.year
    known = updated["person_id"].map(latest_year).astype("Int64")
    current = updated["last_training_year"].astype("Int64")
    updated["last_training_year"] = current.where(current.notna() & (current >= known.fillna(current)), known)
    courses: dict[str, list[str]] = {}
    volumes = [
        f"{int(hours)} ч, " if known else ""
        for hours, known in zip(done["hours"].tolist(), done["hours"].notna().tolist(), strict=True)
    ]
    for person, title, code, volume, year in zip(
        done["person_id"].tolist(),
        done["program_title"].tolist(),
        done["program_code"].tolist(),
        volumes,
        done["certificate_date"].dt.year.tolist(),
        strict=True,
    ):
        name = title if isinstance(title, str) else code
        courses.setdefault(person, []).append(f"{name} ({volume}{year})")
    updated["courses_taken"] = [
        _with_courses(existing, courses[person]) if person in courses else existing
        for existing, person in zip(
            updated["courses_taken"].tolist(), updated["person_id"].tolist(), strict=True
        )
    ]
    return updated


def _with_courses(existing: object, new: list[str]) -> object:
    if not new:
        return existing
    listed = [c.strip() for c in existing.split(";") if c.strip()] if isinstance(existing, str) else []
    listed += [c for c in new if c not in listed]
    return "; ".join(listed)


def _empty(columns: list[str]) -> pd.DataFrame:
    """No rows, but the key columns typed as in a full frame, so merges on them still line up."""
    frame = pd.DataFrame(columns=columns)
    return frame.astype(
        {c: "Int64" for c in ("plan_year", "quarter") if c in columns} | {"group_code": "str"}
    )


def _shown(value: object) -> str:
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return ""
    return pd.Timestamp(value).strftime("%d.%m.%Y")


def monitor(intake, groups, members, staff, archive, providers, config, as_of: date) -> Monitoring:
    """Check the reports in force (refusing bad rows into the issue table) and work out every figure. Kept in
    the memo: a re-run whose reports, plan and files are unchanged takes the figures back and makes the same
    refusals again, so the issue table and the files' counts are those of a run without memo."""
    memo = Memo("monitoring-monitor", sources=["pipeline/monitoring.py", "pipeline/intake/take_in.py"])
    if not memo.enabled:
        result = _monitor(intake, groups, members, providers, config, as_of)
    else:
        result = _kept_monitor(memo, intake, groups, members, providers, config, as_of)
    return replace(
        result, not_trained=not_trained(members, result.outcomes, result.completions, staff, archive)
    )


def _kept_monitor(memo: Memo, intake, groups, members, providers, config, as_of: date) -> Monitoring:
    key = fingerprint(
        "monitor",
        intake.records["execution_groups"],
        intake.records["execution_listeners"],
        _files_read(intake),
        groups,
        members,
        providers,
        config,
        as_of,
    )
    found, kept = memo.recall(key)
    if found:
        refusals, result = kept
        for refusal in refusals:
            refusal.replay(intake)
        return result
    recording = _RecordedRefusals(intake)
    result = _monitor(recording, groups, members, providers, config, as_of)
    memo.keep(key, (recording.refusals, result))
    return result


def _files_read(intake) -> str:
    """What report_status reads of the files and their counts: the execution reports only (a school's new staff
    list leaves the key as it was); names, not the folder they lie in, so a copy of the inputs elsewhere has the
    same key. As text: a pickle's bytes depend on which equal values happen to be one object."""
    reports = [s for s in intake.submissions if s.kind.slug == EXECUTION_KIND]
    files = [(s.name, s.login, s.submitted, s.path.name, s.plan_year, s.quarter) for s in reports]
    counts = [(s.name, astuple(intake.counts[s.name]) if s.name in intake.counts else None) for s in reports]
    return repr((files, counts))


@dataclass
class _Refusal:
    """One intake.refuse call of monitor(): which rows (by position), why, and the message's parameters."""

    sheet: str
    mask: np.ndarray
    code: str
    column: str
    params: list[dict] | None

    def replay(self, intake) -> None:
        given = iter(self.params or [])
        intake.refuse(
            self.sheet,
            pd.Series(self.mask, index=intake.records[self.sheet].index),
            self.code,
            self.column,
            (lambda record: dict(next(given))) if self.params is not None else None,
        )


class _RecordedRefusals:
    """The intake as monitor() sees it, noting each refusal so that a re-run can make it again."""

    def __init__(self, intake):
        self._intake = intake
        self.refusals: list[_Refusal] = []

    def __getattr__(self, name: str):
        return getattr(self._intake, name)

    def refuse(self, sheet: str, mask: pd.Series, code: str, column: str, params=None) -> None:
        given: list[dict] = []

        def noted(record) -> dict:
            extra = params(record)
            given.append(dict(extra))
            return extra

        recorded = _Refusal(sheet, mask.to_numpy(dtype=bool), code, column, given if params else None)
        self._intake.refuse(sheet, mask, code, column, noted if params else None)
        self.refusals.append(recorded)


def _monitor(intake, groups, members, providers, config, as_of: date) -> Monitoring:
    """Everything but the staff not trained (the one figure that reads the staff registry)."""
    codes_of = provider_codes_of(providers)
    refuse_foreign_rows(intake, groups, members, codes_of)
    outcomes = group_outcomes(intake.records["execution_groups"], groups)
    refuse_bad_completions(intake, groups, outcomes, as_of)
    completions = listener_outcomes(intake.records["execution_listeners"], groups)
    status = report_status(intake.submissions, intake.counts, groups, providers, config, as_of)
    return Monitoring(
        outcomes=outcomes,
        completions=completions,
        plan_fact=plan_fact(groups, members, outcomes, completions),
        report_status=status,
        late_reports=status[status["status"].isin([SUBMITTED_LATE, MISSING])].reset_index(drop=True),
        not_trained=pd.DataFrame(),
    )


def run_monitoring(ctx, state: dict) -> dict:
    """The stage's edge. It replaces state["registries"] with one whose staff carry the completed courses,
    so the needs analysis (which runs after monitoring) and the three-year rule see them."""
    from pipeline.monitoring_reports import public_frames, write_reports  # it imports this module

    registries, schedule = state["registries"], state["schedule"]
    groups = planned_groups(schedule.groups, registries.catalog, registries.programs)
    monitoring = monitor(
        state["intake"],
        groups,
        schedule.members,
        registries.staff,
        registries.staff_archive,
        registries.providers,
        ctx.config,
        ctx.as_of,
    )
    ctx.write_later(lambda: write_reports(ctx, monitoring, registries))
    public = state.get("public", {})
    for year, frames in public_frames(monitoring, registries.providers, ctx.config).items():
        public.setdefault(year, {}).update(frames)
    updated = replace(registries, staff=apply_completions(registries.staff, monitoring.completions))
    return {"monitoring": monitoring, "registries": updated, "public": public}
