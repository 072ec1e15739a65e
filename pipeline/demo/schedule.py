"""Providers' plan-schedules formed from a year's applications, and what actually happened each quarter."""

import datetime as dt
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from pipeline.config import RegionConfig
from pipeline.demo.programs import RETRAINING, ProgramInfo
from pipeline.demo.staff import ApplicationInfo, StaffMember

QUARTER_OF_PERIOD = {"I квартал": 1, "II квартал": 2, "III квартал": 3, "IV квартал": 4}
REMOTE, EVERYWHERE = "дистанционно", "все муниципалитеты"


@dataclass
class GroupInfo:
    code: str
    program: ProgramInfo
    place: str
    start: dt.date
    end: dt.date
    members: list[StaffMember] = field(default_factory=list)

    @property
    def quarter(self) -> int:
        return (self.start.month - 1) // 3 + 1

    def row(self) -> dict:
        return {
            "group_code": self.code,
            "program_code": self.program.code,
            "place": self.place,
            "start_date": self.start,
            "end_date": self.end,
            "capacity": self.program.group_max,
            "form": self.program.form,
        }


def training_place(config: RegionConfig, app: ApplicationInfo) -> str:
    """Where the applicant can study this program, nearest to what they asked for."""
    program = app.program
    wanted = app.place or app.member.org.municipality.name
    listed = [p for p in program.places.split("; ") if p not in (EVERYWHERE, REMOTE)]
    if wanted == REMOTE and program.distance:
        return REMOTE
    if wanted == REMOTE:
        wanted = app.member.org.municipality.name
    if EVERYWHERE in program.places or wanted in listed:
        return wanted
    if program.distance:
        return REMOTE
    by_name = {m.name: m.code for m in config.municipalities}
    home = by_name[app.member.org.municipality.name]
    return min(listed, key=lambda name: (config.distance_km(home, by_name[name]), name))


def plan_groups(
    rng: random.Random, config: RegionConfig, plan_year: int, apps: list[ApplicationInfo]
) -> list[GroupInfo]:
    """Groups of every program with applicants: by place, small places merged, split by group size."""
    busy: dict[tuple, list[tuple[dt.date, dt.date]]] = defaultdict(list)
    groups: list[GroupInfo] = []
    by_program: dict[str, list[ApplicationInfo]] = defaultdict(list)
    for app in apps:
        by_program[app.program.code].append(app)
    for code in sorted(by_program):
        program = by_program[code][0].program
        buckets: dict[str, list[ApplicationInfo]] = defaultdict(list)
        for app in by_program[code]:
            buckets[training_place(config, app)].append(app)
        biggest = max(sorted(buckets), key=lambda p: len(buckets[p]))
        for place in sorted(buckets):
            if place != biggest and len(buckets[place]) < program.group_min // 2:
                target = REMOTE if program.distance else biggest
                buckets[target].extend(buckets.pop(place))
        number = 0
        for place in sorted(buckets):
            members = buckets[place]
            parts = -(-len(members) // program.group_max)
            for part in range(parts):
                chunk = members[part::parts]
                number += 1
                group = _dated_group(rng, config, plan_year, f"{code}-{number}", program, place, chunk, busy)
                if group:
                    groups.append(group)
    return groups


def _dated_group(rng, config, plan_year, code, program, place, apps, busy) -> GroupInfo | None:
    periods = Counter(QUARTER_OF_PERIOD[a.period] for a in apps if a.period in QUARTER_OF_PERIOD)
    first = periods.most_common(1)[0][0] if periods else rng.randint(1, 4)
    quarters = [first] + [q for q in (1, 4, 2, 3) if q != first]
    span = program.span_days
    for quarter in quarters:
        starts = feasible_starts(config, plan_year, quarter, span)
        if not starts:
            continue
        best = None
        for start in rng.sample(starts, k=min(8, len(starts))):
            end = start + dt.timedelta(days=span - 1)
            clashes = sum(1 for a in apps if _overlaps(busy[a.member.key], start, end))
            if best is None or clashes < best[0]:
                best = (clashes, start, end)
        _, start, end = best
        group = GroupInfo(code, program, place, start, end)
        seen = set()
        for app in apps:
            key = app.member.key
            if key in seen or _overlaps(busy[key], start, end):
                continue
            seen.add(key)
            busy[key].append((start, end))
            group.members.append(app.member)
        return group
    return None


def _overlaps(intervals, start, end) -> bool:
    return any(s <= end and start <= e for s, e in intervals)


def feasible_starts(config: RegionConfig, plan_year: int, quarter: int, span: int) -> list[dt.date]:
    """Weekdays from which a group of `span` days stays inside the quarter and out of closed periods."""
    first = dt.date(plan_year, quarter * 3 - 2, 1)
    last = dt.date(plan_year + (quarter == 4), quarter * 3 % 12 + 1, 1) - dt.timedelta(days=1)
    days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    open_day = [not config.is_closed(d) for d in days]
    starts = []
    for i, day in enumerate(days):
        if day.weekday() < 5 and i + span <= len(days) and all(open_day[i : i + span]):
            starts.append(day)
    return starts


@dataclass
class Outcome:
    group: GroupInfo
    status: str
    start: dt.date | None
    end: dt.date | None
    comment: str | None
    completed: list[tuple[StaffMember, str | None]]  # member, certificate number (None: did not complete)

    def group_row(self) -> dict:
        return {
            "group_code": self.group.code,
            "status": self.status,
            "actual_start": self.start,
            "actual_end": self.end,
            "comment": self.comment,
        }

    def listener_rows(self) -> list[dict]:
        certificate = (
            "диплом о профессиональной переподготовке"
            if self.group.program.program_type == RETRAINING
            else "удостоверение о повышении квалификации"
        )
        return [
            {"group_code": self.group.code}
            | member.person()
            | {
                "completed": "да" if number else "нет",
                "certificate_type": certificate if number else None,
                "certificate_number": number,
                "certificate_date": self.end if number else None,
            }
            for member, number in self.completed
        ]


def outcomes(
    rng: random.Random, config: RegionConfig, plan_year: int, groups: list[GroupInfo], serials: Counter
) -> list[Outcome]:
    """Held, moved or cancelled, with certificates numbered per provider."""
    result = []
    for group in groups:
        program = group.program
        roll = rng.random()
        small = len(group.members) < program.group_min
        if roll < (0.3 if small else 0.03):
            result.append(
                Outcome(
                    group,
                    "отменена",
                    None,
                    None,
                    rng.choice(("группа не набрана", "по заявке муниципалитета")),
                    [],
                )
            )
            continue
        start, end, status, comment = group.start, group.end, "проведена", None
        if roll > 0.94:
            later = [
                d
                for d in feasible_starts(config, plan_year, group.quarter, program.span_days)
                if d > group.start
            ]
            if later:
                start = rng.choice(later[:15])
                end = start + (group.end - group.start)
                status, comment = (
                    "перенесена",
                    rng.choice(("перенос по просьбе муниципалитета", "болезнь преподавателя")),
                )
        completed = []
        for member in group.members:
            if rng.random() < 0.94:
                provider = program.provider.code
                serials[provider] += 1
                number = f"86{plan_year % 100:02d}{_provider_number(provider):03d}{serials[provider]:05d}"
                completed.append((member, number))
            else:
                completed.append((member, None))
        result.append(Outcome(group, status, start, end, comment, completed))
    return result


def _provider_number(code: str) -> int:
    """A stable three-digit number of a provider for certificate numbers."""
    return sum((i + 1) * ord(ch) for i, ch in enumerate(code)) % 1000
