"""Pedagogical staff of an organisation, its snapshot two years on, and the staff's applications."""

import datetime as dt
import random
from dataclasses import dataclass, field

from pipeline.demo.people import person_name
from pipeline.demo.programs import ProgramInfo
from pipeline.demo.registries import ADDITIONAL, COLLEGE, PRESCHOOL, Organisation

POSITION_MIX = {
    "общеобразовательная организация": {
        "учитель": 70,
        "педагог-психолог": 3,
        "учитель-логопед": 2,
        "социальный педагог": 2,
        "педагог-организатор": 2,
        "тьютор": 1,
        "советник директора по воспитанию": 1,
        "педагог-библиотекарь": 1,
        "преподаватель-организатор основ безопасности и защиты Родины": 1,
        "заместитель руководителя": 5,
        "педагог дополнительного образования": 3,
        "учитель-дефектолог": 1,
        "старший вожатый": 1,
        "методист": 1,
    },
    PRESCHOOL: {
        "воспитатель": 65,
        "старший воспитатель": 4,
        "музыкальный руководитель": 5,
        "инструктор по физической культуре": 4,
        "учитель-логопед": 6,
        "педагог-психолог": 4,
        "учитель-дефектолог": 2,
        "заместитель руководителя": 3,
        "педагог дополнительного образования": 3,
    },
    ADDITIONAL: {
        "педагог дополнительного образования": 55,
        "методист": 10,
        "педагог-организатор": 10,
        "старший педагог дополнительного образования": 5,
        "тренер-преподаватель": 10,
        "концертмейстер": 5,
        "заместитель руководителя": 4,
    },
    COLLEGE: {
        "преподаватель": 70,
        "мастер производственного обучения": 12,
        "методист": 4,
        "педагог-психолог": 3,
        "социальный педагог": 3,
        "педагог-организатор": 3,
        "заместитель руководителя": 4,
    },
}
SUBJECTS = {
    "начальные классы": (25, "учитель начальных классов"),
    "русский язык и литература": (14, "учитель русского языка и литературы"),
    "математика": (14, "учитель математики"),
    "английский язык": (9, "учитель английского языка"),
    "история и обществознание": (6, "учитель истории"),
    "физическая культура": (6, "педагог по физической культуре"),
    "биология": (4, "учитель биологии"),
    "физика": (4, "учитель физики"),
    "информатика": (4, "учитель информатики"),
    "химия": (3, "учитель химии"),
    "география": (3, "учитель географии"),
    "труд (технология)": (3, "учитель технологии"),
    "музыка": (2, "учитель музыки"),
    "изобразительное искусство": (2, "учитель изобразительного искусства"),
}
DIRECTIONS = {
    "педагог дополнительного образования": (
        "робототехника",
        "хореография",
        "вокал",
        "шахматы",
        "туризм и краеведение",
        "программирование",
        "декоративно-прикладное творчество",
    ),
    "тренер-преподаватель": ("лыжные гонки", "хоккей", "плавание", "дзюдо", "волейбол"),
    "преподаватель": (
        "математика",
        "русский язык",
        "информатика",
        "электротехника",
        "педагогика",
        "сварочное производство",
        "бурение нефтяных и газовых скважин",
    ),
}
QUALIFICATION = {
    "воспитатель": "воспитатель детей дошкольного возраста",
    "старший воспитатель": "педагог дошкольного образования",
    "педагог-психолог": "педагог-психолог",
    "учитель-логопед": "учитель-логопед",
    "учитель-дефектолог": "олигофренопедагог",
    "социальный педагог": "социальный педагог",
    "музыкальный руководитель": "преподаватель музыки",
    "инструктор по физической культуре": "педагог по физической культуре",
    "концертмейстер": "концертмейстер, преподаватель",
    "тренер-преподаватель": "педагог по физической культуре и спорту",
    "мастер производственного обучения": "техник",
    "педагог-библиотекарь": "библиотекарь",
}
PLANNED_TOPICS = (
    "Функциональная грамотность",
    "Работа с детьми с ОВЗ",
    "Цифровые инструменты на уроке",
    "Наставничество",
    "Профилактика выгорания педагога",
    "Подготовка к ГИА",
    "Воспитательная работа",
    "Развитие речи дошкольников",
)

PERIOD_WEIGHTS = (("I квартал", 3), ("II квартал", 2), ("III квартал", 1), ("IV квартал", 3), ("любой", 3))


@dataclass
class StaffMember:
    org: Organisation
    surname: str
    first_name: str
    patronymic: str
    birth_year: int
    education_level: str
    academic_degree: str
    diploma_qualification: str
    position: str
    subject: str | None
    year_appointed: int
    last_attestation_year: int | None
    attestation_category: str
    first_job_year: int
    last_training_year: int | None
    courses: list[str] = field(default_factory=list)
    planned_topic: str | None = None

    @property
    def key(self) -> tuple:
        return (self.org.code, self.surname, self.first_name, self.patronymic, self.birth_year)

    def row(self, year: int) -> dict:
        return {
            "org_code": self.org.code,
            "surname": self.surname,
            "first_name": self.first_name,
            "patronymic": self.patronymic,
            "birth_year": self.birth_year,
            "education_level": self.education_level,
            "academic_degree": self.academic_degree,
            "diploma_qualification": self.diploma_qualification,
            "position": self.position,
            "subject": self.subject,
            "year_appointed": self.year_appointed,
            "last_attestation_year": self.last_attestation_year,
            "attestation_category": self.attestation_category,
            "teaching_experience": max(0, year - self.first_job_year),
            "last_training_year": self.last_training_year,
            "courses_taken": "; ".join(c for c in self.courses if int(c[-5:-1]) >= year - 3) or None,
            "planned_topic": self.planned_topic,
        }

    def person(self) -> dict:
        return dict(
            zip(("org_code", "surname", "first_name", "patronymic", "birth_year"), self.key, strict=True)
        )


