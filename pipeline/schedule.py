"""The plan-schedule: dates for the proposed groups, providers' own schedules checked, all merged and approved."""

import math
import pickle
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial

import numpy as np
import pandas as pd

from pipeline.config import RegionConfig
from pipeline.groups import MEMBER_COLUMNS, GroupPlan, program_sites
from pipeline.memo import Memo, fingerprint
from pipeline.registries import days_left, person_ids
from schemas.lists import REMOTE_PLACE

PROPOSED, SUBMITTED = "предложение", "оператор ПК"
DRAFT, APPROVED = "проект", "утверждён"
REASON_CLASH = "даты группы пересекаются с другой группой этого педагога"
REASON_DISSOLVED = "группа не набрала минимум слушателей после согласования дат"
REASON_LEFT_OUT = "не включена в план-график оператора ПК"
REASON_LEFT_STAFF = "работник выбыл из организации до начала группы"
HOURS_PER_DAY = 8

GROUP_COLUMNS = [
    "plan_year",
    "group_code",
    "program_code",
    "provider_code",
    "place",
    "start_date",
    "end_date",
    "capacity",
    "form",
    "listeners",
    "source",
]
STATUS_COLUMNS = ["plan_year", "status", "order_number", "order_date"]
AMENDMENT_COLUMNS = ["plan_year", "order_number", "order_date", "note", "changed_groups"]


@dataclass
class Schedule:
    """The consolidated plan-schedule of every plan year (frames carry plan_year)."""

    groups: pd.DataFrame  # GROUP_COLUMNS
    members: (
        pd.DataFrame
    )  # plan_year, group_code, application_id, person_id, org_code, municipality, travel_km
    unplaced: pd.DataFrame  # plan_year, application_id, person_id, org_code, program_code, reason
    status: pd.DataFrame  # STATUS_COLUMNS
    amendments: pd.DataFrame  # AMENDMENT_COLUMNS
    solver: pd.DataFrame  # from group formation


def catalog_entries(catalog: pd.DataFrame) -> dict[tuple, dict]:
    """Each (plan year, program code) of the catalog with its entry as a dict (the first, as .loc on the
    de-duplicated frame gives): one lookup per group instead of a frame indexing."""
    unique = catalog.drop_duplicates(["plan_year", "program_code"])
    names = list(unique.columns)
    rows = (
        dict(zip(names, values, strict=True))
        for values in zip(*(unique[c].tolist() for c in names), strict=True)
    )
    return {(row["plan_year"], row["program_code"]): row for row in rows}


def keys_of(frame: pd.DataFrame, *columns: str) -> list[tuple]:
    """The rows' values of the columns as tuples (Python scalars, for dict and set lookups)."""
    return list(zip(*(frame[c].tolist() for c in columns), strict=True))


# --- dates


def is_working_day(day: date, config: RegionConfig) -> bool:
    return day.weekday() < 5 and not config.is_closed(day)


def group_span(start: date, days, hours, config: RegionConfig) -> date | None:
    """The last day of a group starting on `start`: `days` calendar days free of closed periods, or
    ceil(hours / 8) working days. None when the span runs into a closed period or past the year."""
    if days is not None and not pd.isna(days):
        end = start + timedelta(days=int(days) - 1)
        span = (start + timedelta(days=d) for d in range(int(days)))
        if end.year != start.year or any(config.is_closed(d) for d in span):
            return None
        return end
    needed, day = max(1, math.ceil(int(hours) / HOURS_PER_DAY)), start
    while True:
        if is_working_day(day, config):
            needed -= 1
            if needed == 0:
                return day
        day += timedelta(days=1)
        if day.year != start.year:
            return None


def quarter_starts(year: int, quarter, config: RegionConfig) -> list[date]:
    """Mondays (or the first working day of their week) of a quarter, or of the whole year."""
    first_month, last_month = (1, 12) if pd.isna(quarter) else (int(quarter) * 3 - 2, int(quarter) * 3)
    day = date(year, first_month, 1)
    day -= timedelta(days=day.weekday())
    starts = []
    while day.year <= year and (day.year < year or day.month <= last_month):
        week = [day + timedelta(days=d) for d in range(5)]
        usable = [d for d in week if d.year == year and d.month >= first_month and is_working_day(d, config)]
        if usable and usable[0].month <= last_month:
            starts.append(usable[0])
        day += timedelta(days=7)
    return starts


