"""A provider's quarterly report on how its plan-schedule was carried out (order, item 3.4)."""

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas.columns import column
from schemas.common import Model
from schemas.lists import CERTIFICATE_TYPES, GROUP_STATUSES, YES_NO
from schemas.schedule import GROUP_CODE_PATTERN, GroupListener


class GroupOutcome(Model):
    """What happened to one group in the quarter."""

    group_code: Series[str] = column(
        "Код группы",
        "Код группы из плана-графика.",
        "code",
        aliases=("Группа",),
        example="ИРО-015-1",
        str_matches=GROUP_CODE_PATTERN,
    )
    status: Series[str] = column(
        "Статус",
        "Проведена, перенесена или отменена.",
        "enum",
        values=GROUP_STATUSES,
        list_name="Статус группы",
        aliases=("Статус группы",),
        example="проведена",
    )
    actual_start: Series[pd.Timestamp] = column(
        "Фактическая дата начала",
        "Когда группа фактически начала занятия (для перенесённой — новая дата).",
        "date",
        required=False,
        aliases=("Дата начала",),
        example="02.02.2027",
    )
    actual_end: Series[pd.Timestamp] = column(
        "Фактическая дата окончания",
        "Когда группа фактически закончила занятия (для перенесённой — новая дата).",
        "date",
        required=False,
        aliases=("Дата окончания",),
        example="13.02.2027",
    )
    comment: Series[str] = column(
        "Комментарий",
        "Причина переноса или отмены.",
        "text",
        required=False,
        aliases=("Причина", "Примечание"),
        example="",
    )

    @pa.dataframe_check(name="held_group_without_dates:actual_start")
    def held_groups_have_dates(cls, df: pd.DataFrame) -> Series[bool]:
        needs_dates = df["status"].isin(["проведена", "перенесена"])
        return (~needs_dates | (df["actual_start"].notna() & df["actual_end"].notna())).astype(bool)

    @pa.dataframe_check(name="group_ends_before_start:actual_end")
    def ends_after_start(cls, df: pd.DataFrame) -> Series[bool]:
        return (
            df["actual_start"].isna() | df["actual_end"].isna() | (df["actual_end"] >= df["actual_start"])
        ).astype(bool)


class ListenerOutcome(GroupListener):
    """Whether one listener of a group completed the program, and the document issued."""

    completed: Series[str] = column(
        "Обучение завершено",
        "Да — слушатель освоил программу и получил документ; нет — не завершил.",
        "enum",
        values=YES_NO,
        list_name="Да/нет",
        aliases=("Завершил", "Завершено"),
        example="да",
    )
    certificate_type: Series[str] = column(
        "Вид документа",
        "Удостоверение о повышении квалификации или диплом о профессиональной переподготовке.",
        "enum",
        values=CERTIFICATE_TYPES,
        list_name="Вид документа",
        required=False,
        aliases=("Документ",),
        example=CERTIFICATE_TYPES[0],
    )
    certificate_number: Series[str] = column(
        "Номер документа",
        "Регистрационный номер удостоверения или диплома.",
        "code",
        required=False,
        aliases=("Номер удостоверения", "Рег. номер"),
        example="862400012345",
    )
    certificate_date: Series[pd.Timestamp] = column(
        "Дата выдачи",
        "Дата выдачи документа.",
        "date",
        required=False,
        aliases=("Дата выдачи документа",),
        example="13.02.2027",
    )

    @pa.dataframe_check(name="completed_without_certificate:certificate_number")
    def completed_has_certificate(cls, df: pd.DataFrame) -> Series[bool]:
        done = df["completed"] == "да"
        return (~done | (df["certificate_number"].notna() & df["certificate_date"].notna())).astype(bool)
