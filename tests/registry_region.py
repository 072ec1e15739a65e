"""A small region whose staff move, work part-time and apply in every way the registries must sort out."""

from datetime import date
from pathlib import Path

from intake_cases import D, application_row, base_region, program_row, put, staff_row

from pipeline.config import load_config
from pipeline.run import RunContext, run_stages

STAGES = (
    ("intake", "pipeline.intake.stage:run_intake"),
    ("registries", "pipeline.registries:run_registries"),
    ("quality", "pipeline.quality:run_quality"),
    ("registry_reports", "pipeline.registry_reports:run_registry_reports"),
    ("needs", "pipeline.needs:run_needs"),
    ("feedback", "pipeline.intake.stage:run_feedback"),
)

SIDOROV = ("Сидоров", "Иван", "Петрович", 1990)
PETROVA = ("Петрова", "Анна", "Сергеевна", 1985)
ERSHOVA = ("Ершова", "Мария", "", 1978)

# The files the region's operators send and what the registries must make of them.
APPLICATIONS_100012 = [
    application_row(*PETROVA, program="ИРО-001", day=D(2026, 9, 15)),  # applied, then moved: kept
    application_row(*SIDOROV, program="ИРО-001", day=D(2026, 10, 1)),
    application_row(*ERSHOVA, program="ИРО-009", day=D(2026, 10, 1)),  # F4: unknown_program
    application_row("Нетова", "Нина", "Ивановна", 1980, program="ИРО-001"),  # B5: unknown_staff
    application_row(*SIDOROV, program="ИРО-003", day=D(2026, 10, 1)),  # F6: program_not_in_catalog
    application_row(*PETROVA, program="ИРО-002", day=D(2026, 9, 25)),  # B7: left the org before applying
]
APPLICATIONS_100013 = [
    application_row(*PETROVA, program="ИРО-002", day=D(2026, 10, 20), org="100013", place=""),  # late
    application_row(*SIDOROV, program="ИРО-001", day=D(2026, 10, 2), org="100013"),  # F3: duplicate
]
EXPECTED_REFUSALS = {
    ("unknown_program", "F4"),
    ("unknown_staff", "B5"),
    ("program_not_in_catalog", "F6"),
    ("unknown_staff", "B7"),
    ("duplicate_application", "F3"),
}


def registry_region(root: Path) -> Path:
    base_region(root)
    put(
        root,
        "pk-iro",
        "2026-05-28 программы.xlsx",
        "programs",
        [
            program_row(),
            program_row(
                "ИРО-002",
                title="Психолого-педагогическое сопровождение инклюзивного образования",
                audience="педагог-психолог; учитель",
                hours=36,
                group_min=1,
                group_max=2,
            ),
            program_row("ИРО-003", title="Методика преподавания астрономии в школе", audience="учитель"),
        ],
    )
    put(
        root,
        "oo-100012",
        "2026-09-20 работники.xlsx",
        "staff",
        [
            staff_row(*SIDOROV, teaching_experience=10, last_training_year=2025),
            staff_row(
                *ERSHOVA,
                position="педагог-психолог",
                teaching_experience=20,
                last_training_year=None,
                planned_topic="Сопровождение детей с ОВЗ в инклюзивном образовании",
            ),
        ],
    )
    put(
        root,
        "oo-100013",
        "2026-09-21 работники.xlsx",
        "staff",
        [
            staff_row(*PETROVA, org="100013", position="воспитатель"),
            staff_row("Петрава", "Анна", "Сергеевна", 1985, org="100013", position="воспитатель"),
            staff_row(
                *SIDOROV,
                org="100013",
                position="педагог дополнительного образования",
                teaching_experience=10,
                last_training_year=2020,
                planned_topic="Робототехника и конструирование",
            ),
        ],
    )
    put(root, "oo-100012", "2026-10-05 заявки 2027.xlsx", "applications", APPLICATIONS_100012)
    put(root, "oo-100013", "2026-10-10 заявки 2027.xlsx", "applications", APPLICATIONS_100013)
    return root


def run_region(root: Path, reports: Path, stages=STAGES) -> dict:
    reports.mkdir(parents=True, exist_ok=True)
    ctx = RunContext(
        config=load_config(root),
        inputs=root,
        reports=reports,
        site=reports.parent / "site",
        as_of=date(2026, 11, 28),
        build_site=False,
    )
    return run_stages(ctx, stages=stages)