def date_groups(
    groups: pd.DataFrame,
    members: pd.DataFrame,
    catalog: pd.DataFrame,
    config: RegionConfig,
    busy: dict[str, list[tuple[date, date]]] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Start and end dates for proposed groups: in their preferred quarter, spread over its weeks per
    provider, never over a closed period and never while one of the listeners is in another group. Listeners
    who cannot fit come back as clashes (plan_year, group_code, person_id): they leave that group.

    A group's dates lie within its plan year, so the years are dated apart (each kept in the memo by what
    it reads: a school's change re-dates only the years its people applied for); what joins the years is
    each provider's turn, counted over all groups in order, and the spans `busy` gives at the outset."""
    busy = busy or {}
    people: dict[tuple, list] = {}
    for year, code, person in keys_of(members, "plan_year", "group_code", "person_id"):
        people.setdefault((year, code), []).append(person)
    entries = catalog_entries(catalog)
    spread, years = {}, {}
    for position, (year, code, program, provider, quarter) in enumerate(
        keys_of(groups, "plan_year", "group_code", "program_code", "provider_code", "quarter")
    ):
        key = (provider, None if pd.isna(quarter) else int(quarter))
        turn = spread.get(key, 0)
        spread[key] = turn + 1
        entry = entries[(year, program)]
        listeners = people.get((year, code), [])
        years.setdefault(year, []).append(
            (position, code, quarter, turn, entry.get("days"), entry["hours"], listeners)
        )
    memo = Memo("schedule-dating", DATING_SOURCES)
    starts, ends, clashing = [None] * len(groups), [None] * len(groups), []
    for year, work in years.items():
        known = {p: busy[p] for _, _, _, _, _, _, listeners in work for p in listeners if p in busy}
        # Not the groups' positions: a group more or less in an earlier year shifts them, not this year's dates.
        asked = [item[1:] for item in work]
        key = fingerprint(pickle.dumps((year, asked, known, config), protocol=5))
        dated = memo.get(key, partial(_date_year, int(year), work, known, config))
        for (position, _, _, _, _, _, _), (start, end, clashes) in zip(work, dated, strict=True):
            starts[position], ends[position] = pd.Timestamp(start), pd.Timestamp(end)
            clashing += [(position, year, person) for person in clashes]
    codes = groups["group_code"].tolist()
    clashing.sort(key=lambda found: found[0])  # in the groups' order, as one pass over them gives
    rows = [(year, codes[position], person) for position, year, person in clashing]
    dated = groups.copy()
    dated["start_date"] = pd.Series(starts, index=groups.index, dtype="datetime64[s]")
    dated["end_date"] = pd.Series(ends, index=groups.index, dtype="datetime64[s]")
    return dated, pd.DataFrame(rows, columns=["plan_year", "group_code", "person_id"])


# What the dating of a year reads: this module's rules and the config's calendar.
DATING_SOURCES = ("pipeline/schedule.py", "pipeline/config.py")


def _date_year(year: int, work: list[tuple], busy: dict, config: RegionConfig) -> list[tuple]:
    """(start, end, clashing listeners in their order) of each of a year's groups, dated in turn."""
    busy = {person: list(spans) for person, spans in busy.items()}
    calendar, dated = _Calendar(config), []
    for _, _, quarter, turn, days, hours, listeners in work:
        start, end, clashing = _first_free(
            year, quarter, turn, {"days": days, "hours": hours}, listeners, busy, calendar
        )
        for person in listeners:
            if person not in clashing:
                busy.setdefault(person, []).append((start, end))
        dated.append((start, end, [person for person in listeners if person in clashing]))
    return dated


class _Calendar:
    """quarter_starts and group_span of one config, each distinct question answered once."""

    def __init__(self, config: RegionConfig):
        self.config, self.starts, self.spans = config, {}, {}

    def quarter_starts(self, year: int, quarter) -> list[date]:
        key = (year, None if pd.isna(quarter) else int(quarter))
        if key not in self.starts:
            self.starts[key] = quarter_starts(year, quarter, self.config)
        return self.starts[key]

    def group_span(self, start: date, days, hours) -> date | None:
        key = (start, None if days is None or pd.isna(days) else int(days), hours)
        if key not in self.spans:
            self.spans[key] = group_span(start, days, hours, self.config)
        return self.spans[key]


def _first_free(year, quarter, turn, entry, listeners, busy, calendar) -> tuple[date, date, set]:
    """The first span free for every listener; when there is none, the span that the fewest listeners are busy
    in, with those listeners (they leave the group: a teacher is never in two groups at once)."""
    days, hours = entry.get("days"), entry["hours"]
    # The preferred quarter first, then the rest of the year; within it, start at this provider's next
    # slot two weeks after the previous group so that one provider's groups do not all start together.
    best = None
    for candidates in (calendar.quarter_starts(year, quarter), calendar.quarter_starts(year, pd.NA)):
        if not candidates:
            continue
        offset = (turn * 2) % len(candidates)
        for start in candidates[offset:] + candidates[:offset]:
            end = calendar.group_span(start, days, hours)
            if end is None:
                continue
            clashing = {p for p in listeners if any(overlaps((start, end), span) for span in busy.get(p, []))}
            if not clashing:
                return start, end, set()
            if best is None or len(clashing) < len(best[2]):
                best = (start, end, clashing)
    if best is not None:
        return best
    return date(year, 1, 1), date(year, 12, 31), set(listeners)


def overlaps(a: tuple[date, date], b: tuple[date, date]) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def overlapping_members(groups: pd.DataFrame, members: pd.DataFrame) -> pd.DataFrame:
    """Pairs of a person's groups whose dates overlap: plan_year, person_id, group_code, other_group."""
    spans = members[["plan_year", "person_id", "group_code"]].merge(
        groups[["plan_year", "group_code", "start_date", "end_date"]], on=["plan_year", "group_code"]
    )
    pairs = spans.merge(spans, on=["plan_year", "person_id"], suffixes=("", "_other"))
    pairs = pairs[pairs["group_code"] < pairs["group_code_other"]]
    clash = (pairs["start_date"] <= pairs["end_date_other"]) & (
        pairs["start_date_other"] <= pairs["end_date"]
    )
    found = pairs[clash][["plan_year", "person_id", "group_code", "group_code_other"]]
    return found.rename(columns={"group_code_other": "other_group"}).reset_index(drop=True)


# --- providers' own schedules


def check_submitted(intake, registries, config: RegionConfig) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Refuse the rows of providers' schedules that cannot stand (via intake.refuse, so each provider's
    feedback names the cell); return the accepted groups and listeners (with person_id)."""
    entries = catalog_entries(registries.catalog)
    providers = registries.providers
    home = dict(zip(providers["provider_code"].tolist(), providers["municipality"].tolist(), strict=True))
    names = {m.code: m.name for m in config.municipalities}
    groups = intake.records["schedule_groups"]
    if groups.empty:
        listeners = intake.records["schedule_listeners"]
        intake.refuse(
            "schedule_listeners", pd.Series(True, index=listeners.index), "unknown_group", "group_code"
        )
        return groups.assign(provider_code=pd.Series(dtype="object")), _listeners_of(intake)
    keys = keys_of(groups, "plan_year", "program_code")
    known = pd.Series([k in entries for k in keys], index=groups.index, dtype=bool)
    intake.refuse(
        "schedule_groups",
        ~known,
        "program_not_in_catalog",
        "program_code",
        params=lambda r: {"expected": str(r["plan_year"])},
    )
    groups = intake.records["schedule_groups"]
    sites = {
        k: program_sites(entries[k], config, home.get(entries[k]["provider_code"]))
        for k in set(keys)
        if k in entries
    }
    allowed = pd.Series(
        [p in sites[(y, c)] for y, c, p in keys_of(groups, "plan_year", "program_code", "place")],
        index=groups.index,
        dtype=bool,
    )

    def allowed_text(record) -> dict:
        shown = [names.get(s, s) for s in sites[(record["plan_year"], record["program_code"])]]
        return {"value": names.get(record["place"], record["place"]), "expected": ", ".join(shown)}

    intake.refuse("schedule_groups", ~allowed, "group_place_not_allowed", "place", params=allowed_text)
    groups = intake.records["schedule_groups"]
    most = pd.Series(
        [entries[k]["group_max"] for k in keys_of(groups, "plan_year", "program_code")], index=groups.index
    )
    intake.refuse(
        "schedule_groups",
        groups["capacity"] > most,
        "group_size_out_of_bounds",
        "capacity",
        params=lambda r: {
            "expected": f"не больше {entries[(r['plan_year'], r['program_code'])]['group_max']}"
        },
    )
    listeners = _check_sizes(intake, entries, _check_listeners(intake, registries))
    groups = intake.records["schedule_groups"].copy()
    groups["provider_code"] = [
        entries[k]["provider_code"] for k in keys_of(groups, "plan_year", "program_code")
    ]
    return groups, listeners


def _listeners_of(intake) -> pd.DataFrame:
    listeners = intake.records["schedule_listeners"].copy()
    listeners["person_id"] = person_ids(listeners)
    return listeners


def _check_listeners(intake, registries) -> pd.DataFrame:
    groups = intake.records["schedule_groups"]
    listeners = _listeners_of(intake)
    if listeners.empty:
        return listeners
    own = set(keys_of(groups, "sender", "plan_year", "group_code"))
    mine = pd.Series(
        [k in own for k in keys_of(listeners, "sender", "plan_year", "group_code")],
        index=listeners.index,
        dtype=bool,
    )
    listeners = _refused(intake, listeners, ~mine, "unknown_group", "group_code")
    # On the staff now, or left it on or after the group began (the order, item 3.2: a teacher who leaves stays
    # a listener of the groups she attended, so a school's new staff list does not rewrite an earlier year).
    current = set(keys_of(registries.staff, "person_id", "org_code"))
    left_on = days_left(registries.staff_archive)
    left_day = _left_before_start(listeners, groups, current, left_on)
    listeners = _refused(
        intake,
        listeners,
        left_day.notna(),
        "listener_left",
        "surname",
        params=lambda r: {**_person_value(r), "expected": left_day[r.name].strftime("%d.%m.%Y")},
    )
    exists = pd.Series(
        [k in current or k in left_on for k in keys_of(listeners, "person_id", "org_code")],
        index=listeners.index,
        dtype=bool,
    )
    listeners = _refused(intake, listeners, ~exists, "unknown_staff", "surname", params=_person_value)
    program_of = dict(
        zip(keys_of(groups, "plan_year", "group_code"), groups["program_code"].tolist(), strict=True)
    )
    applied = set(keys_of(registries.applications, "plan_year", "person_id", "program_code"))
    programs = [program_of.get(k) for k in keys_of(listeners, "plan_year", "group_code")]
    did = pd.Series(
        [
            (year, person, program) in applied
            for (year, person), program in zip(
                keys_of(listeners, "plan_year", "person_id"), programs, strict=True
            )
        ],
        index=listeners.index,
        dtype=bool,
    )
    listeners = _refused(
        intake,
        listeners,
        ~did,
        "listener_not_applied",
        "surname",
        params=lambda r: {
            **_person_value(r),
            "expected": program_of.get((r["plan_year"], r["group_code"]), ""),
        },
    )
    spans = groups.set_index(["plan_year", "group_code"])[["start_date", "end_date"]]
    keys = keys_of(listeners, "plan_year", "group_code")
    if spans.index.is_unique:  # a dict lookup per listener instead of .loc: the same values, far faster
        # Positions of the groups, and the dates as numpy's: no Timestamp made per listener.
        at = {k: i for i, k in enumerate(keys_of(groups, "plan_year", "group_code"))}
        positions = [at[k] for k in keys]
        start = groups["start_date"].to_numpy().astype("datetime64[us]")[positions]
        end = groups["end_date"].to_numpy().astype("datetime64[us]")[positions]
    else:
        start = [spans.loc[k, "start_date"] for k in keys]
        end = [spans.loc[k, "end_date"] for k in keys]
    ordered = listeners.assign(
        start=start,
        end=end,
    ).sort_values(["start", "group_code", "file", "row"], kind="stable")
    seen: dict[tuple, list] = {}
    other = {}
    rows = zip(
        ordered.index.tolist(),
        *(ordered[c].tolist() for c in ("plan_year", "person_id", "group_code")),
        # One unit for both columns: their integers compare as the dates do.
        ordered["start"].to_numpy().astype("datetime64[us]").astype("int64").tolist(),
        ordered["end"].to_numpy().astype("datetime64[us]").astype("int64").tolist(),
        strict=True,
    )
    missing = pd.NaT.value  # NaT as an integer: a span without a date overlaps nothing, as with Timestamps
    for index, year, person, code, first, last in rows:
        if first == missing or last == missing:
            continue
        taken = seen.setdefault((year, person), [])
        # overlaps(), inline: this runs once per listener of the region
        hit = next((g for g, s0, s1 in taken if first <= s1 and s0 <= last), None) if taken else None
        if hit is not None:
            other[index] = hit
        else:
            taken.append((code, first, last))
    clash = pd.Series(listeners.index.isin(list(other)), index=listeners.index, dtype=bool)
    return _refused(
        intake,
        listeners,
        clash,
        "listener_overlap",
        "group_code",
        params=lambda r: {"expected": other[r.name]},
    )


def _left_before_start(
    listeners: pd.DataFrame, groups: pd.DataFrame, current: set, left_on: dict
) -> pd.Series:
    """The day each listener left her organisation when that was before her group began (or the group has no
    start date to show she attended it); NaT for the others."""
    start_of = dict(
        zip(keys_of(groups, "sender", "plan_year", "group_code"), groups["start_date"].tolist(), strict=True)
    )
    days = []
    # Dates matter only for the few people who left: look theirs up one by one.
    for person, org, *group in keys_of(
        listeners, "person_id", "org_code", "sender", "plan_year", "group_code"
    ):
        day = None if (person, org) in current else left_on.get((person, org))
        start = start_of.get(tuple(group))
        gone_before = not pd.isna(day) and (pd.isna(start) or day < start)
        days.append(pd.Timestamp(day) if gone_before else pd.NaT)
    return pd.Series(days, index=listeners.index, dtype="datetime64[ns]")


def _refused(intake, listeners: pd.DataFrame, mask: pd.Series, code: str, column: str, params=None):
    """Refuse the masked listeners; the listeners left, with person_id. They are the records left, as
    intake.refuse leaves them (the rest, renumbered), with the person ids already worked out."""
    if not mask.any():
        return listeners
    intake.refuse("schedule_listeners", mask, code, column, params=params)
    return listeners[~mask.to_numpy()].reset_index(drop=True)


def _check_sizes(intake, entries: dict[tuple, dict], listeners: pd.DataFrame) -> pd.DataFrame:
    """Groups above their program's maximum or their capacity are refused with their listeners, groups
    below the minimum flagged; the listeners left."""
    groups = intake.records["schedule_groups"]
    with_listeners = set(keys_of(listeners, "sender", "plan_year")) if not listeners.empty else set()
    counts = listeners.groupby(["plan_year", "group_code"]).size().to_dict() if not listeners.empty else {}

    def count(record) -> int:
        return counts.get((record["plan_year"], record["group_code"]), 0)

    # A provider that sent groups without listeners: only the capacity is checked.
    facts = [
        ((sender, year) in with_listeners, counts.get((year, code), 0), entries[(year, program)], capacity)
        for sender, year, code, program, capacity in keys_of(
            groups, "sender", "plan_year", "group_code", "program_code", "capacity"
        )
    ]
    # An under-filled group still runs (the provider decided so); it is flagged, not refused.
    small = pd.Series(
        [sent and n < entry["group_min"] for sent, n, entry, _ in facts], index=groups.index, dtype=bool
    )
    intake.warn(
        "schedule_groups",
        small,
        "group_below_minimum",
        "group_code",
        params=lambda r: {
            "value": f"{r['group_code']}: {count(r)} слушателей",
            "expected": str(entries[(r["plan_year"], r["program_code"])]["group_min"]),
        },
    )
    bad = pd.Series(
        [sent and n > min(entry["group_max"], most) for sent, n, entry, most in facts],
        index=groups.index,
        dtype=bool,
    )
    refused = set(keys_of(groups[bad], "plan_year", "group_code"))
    intake.refuse(
        "schedule_groups",
        bad,
        "group_size_out_of_bounds",
        "group_code",
        params=lambda r: {
            "value": f"{r['group_code']}: {count(r)} слушателей",
            "expected": "не больше {}".format(
                min(entries[(r["plan_year"], r["program_code"])]["group_max"], r["capacity"])
            ),
        },
    )
    if not refused:
        return listeners
    gone = pd.Series(
        [k in refused for k in keys_of(listeners, "plan_year", "group_code")],
        index=listeners.index,
        dtype=bool,
    )
    return _refused(intake, listeners, gone, "listener_group_refused", "group_code")


def _person_value(record: pd.Series) -> dict:
    parts = [record.get("surname"), record.get("first_name"), record.get("patronymic")]
    name = " ".join(str(p) for p in parts if isinstance(p, str))
    return {"value": f"{name}, {record.get('birth_year')}"}


# --- the consolidated plan-schedule


def consolidate_schedule(
    plan: GroupPlan,
    submitted: pd.DataFrame,
    listeners: pd.DataFrame,
    registries,
    approvals: pd.DataFrame,
    archived: pd.DataFrame,
    config: RegionConfig,
) -> Schedule:
    """Providers' accepted schedules in place of the proposal for their programs; the proposal, dated around
    them, for everyone else; status and amendments from the Department's orders."""
    own = set(keys_of(submitted, "plan_year", "provider_code"))
    theirs = pd.Series(
        [k in own for k in keys_of(plan.groups, "plan_year", "provider_code")],
        index=plan.groups.index,
        dtype=bool,
    )
    kept = plan.groups[~theirs]
    kept_keys = set(keys_of(kept, "plan_year", "group_code"))
    in_kept = [k in kept_keys for k in keys_of(plan.members, "plan_year", "group_code")]
    kept_members = plan.members[pd.Series(in_kept, index=plan.members.index, dtype=bool)]
    # The providers' own groups and listeners rarely change when a school's staff list does: kept apart.
    sent_inputs = (submitted[SENT_GROUP_COLUMNS], listeners, registries.staff, config)
    sent_members, busy = Memo("schedule-sent", DATING_SOURCES).get(
        fingerprint(*sent_inputs), partial(_sent, *sent_inputs)
    )
    dated, clashes = date_groups(kept, kept_members, registries.catalog, config, busy)
    kept_members, clashed = _without_clashes(kept_members, clashes)
    kept_members, gone = _without_leavers(dated, kept_members, registries.left)
    dated, kept_members, dissolved = _without_small_groups(dated, kept_members, registries.catalog)
    moved_out = pd.concat(
        [
            clashed.assign(reason=REASON_CLASH),
            gone.assign(reason=REASON_LEFT_STAFF),
            dissolved.assign(reason=REASON_DISSOLVED),
        ],
        ignore_index=True,
    )
    sizes = _sizes(kept_members)
    dated = dated.assign(
        source=PROPOSED,
        listeners=[int(sizes.get(k, 0)) for k in keys_of(dated, "plan_year", "group_code")],
    )
    sent_sizes = _sizes(sent_members)
    sent = submitted.assign(
        listeners=[int(sent_sizes.get(k, 0)) for k in keys_of(submitted, "plan_year", "group_code")],
        source=SUBMITTED,
    )
    groups = pd.concat(
        [dated.reindex(columns=GROUP_COLUMNS), sent.reindex(columns=GROUP_COLUMNS)], ignore_index=True
    )
    for column in ("plan_year", "capacity", "listeners"):
        groups[column] = groups[column].astype("Int64")
    for column in ("start_date", "end_date"):  # concat with an empty side leaves objects, which .dt refuses
        groups[column] = pd.to_datetime(groups[column])
    groups = groups.sort_values(["plan_year", "provider_code", "program_code", "group_code"], kind="stable")
    members = pd.concat([kept_members, sent_members], ignore_index=True)
    members = members.sort_values(["plan_year", "group_code", "application_id"], kind="stable").reset_index(
        drop=True
    )
    unplaced = _unplaced(plan, registries.applications, own, members, moved_out)
    status, amendments = approval_status(config.plan_years, approvals, submitted, archived)
    return Schedule(groups.reset_index(drop=True), members, unplaced, status, amendments, plan.solver)


