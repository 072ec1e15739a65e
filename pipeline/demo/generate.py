"""The demo region's submissions from every level, in cycle order, written as operators would send them."""

import datetime as dt
import random
import re
import shutil
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from pipeline import paths
from pipeline.config import RegionConfig, load_config, parse_config
from pipeline.demo import registries as reg
from pipeline.demo.country import subject_of, synthetic_country
from pipeline.demo.mistakes import PlantedMistake, plant_mistakes
from pipeline.demo.programs import catalog_programs, program_bank
from pipeline.demo.schedule import outcomes, plan_groups
from pipeline.demo.staff import StaffMember, applications_of, new_member, staff_of
from pipeline.workbooks import SheetSpec, write_workbook
from schemas.columns import columns_of
from schemas.common import LOGIN_PATTERN
from schemas.kinds import KINDS_BY_SLUG

# The demo's "today": plan year 2025 is over, 2026 runs, 2027 has its catalog and applications.
TODAY = dt.date(2026, 11, 28)
FILE_NAME = re.compile(r"^\d{4}-\d{2}-\d{2} [^/]+\.xlsx$")


@dataclass(frozen=True)
class Scale:
    name: str
    organisations: int  # municipal organisations
    regional: int
    staff: dict  # org type -> (fewest, most)
    providers: int
    programs: int
    history: bool  # earlier plan years with schedules and execution
    mistakes: bool


SMALL = {t: (12, 18) for t in (reg.SCHOOL, reg.PRESCHOOL, reg.ADDITIONAL, reg.COLLEGE)}
SCALES = {
    "demo": Scale("demo", 42, 3, SMALL, 5, 20, True, True),
    "region": Scale(
        "region",
        872,
        28,
        {reg.SCHOOL: (38, 72), reg.PRESCHOOL: (18, 32), reg.ADDITIONAL: (10, 26), reg.COLLEGE: (30, 60)},
        40,
        400,
        True,
        False,
    ),
    "country": Scale(
        "country",
        45000,
        0,
        {reg.SCHOOL: (30, 62), reg.PRESCHOOL: (14, 30), reg.ADDITIONAL: (8, 22), reg.COLLEGE: (30, 60)},
        850,
        8500,
        False,
        False,
    ),
}
COUNTRY_MUNICIPALITIES = 1870
ORG_MIX = (0.345, 0.51)  # schools, preschools; the rest is additional education


@dataclass
class Submission:
    login: str
    day: dt.date
    kind: str
    sheets: dict[str, list[dict]]
    plan_year: int | None = None
    quarter: int | None = None

    @property
    def file_name(self) -> str:
        word = KINDS_BY_SLUG[self.kind].file_word
        year = f" {self.plan_year}" if self.plan_year else ""
        quarter = f" {self.quarter}кв" if self.quarter else ""
        return f"{self.day.isoformat()} {word}{year}{quarter}.xlsx"


@dataclass
class DemoSummary:
    scale: str
    seed: int
    files: dict[str, int] = field(default_factory=dict)  # kind slug -> files written
    rows: dict[str, int] = field(default_factory=dict)  # sheet name -> data rows written
    mistakes: list[PlantedMistake] = field(default_factory=list)

    def count(self, submission: Submission) -> None:
        self.files[submission.kind] = self.files.get(submission.kind, 0) + 1
        for name, rows in submission.sheets.items():
            self.rows[name] = self.rows.get(name, 0) + len(rows)


