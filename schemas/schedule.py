"""A provider's plan-schedule (groups and their listeners) and the regional operator's approval of the
consolidated plan-schedule (order, items 3.3, 4.1, 4.2)."""

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas.columns import column
from schemas.common import Model, Person
from schemas.lists import FORMS_OF_STUDY
from schemas.programs import PROGRAM_CODE_PATTERN

GROUP_CODE_PATTERN = r"^[A-ZА-ЯЁ0-9]{2,12}-\d{2,4}-\d{1,3}$"


class Group(Model):
    """One group of a program: where and when it meets, and how many places it has."""

    group_code: Series[str] = column(
        "Код группы",
        "Код программы, дефис и номер группы, например ИРО-015-2.",
        "code",
        aliases=("Группа", "Номер группы"),
        example="ИРО-015-1",
        str_matches=GROUP_CODE_PATTERN,
    )
    program_code: Series[str] = column(
        "Код программы",
        "Код программы из утверждённого каталога.",
        "code",
        aliases=("Код ДПП",),
        example="ИРО-015",
        str_matches=PROGRAM_CODE_PATTERN,
    )
    place: Series[str] = column(
        "Место проведения",
        "Муниципальное образование, где занимается группа, или «дистанционно».",
        "place",
        aliases=("Место обучения",),
        example="Сургут",
    )
    start_date: Series[pd.Timestamp] = column(
        "Дата начала", "Первый день занятий группы.", "date", aliases=("Начало",), example="02.02.2027"
    )
    end_date: Series[pd.Timestamp] = column(
        "Дата окончания",
        "Последний день занятий группы.",
        "date",
        aliases=("Окончание",),
        example="13.02.2027",
    )
    capacity: Series[pd.Int64Dtype] = column(
        "Число мест",
        "Сколько слушателей может быть в группе.",
        "int",
        aliases=("Количество мест", "Мест"),
        example="25",
        ge=1,
        le=500,
    )
    form: Series[str] = column(
        "Форма обучения",
        "Очная, очно-заочная или заочная.",
        "enum",
        values=FORMS_OF_STUDY,
        list_name="Форма обучения",
        aliases=("Форма",),
        example="очная",
    )

    @pa.dataframe_check(name="group_ends_before_start:end_date")
    def ends_after_start(cls, df: pd.DataFrame) -> Series[bool]:
        return (
            df["start_date"].isna() | df["end_date"].isna() | (df["end_date"] >= df["start_date"])
        ).astype(bool)


class GroupListener(Person):
    """A listener enrolled in a group of the provider's plan-schedule."""

    group_code: Series[str] = column(
        "Код группы",
        "Код группы с листа «Группы».",
        "code",
        aliases=("Группа",),
        example="ИРО-015-1",
        str_matches=GROUP_CODE_PATTERN,
    )

    class Config:
        metadata = {"column_order": ("group_code",)}


class ScheduleApproval(Model):
    """An order of the Department approving the consolidated plan-schedule or amending it."""

    order_number: Series[str] = column(
        "Номер приказа",
        "Номер приказа Департамента.",
        "code",
        aliases=("Приказ №", "№ приказа"),
        example="10-П-2345",
    )
    order_date: Series[pd.Timestamp] = column(
        "Дата приказа",
        "Дата приказа Департамента.",
        "date",
        aliases=("Дата утверждения",),
        example="20.12.2026",
    )
    note: Series[str] = column(
        "Содержание",
        "«Утверждение» для первого приказа; для следующих — что изменено.",
        "text",
        aliases=("Примечание", "Содержание изменения"),
        example="Утверждение",
    )