def _sizes(members: pd.DataFrame) -> dict[tuple, int]:
    """Listeners per (plan year, group code)."""
    sizes: dict[tuple, int] = {}
    for key in keys_of(members, "plan_year", "group_code"):
        sizes[key] = sizes.get(key, 0) + 1
    return sizes


SENT_GROUP_COLUMNS = ["plan_year", "group_code", "program_code", "place", "start_date", "end_date"]


def _sent(submitted, listeners, staff, config) -> tuple[pd.DataFrame, dict[str, list]]:
    """The providers' listeners as members, and the spans each of them is busy in."""
    staff = staff.drop_duplicates(["person_id", "org_code"])
    municipality_of = dict(
        zip(keys_of(staff, "person_id", "org_code"), staff["municipality"].tolist(), strict=True)
    )
    members = _submitted_members(submitted, listeners, municipality_of, config)
    groups = keys_of(submitted, "plan_year", "group_code")
    # Each group's days once, not once per listener.
    firsts = [first.date() for first in submitted["start_date"].tolist()]
    lasts = [last.date() for last in submitted["end_date"].tolist()]
    span_of = dict(zip(groups, zip(firsts, lasts, strict=True), strict=True))
    busy: dict[str, list] = {}
    for year, code, person in keys_of(members, "plan_year", "group_code", "person_id"):
        busy.setdefault(person, []).append(span_of[(year, code)])
    return members, busy