def part_of(settings: Scale, part: int) -> Scale:
    """1/part of a scale: its organisations, providers and programs divided alike (at least one of each)."""
    return replace(
        settings,
        organisations=max(1, settings.organisations // part),
        regional=settings.regional // part,
        providers=max(1, settings.providers // part),
        programs=max(1, settings.programs // part),
    )


def generate_demo(scale: str, seed: int, out: Path, progress=None, part: int = 1) -> DemoSummary:
    """Write a complete seeded set of submissions into `out/` (and out/region.yaml); same seed, same bytes.
    `part` > 1 (the country only) writes 1/part of it, municipalities too: the same shape at a smaller size,
    which is what the benchmark's growth check compares."""
    if part > 1 and scale != "country":
        raise ValueError("only the country's data can be generated in parts")
    settings = part_of(SCALES[scale], part)
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    remove_previous(out)
    if scale == "country":
        raw = synthetic_country(rng, max(1, COUNTRY_MUNICIPALITIES // part))
        config = parse_config(raw)
        import yaml

        (out / paths.REGION_CONFIG_NAME).write_text(
            yaml.safe_dump(raw, allow_unicode=True, sort_keys=False, width=200), encoding="utf-8"
        )
    else:
        shutil.copyfile(paths.DEFAULT_REGION_CONFIG, out / paths.REGION_CONFIG_NAME)
        config = load_config(out)
    summary = DemoSummary(scale, seed)
    stream = submissions(config, settings, rng, progress)
    if settings.mistakes:
        collected = list(stream)
        summary.mistakes = plant_mistakes(rng, config, collected)
        stream = iter(collected)
    for submission in stream:
        write_submission(out, submission)
        summary.count(submission)
    return summary


def remove_previous(out: Path) -> None:
    """Delete workbooks an earlier generation wrote (login folders' dated .xlsx) and region.yaml only."""
    (out / paths.REGION_CONFIG_NAME).unlink(missing_ok=True)
    for folder in sorted(p for p in out.iterdir() if p.is_dir() and re.fullmatch(LOGIN_PATTERN, p.name)):
        for path in sorted(folder.glob("*.xlsx")):
            if FILE_NAME.match(path.name):
                path.unlink()
        if not any(folder.iterdir()):
            folder.rmdir()


def write_submission(out: Path, submission: Submission) -> Path:
    kind = KINDS_BY_SLUG[submission.kind]
    specs = []
    for sheet in kind.sheets:
        columns = columns_of(sheet.model)
        rows = [[row.get(c.name) for c in columns] for row in submission.sheets.get(sheet.name, [])]
        specs.append(SheetSpec(name=sheet.title, header=[c.header for c in columns], rows=rows))
    return write_workbook(out / submission.login / submission.file_name, specs, title=kind.title)


def _day(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    """A working day between two dates."""
    day = first + dt.timedelta(days=rng.randint(0, (last - first).days))
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    while day < first or day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def submissions(
    config: RegionConfig, scale: Scale, rng: random.Random, progress=None
) -> Iterator[Submission]:
    """Every file of the cycle, in the order operators send them."""
    say = progress or (lambda text: None)
    geo = reg.Geography(config)
    login = config.regional_login
    first_year, last_year = config.plan_years[0], config.plan_years[-1]
    start = dt.date(first_year - 1, 2, 1)
    yield Submission(
        login,
        _day(rng, start, start + dt.timedelta(days=6)),
        "municipal_operators",
        {"municipal_operators": reg.municipal_operators(rng, geo)},
    )
    providers = reg.providers(rng, geo, scale.providers)
    yield Submission(
        login,
        _day(rng, start + dt.timedelta(days=9), start + dt.timedelta(days=14)),
        "providers",
        {"providers": [p.row for p in providers]},
    )
    regional = reg.regional_organisations(rng, geo, scale.regional)
    if regional:
        yield Submission(
            login,
            _day(rng, dt.date(first_year - 1, 3, 1), dt.date(first_year - 1, 3, 7)),
            "organisations",
            {"organisations": [reg.organisation_row(o) for o in regional]},
        )
    say("Реестры регионального уровня готовы.")

    munis = list(config.municipalities)
    counts = reg.allocate(scale.organisations, [m.population for m in munis])
    organisations: list[reg.Organisation] = list(regional)
    for muni, count in zip(munis, counts, strict=True):
        orgs = reg.municipal_organisations(rng, geo, muni, count, ORG_MIX)
        organisations.extend(orgs)
        yield Submission(
            reg.municipal_operator_login(muni),
            _day(rng, dt.date(first_year - 1, 3, 11), dt.date(first_year - 1, 4, 26)),
            "organisations",
            {"organisations": [reg.organisation_row(o) for o in orgs]},
        )
    organisations.sort(key=lambda o: o.code)
    say(f"Организаций: {len(organisations)}.")

    names = [m.name for m in munis]
    # The country's providers, programs and applicants stay within their synthetic subject (see subject_of).
    subject = (lambda muni: subject_of(muni.code)) if scale.name == "country" else (lambda muni: 0)
    names_in: dict[int, list[str]] = {}
    for muni in munis:
        names_in.setdefault(subject(muni), []).append(muni.name)
    bank = program_bank(
        rng,
        providers,
        scale.programs,
        names,
        first_year if scale.history else last_year - 1,
        neighbours=lambda provider: names_in[subject(provider.municipality)],
    )
    for program in bank:
        program.since = min(program.since, last_year - 1)
    for year in sorted({p.since for p in bank} | {last_year - 1}):
        for provider in providers:
            own = [p.row() for p in bank if p.provider is provider and p.since <= year]
            if own:
                yield Submission(
                    provider.login,
                    _day(rng, dt.date(year, 5, 4), dt.date(year, 5, 29)),
                    "programs",
                    {"programs": own},
                )
    catalogs = {}
    for year in config.plan_years:
        catalogs[year] = catalog_programs(bank, year, rng)
        order_day = _day(rng, dt.date(year - 1, 6, 1), dt.date(year - 1, 6, 9))
        number = f"10-П-{rng.randint(700, 1400)}"
        yield Submission(
            login,
            order_day + dt.timedelta(days=rng.randint(1, 4)),
            "catalog",
            {
                "catalog": [
                    {"program_code": p.code, "order_number": number, "order_date": order_day}
                    for p in catalogs[year]
                ]
            },
            plan_year=year,
        )
    say(f"Программ: {len(bank)}; каталоги на {', '.join(map(str, config.plan_years))} годы.")

    titles = sorted({p.title for p in bank})
    history_years = [y for y in config.plan_years if y < last_year] if scale.history else []
    snapshot_early = first_year - 1
    staff: dict[str, list[StaffMember]] = {}
    apps_by_year: dict[int, list] = {y: [] for y in history_years}
    if history_years:
        for org in organisations:
            yield from _org_details(rng, org, geo)
            people = staff_of(rng, org, rng.randint(*scale.staff[org.org_type]), snapshot_early, titles)
            staff[org.code] = people
            yield Submission(
                org.login,
                _day(rng, dt.date(snapshot_early, 9, 2), dt.date(snapshot_early, 9, 30)),
                "staff",
                {"staff": [m.row(snapshot_early) for m in people]},
            )
            for year in history_years:
                yield from _applications(rng, config, org, people, catalogs[year], year, apps_by_year[year])
        say("Работники на 2024 год и заявки прошлых лет готовы.")
        completions = yield from _schedules_and_execution(rng, config, providers, apps_by_year)
        involved = {a.member.key for apps in apps_by_year.values() for a in apps}
    else:
        completions, involved = {}, set()

    snapshot = last_year - 1
    on_offer: dict[int, list] = {}
    for program in catalogs[last_year]:
        on_offer.setdefault(subject(program.provider.municipality), []).append(program)
    for org in organisations:
        if history_years:
            people = _next_snapshot(rng, org, staff.pop(org.code), snapshot, completions, involved, titles)
        else:
            people = staff_of(rng, org, rng.randint(*scale.staff[org.org_type]), snapshot, titles)
        yield Submission(
            org.login,
            _day(rng, dt.date(snapshot, 9, 1), dt.date(snapshot, 9, 30)),
            "staff",
            {"staff": [m.row(snapshot) for m in people]},
        )
        offered = catalogs[last_year] if len(names_in) == 1 else on_offer.get(subject(org.municipality), [])
        yield from _applications(rng, config, org, people, offered, last_year, [])
    say(f"Работники на {snapshot} год и заявки на {last_year} год готовы.")


def _org_details(rng, org, geo) -> Iterator[Submission]:
    if rng.random() < 0.2:
        from pipeline.demo.people import full_name, phone

        org.responsible, org.phone = full_name(rng), phone(rng, geo.phone_code(org.municipality))
        row = {
            k: v
            for k, v in reg.organisation_row(org).items()
            if k not in ("org_type", "municipality", "login")
        }
        year = TODAY.year - 1
        yield Submission(
            org.login,
            _day(rng, dt.date(year, 1, 20), dt.date(year, 3, 20)),
            "org_details",
            {"org_details": [row]},
        )


def _applications(rng, config, org, people, catalog, year, sink: list) -> Iterator[Submission]:
    deadline = config.deadline("applications", year)
    sent = _day(rng, deadline - dt.timedelta(days=30), deadline - dt.timedelta(days=1))
    apps = applications_of(rng, people, catalog, sent)
    sink.extend(apps)
    if apps:
        yield Submission(
            org.login, sent, "applications", {"applications": [a.row() for a in apps]}, plan_year=year
        )


def _schedules_and_execution(rng, config, providers, apps_by_year):
    """Schedules, approvals and quarterly reports of finished and running plan years; who completed when."""
    completions: dict[tuple, list[tuple[dt.date, object]]] = {}
    serials: Counter = Counter()
    for year, apps in apps_by_year.items():
        groups = plan_groups(rng, config, year, apps)
        deadline = config.deadline("schedule", year)
        for provider in providers:
            own = [g for g in groups if g.program.provider is provider]
            if not own:
                continue
            yield Submission(
                provider.login,
                _day(rng, deadline - dt.timedelta(days=30), deadline - dt.timedelta(days=2)),
                "schedule",
                {
                    "schedule_groups": [g.row() for g in own],
                    "schedule_listeners": [
                        {"group_code": g.code} | m.person() for g in own for m in g.members
                    ],
                },
                plan_year=year,
            )
        order_day = _day(rng, deadline + dt.timedelta(days=3), deadline + dt.timedelta(days=8))
        orders = [
            {
                "order_number": f"10-П-{rng.randint(1500, 2100)}",
                "order_date": order_day,
                "note": "Утверждение",
            }
        ]
        yield Submission(
            config.regional_login,
            order_day + dt.timedelta(days=2),
            "schedule_approval",
            {"schedule_approvals": list(orders)},
            plan_year=year,
        )
        if year == max(apps_by_year):
            change_day = _day(rng, dt.date(year, 3, 2), dt.date(year, 3, 13))
            orders.append(
                {
                    "order_number": f"10-П-{rng.randint(300, 499)}",
                    "order_date": change_day,
                    "note": "Изменения: перенесены сроки отдельных групп II квартала, добавлены группы",
                }
            )
            yield Submission(
                config.regional_login,
                change_day + dt.timedelta(days=3),
                "schedule_approval",
                {"schedule_approvals": orders},
                plan_year=year,
            )
        results = outcomes(rng, config, year, groups, serials)
        for quarter in (1, 2, 3, 4):
            due = config.deadline("monitoring", year, quarter)
            if due > TODAY:
                continue
            for provider in providers:
                own = [
                    r for r in results if r.group.program.provider is provider and r.group.quarter == quarter
                ]
                if not own:
                    continue
                yield Submission(
                    provider.login,
                    _day(rng, due - dt.timedelta(days=8), due),
                    "execution",
                    {
                        "execution_groups": [r.group_row() for r in own],
                        "execution_listeners": [row for r in own for row in r.listener_rows()],
                    },
                    plan_year=year,
                    quarter=quarter,
                )
                for r in own:
                    for member, number in r.completed:
                        if number:
                            completions.setdefault(member.key, []).append((r.end, r.group.program))
    return completions


def _next_snapshot(rng, org, people, year, completions, involved, titles) -> list[StaffMember]:
    """Two years on: a few left, a few joined, finished courses and new attestations recorded."""
    cutoff = dt.date(year, 9, 1)
    kept = []
    for member in people:
        if member.key not in involved and member.position != "руководитель" and rng.random() < 0.06:
            continue
        for end, program in sorted(completions.get(member.key, []), key=lambda c: c[0]):
            if end < cutoff:
                member.last_training_year = end.year
                member.courses.append(f"{program.title} ({program.hours} ч, {end.year})")
        if member.attestation_category != "без категории" and rng.random() < 0.15:
            member.last_attestation_year = rng.randint(year - 1, year)
            member.attestation_category = rng.choice(("первая", "высшая"))
        kept.append(member)
    mix = staff_mix(org)
    keys = {m.key for m in kept}
    for _ in range(max(1, round(len(people) * 0.06))):
        member = new_member(
            rng, org, rng.choices(list(mix), list(mix.values()))[0], year, titles, young=rng.random() < 0.6
        )
        member.year_appointed = max(member.year_appointed, year - 1)
        member.first_job_year = min(member.first_job_year, member.year_appointed)
        if member.key not in keys:
            keys.add(member.key)
            kept.append(member)
    return kept


def staff_mix(org) -> dict:
    from pipeline.demo.staff import POSITION_MIX

    return {p: w for p, w in POSITION_MIX[org.org_type].items() if p != "руководитель"}


def generate_demo_cli(scale: str, seed: int, out: Path) -> int:
    """`python -m pipeline demo`: write the files and say in Russian what was written."""
    started = dt.datetime.now()

    def say(text: str) -> None:
        print(f"  {text}", file=sys.stdout, flush=True)

    print(f"Генерация демонстрационных данных: масштаб «{scale}», зерно {seed}, папка {out}.")
    summary = generate_demo(scale, seed, out, progress=say)
    print(f"Записано файлов: {sum(summary.files.values())}.")
    for slug in sorted(summary.files):
        print(f"  {KINDS_BY_SLUG[slug].title}: файлов {summary.files[slug]}")
    print(
        f"Организаций: {summary.rows.get('organisations', 0)}; строк в списках работников: "
        f"{summary.rows.get('staff', 0)}; заявок: {summary.rows.get('applications', 0)}; "
        f"программ (строк): {summary.rows.get('programs', 0)}."
    )
    if summary.mistakes:
        print(f"Намеренных ошибок: {len(summary.mistakes)}:")
        for m in summary.mistakes:
            where = f", лист «{m.sheet}», строка {m.row}, столбец «{m.column_header}»" if m.row else ""
            print(f"  {m.login}/{m.file_name}{where}: {m.description} ({m.code})")
    print(f"Готово за {(dt.datetime.now() - started).total_seconds():.0f} с.")
    return 0
