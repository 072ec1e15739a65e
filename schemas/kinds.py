"""Every kind of submission: who sends it, for which period, which sheets it holds and what keys a record."""

from dataclasses import dataclass

from schemas.applications import Application
from schemas.execution import GroupOutcome, ListenerOutcome
from schemas.programs import CatalogEntry, Program
from schemas.registries import MunicipalOperator, Organisation, OrganisationDetails, Provider
from schemas.schedule import Group, GroupListener, ScheduleApproval
from schemas.staff import StaffMember

# Levels of operators (order, item 4).
REGION, MUNICIPALITY, PROVIDER, ORGANISATION = "region", "municipality", "provider", "organisation"
LEVEL_TITLES = {
    REGION: "региональный оператор",
    MUNICIPALITY: "муниципальный оператор",
    PROVIDER: "оператор ПК",
    ORGANISATION: "оператор ОО",
}

PERSON_KEY = ("org_code", "surname", "first_name", "patronymic", "birth_year")


@dataclass(frozen=True)
class Sheet:
    name: str  # the records' name in code: "staff", "schedule_groups"
    title: str  # the sheet's name as operators see it
    model: type
    key: tuple[str, ...]  # columns that identify a record within one submitter's snapshot


@dataclass(frozen=True)
class SubmissionKind:
    slug: str
    title: str  # Russian, for people
    file_word: str  # the word operators put in the file name
    aliases: tuple[str, ...]  # other accepted words
    levels: tuple[str, ...]  # who may send it
    period: str  # "none", "year" (plan year) or "quarter" (plan year and quarter)
    sheets: tuple[Sheet, ...]
    deadline: str | None  # key of the region config's deadlines
    description: str

    @property
    def main_sheet(self) -> Sheet:
        return self.sheets[0]


KINDS: tuple[SubmissionKind, ...] = (
    SubmissionKind(
        "municipal_operators",
        "Муниципальные операторы",
        "муниципальные операторы",
        ("municipal_operators", "муниципальные", "мо"),
        (REGION,),
        "none",
        (Sheet("municipal_operators", "Муниципальные операторы", MunicipalOperator, ("municipality",)),),
        None,
        "Региональный оператор регистрирует органы управления образованием муниципальных образований.",
    ),
    SubmissionKind(
        "providers",
        "Операторы ПК",
        "операторы пк",
        ("providers", "операторы", "поставщики"),
        (REGION,),
        "none",
        (Sheet("providers", "Операторы ПК", Provider, ("provider_code",)),),
        None,
        "Региональный оператор регистрирует организации, которые проводят курсы, с их лицензиями.",
    ),
    SubmissionKind(
        "organisations",
        "Образовательные организации",
        "организации",
        ("organisations", "оо", "образовательные организации"),
        (REGION, MUNICIPALITY),
        "none",
        (Sheet("organisations", "Организации", Organisation, ("org_code",)),),
        None,
        "Муниципальный оператор регистрирует организации своего муниципального образования и их операторов; "
        "региональный оператор — региональные организации.",
    ),
    SubmissionKind(
        "org_details",
        "Сведения об организации",
        "сведения об оо",
        ("org_details", "сведения", "реквизиты"),
        (ORGANISATION,),
        "none",
        (Sheet("org_details", "Сведения об ОО", OrganisationDetails, ("org_code",)),),
        None,
        "Оператор ОО исправляет наименование, реквизиты и ответственного своей организации.",
    ),
    SubmissionKind(
        "staff",
        "Педагогические работники",
        "работники",
        ("staff", "сотрудники", "кадры", "педагоги"),
        (ORGANISATION,),
        "none",
        (Sheet("staff", "Работники", StaffMember, PERSON_KEY),),
        None,
        "Оператор ОО ведёт список педагогических работников своей организации.",
    ),
    SubmissionKind(
        "programs",
        "Программы ПК",
        "программы",
        ("programs", "банк программ", "дпп"),
        (PROVIDER,),
        "none",
        (Sheet("programs", "Программы", Program, ("program_code",)),),
        None,
        "Оператор ПК вносит свои программы, прошедшие экспертизу.",
    ),
    SubmissionKind(
        "catalog",
        "Каталог программ",
        "каталог",
        ("catalog", "утверждение каталога"),
        (REGION,),
        "year",
        (Sheet("catalog", "Каталог", CatalogEntry, ("program_code",)),),
        "catalog",
        "Региональный оператор размещает каталог на плановый год, утверждённый приказом Департамента.",
    ),
    SubmissionKind(
        "applications",
        "Заявки",
        "заявки",
        ("applications", "заявка"),
        (ORGANISATION,),
        "year",
        (Sheet("applications", "Заявки", Application, PERSON_KEY + ("program_code",)),),
        "applications",
        "Оператор ОО передаёт заявки своих работников на программы каталога.",
    ),
    SubmissionKind(
        "schedule",
        "План-график оператора ПК",
        "план-график",
        ("schedule", "план график", "график"),
        (PROVIDER,),
        "year",
        (
            Sheet("schedule_groups", "Группы", Group, ("group_code",)),
            Sheet("schedule_listeners", "Слушатели", GroupListener, ("group_code",) + PERSON_KEY),
        ),
        "schedule",
        "Оператор ПК формирует первичный план-график: группы, места, даты и слушателей.",
    ),
    SubmissionKind(
        "schedule_approval",
        "Утверждение плана-графика",
        "утверждение плана-графика",
        ("schedule_approval", "утверждение графика", "приказ"),
        (REGION,),
        "year",
        (Sheet("schedule_approvals", "Приказы", ScheduleApproval, ("order_number",)),),
        None,
        "Региональный оператор вносит приказ Департамента об утверждении сводного плана-графика и изменения.",
    ),
    SubmissionKind(
        "execution",
        "Исполнение плана-графика",
        "исполнение",
        ("execution", "мониторинг", "отчёт"),
        (PROVIDER,),
        "quarter",
        (
            Sheet("execution_groups", "Группы", GroupOutcome, ("group_code",)),
            Sheet("execution_listeners", "Слушатели", ListenerOutcome, ("group_code",) + PERSON_KEY),
        ),
        "monitoring",
        "Оператор ПК ежеквартально сообщает, какие группы проведены и кто завершил обучение.",
    ),
)

KINDS_BY_SLUG = {kind.slug: kind for kind in KINDS}
SHEETS_BY_NAME = {sheet.name: (kind, sheet) for kind in KINDS for sheet in kind.sheets}