def _submitted_members(submitted, listeners, municipality_of: dict, config) -> pd.DataFrame:
    columns = MEMBER_COLUMNS
    if listeners.empty or submitted.empty:
        return pd.DataFrame(columns=columns)
    groups = keys_of(submitted, "plan_year", "group_code")
    place = dict(zip(groups, submitted["place"].tolist(), strict=True))
    program = dict(zip(groups, submitted["program_code"].tolist(), strict=True))
    rows, known, distances = [], config.municipality_by_code, {}
    for year, code, person, org in keys_of(listeners, "plan_year", "group_code", "person_id", "org_code"):
        key = (year, code)
        if key not in place:
            continue
        municipality = municipality_of.get((person, org))
        site = place[key]
        km = 0.0
        if site != REMOTE_PLACE and municipality in known and site in known:
            if (municipality, site) not in distances:
                distances[(municipality, site)] = config.distance_km(municipality, site)
            km = distances[(municipality, site)]
        rows.append(
            {
                "plan_year": year,
                "group_code": code,
                "application_id": f"{year}-{person}-{program[key]}",
                "person_id": person,
                "org_code": org,
                "municipality": municipality,
                "travel_km": round(km, 1),
            }
        )
    frame = pd.DataFrame(rows, columns=columns)
    frame["plan_year"] = frame["plan_year"].astype("Int64")
    return frame