def staff_of(
    rng: random.Random, org: Organisation, count: int, year: int, course_titles: list[str]
) -> list[StaffMember]:
    """An organisation's pedagogical staff as of September of `year`: one head, the rest by position mix."""
    mix = POSITION_MIX[org.org_type]
    positions = ["руководитель"] + rng.choices(list(mix), list(mix.values()), k=count - 1)
    people: list[StaffMember] = []
    seen: set[tuple] = set()
    for position in positions:
        member = new_member(rng, org, position, year, course_titles)
        if member.key not in seen:
            seen.add(member.key)
            people.append(member)
    return people


def new_member(
    rng: random.Random,
    org: Organisation,
    position: str,
    year: int,
    course_titles: list[str],
    young: bool = False,
) -> StaffMember:
    female = rng.random() < (0.97 if org.org_type == PRESCHOOL else 0.8)
    surname, first, patronymic = person_name(rng, female)
    birth = rng.randint(year - 26, year - 21) if young else rng.randint(year - 64, year - 23)
    if position == "руководитель":
        birth = min(birth, year - 35)
    first_job = min(year, birth + rng.randint(20, 26))
    appointed = rng.randint(first_job, year)
    subject = None
    if position == "учитель":
        subject = rng.choices(list(SUBJECTS), [w for w, _ in SUBJECTS.values()])[0]
        qualification = SUBJECTS[subject][1]
    else:
        subject = rng.choice(DIRECTIONS[position]) if position in DIRECTIONS else None
        qualification = QUALIFICATION.get(position, "учитель" if org.org_type != PRESCHOOL else "воспитатель")
    college_trained = org.org_type == PRESCHOOL and rng.random() < 0.35
    education = (
        "среднее профессиональное (подготовка специалистов среднего звена)"
        if college_trained
        else rng.choices(
            (
                "высшее (специалитет, магистратура)",
                "высшее (бакалавриат)",
                "среднее профессиональное (подготовка специалистов среднего звена)",
            ),
            (6, 3, 1),
        )[0]
    )
    experienced = year - first_job
    category = "без категории"
    attestation = None
    if experienced >= 2 and not young:
        category = rng.choices(
            ("соответствие занимаемой должности", "первая", "высшая", "педагог-наставник"), (2, 4, 4, 1)
        )[0]
        attestation = rng.randint(max(first_job + 2, year - 5), year) if first_job + 2 <= year else None
        if attestation is None:
            category = "без категории"
    training = None
    courses = []
    if experienced >= 1 and rng.random() < 0.85:
        training = rng.randint(max(first_job, year - 5), year)
        if training >= year - 3 and course_titles:
            courses = [f"{rng.choice(course_titles)} ({rng.choice((36, 72))} ч, {training})"]
    return StaffMember(
        org=org,
        surname=surname,
        first_name=first,
        patronymic=patronymic,
        birth_year=birth,
        education_level=education,
        academic_degree="кандидат наук"
        if org.org_type in ("общеобразовательная организация", COLLEGE) and rng.random() < 0.015
        else "нет",
        diploma_qualification=qualification,
        position=position,
        subject=subject,
        year_appointed=appointed,
        last_attestation_year=attestation,
        attestation_category=category,
        first_job_year=first_job,
        last_training_year=training,
        courses=courses,
        planned_topic=rng.choice(PLANNED_TOPICS) if rng.random() < 0.3 else None,
    )


@dataclass
class ApplicationInfo:
    member: StaffMember
    program: ProgramInfo
    place: str | None
    period: str | None
    applied: dt.date

    def row(self) -> dict:
        return self.member.person() | {
            "program_code": self.program.code,
            "preferred_place": self.place,
            "preferred_period": self.period,
            "application_date": self.applied,
        }


def applications_of(
    rng: random.Random,
    staff: list[StaffMember],
    catalog: list[ProgramInfo],
    sent: dt.date,
    share: float = 0.45,
) -> list[ApplicationInfo]:
    """About `share` of the staff apply to one or two catalog programs meant for their position."""
    by_position: dict[str, list[ProgramInfo]] = {}
    for program in catalog:
        for position in program.audience:
            by_position.setdefault(position, []).append(program)
    result = []
    for member in staff:
        suited = by_position.get(member.position)
        if not suited or rng.random() >= share:
            continue
        chosen = rng.sample(suited, k=min(len(suited), rng.choices((1, 2), (7, 3))[0]))
        for program in chosen:
            result.append(
                ApplicationInfo(
                    member=member,
                    program=program,
                    place=_preferred_place(rng, member, program),
                    period=rng.choices([p for p, _ in PERIOD_WEIGHTS], [w for _, w in PERIOD_WEIGHTS])[0]
                    if rng.random() < 0.9
                    else None,
                    applied=sent - dt.timedelta(days=rng.randint(0, 20)),
                )
            )
    return result


def _preferred_place(rng: random.Random, member: StaffMember, program: ProgramInfo) -> str | None:
    home = member.org.municipality.name
    listed = [p for p in program.places.split("; ") if p not in ("все муниципалитеты", "дистанционно")]
    roll = rng.random()
    if roll < 0.1:
        return None
    if roll < 0.22 and program.distance:
        return "дистанционно"
    if roll < 0.3 and listed and home not in listed:
        return rng.choice(listed)
    return home