def _without_clashes(members: pd.DataFrame, clashes: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Members minus the listeners whose other groups leave no free dates for this one."""
    if clashes.empty:
        return members, members.iloc[0:0]
    keys = set(keys_of(clashes, "plan_year", "group_code", "person_id"))
    gone = pd.Series(
        [k in keys for k in keys_of(members, "plan_year", "group_code", "person_id")],
        index=members.index,
        dtype=bool,
    )
    return members[~gone], members[gone]


def _without_leavers(
    groups: pd.DataFrame, members: pd.DataFrame, left: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Members minus the teachers who left their organisation before their proposed group begins (left:
    person_id, org_code and the day each applicant no longer on the staff left)."""
    if left.empty or members.empty:
        return members, members.iloc[0:0]
    left_on = dict(zip(keys_of(left, "person_id", "org_code"), left["archived_on"].tolist(), strict=True))
    start_of = dict(
        zip(keys_of(groups, "plan_year", "group_code"), groups["start_date"].tolist(), strict=True)
    )
    gone = np.array(
        [
            (person, org) in left_on and _left_before(left_on[(person, org)], start_of.get((year, code)))
            for year, code, person, org in keys_of(
                members, "plan_year", "group_code", "person_id", "org_code"
            )
        ],
        dtype=bool,
    )
    return members[~gone], members[gone]


def _left_before(left_on, start) -> bool:
    """A group without a start date keeps its members."""
    return not (pd.isna(left_on) or pd.isna(start)) and pd.Timestamp(left_on) < pd.Timestamp(start)


def _without_small_groups(
    groups: pd.DataFrame, members: pd.DataFrame, catalog: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Proposed groups that fell below their program's minimum once clashing listeners left are not opened;
    their members come back for the unplaced list."""
    entries = catalog_entries(catalog)
    sizes = _sizes(members)
    small = {
        (y, g)
        for y, g, p in keys_of(groups, "plan_year", "group_code", "program_code")
        if sizes.get((y, g), 0) < entries.get((y, p), {}).get("group_min", 0)
    }
    if not small:
        return groups, members, members.iloc[0:0]
    in_small = pd.Series(
        [k in small for k in keys_of(members, "plan_year", "group_code")],
        index=members.index,
        dtype=bool,
    )
    kept = pd.Series(
        [k not in small for k in keys_of(groups, "plan_year", "group_code")],
        index=groups.index,
        dtype=bool,
    )
    return groups[kept], members[~in_small], members[in_small]


def _unplaced(
    plan: GroupPlan, applications: pd.DataFrame, own: set, members: pd.DataFrame, moved_out: pd.DataFrame
) -> pd.DataFrame:
    columns = ["plan_year", "application_id", "person_id", "org_code", "program_code", "reason"]
    of_submitters = pd.Series(
        [k in own for k in keys_of(applications, "plan_year", "provider_code")],
        index=applications.index,
        dtype=bool,
    )
    placed = is_in(applications["application_id"], members["application_id"])
    left_out = applications[of_submitters.to_numpy() & ~placed].assign(reason=REASON_LEFT_OUT)
    theirs = is_in(plan.unplaced["application_id"], applications[of_submitters]["application_id"])
    proposal = plan.unplaced[~theirs]
    clash = applications.drop(columns=["reason"], errors="ignore").merge(
        moved_out[["application_id", "reason"]], on="application_id", how="inner"
    )
    frame = pd.concat(
        [proposal[columns], left_out.reindex(columns=columns), clash.reindex(columns=columns)],
        ignore_index=True,
    )
    frame["plan_year"] = frame["plan_year"].astype("Int64")
    return frame.sort_values(["plan_year", "application_id"], kind="stable").reset_index(drop=True)


def is_in(values: pd.Series, among: pd.Series) -> np.ndarray:
    """values.isin(among) by a Python set: an arrow text column's isin makes a pyarrow scalar of every value
    of `among` first, which costs more than the rest of the consolidation."""
    found = set(among.tolist())
    return np.fromiter((v in found for v in values.tolist()), dtype=bool, count=len(values))


def approval_status(
    plan_years, approvals: pd.DataFrame, submitted: pd.DataFrame, archived: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """«утверждён» from the first order of a year, «проект» before it; later orders, and groups that
    providers changed or removed after the approval, as dated amendments."""
    status, amendments = [], []
    for year in plan_years:
        orders = approvals[approvals["plan_year"] == year].sort_values(
            ["order_date", "order_number"], kind="stable"
        )
        if orders.empty:
            status.append({"plan_year": year, "status": DRAFT, "order_number": "", "order_date": pd.NaT})
            continue
        first = orders.iloc[0]
        status.append(
            {
                "plan_year": year,
                "status": APPROVED,
                "order_number": first["order_number"],
                "order_date": first["order_date"],
            }
        )
        for order in orders.iloc[1:].itertuples(index=False):
            amendments.append(
                {
                    "plan_year": year,
                    "order_number": order.order_number,
                    "order_date": order.order_date,
                    "note": order.note,
                    "changed_groups": "",
                }
            )
        approved_on = first["order_date"]
        later = submitted[(submitted["plan_year"] == year) & (submitted["submitted"] > approved_on)]
        for (file, when), part in later.groupby(["file", "submitted"], sort=True):
            amendments.append(
                {
                    "plan_year": year,
                    "order_number": "",
                    "order_date": when,
                    "note": f"изменения оператора ПК {part['provider_code'].iloc[0]} (файл {file})",
                    "changed_groups": "; ".join(sorted(part["group_code"])),
                }
            )
        if not archived.empty:
            gone = archived[(archived["plan_year"] == year) & (archived["archived_on"] > approved_on)]
            for (file, when), part in gone.groupby(["archived_by", "archived_on"], sort=True):
                amendments.append(
                    {
                        "plan_year": year,
                        "order_number": "",
                        "order_date": when,
                        "note": f"группы исключены (файл {file})",
                        "changed_groups": "; ".join(sorted(part["group_code"])),
                    }
                )
    status_frame = pd.DataFrame(status, columns=STATUS_COLUMNS)
    status_frame["plan_year"] = status_frame["plan_year"].astype("Int64")
    amendment_frame = pd.DataFrame(amendments, columns=AMENDMENT_COLUMNS)
    if not amendment_frame.empty:
        amendment_frame = amendment_frame.sort_values(
            ["plan_year", "order_date", "order_number", "note"], kind="stable"
        )
    return status_frame, amendment_frame.reset_index(drop=True)
