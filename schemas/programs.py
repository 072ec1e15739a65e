"""What providers submit about their programs, and the Department's approval of the catalog."""

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas.columns import column
from schemas.common import Model
from schemas.lists import FORMS_OF_STUDY, MIN_HOURS, POSITIONS, PROGRAM_TYPES, YES_NO
from schemas.registries import PROVIDER_CODE_PATTERN

PROGRAM_CODE_PATTERN = r"^[A-ZА-ЯЁ0-9]{2,12}-\d{2,4}$"


class Program(Model):
    """A program of ПК or retraining that passed expertise (order, item 4.2)."""

    program_code: Series[str] = column(
        "Код программы",
        "Код программы: код оператора ПК, дефис и номер, например ИРО-015.",
        "code",
        aliases=("Код ДПП", "Шифр программы"),
        example="ИРО-015",
        str_matches=PROGRAM_CODE_PATTERN,
    )
    provider_code: Series[str] = column(
        "Код оператора ПК",
        "Код своей организации в реестре операторов ПК.",
        "code",
        aliases=("Код оператора",),
        example="ИРО",
        str_matches=PROVIDER_CODE_PATTERN,
    )
    title: Series[str] = column(
        "Наименование программы",
        "Полное наименование дополнительной профессиональной программы.",
        "text",
        aliases=("Название программы", "Программа"),
        example="Формирование функциональной грамотности обучающихся",
        str_length={"min_value": 5, "max_value": 300},
    )
    program_type: Series[str] = column(
        "Вид программы",
        "Повышение квалификации или профессиональная переподготовка.",
        "enum",
        values=PROGRAM_TYPES,
        list_name="Вид программы",
        aliases=("Вид ДПП", "Тип программы"),
        example=PROGRAM_TYPES[0],
    )
    hours: Series[pd.Int64Dtype] = column(
        "Объём, часов",
        "Объём программы в академических часах: не менее 16 для ПК, не менее 250 для переподготовки.",
        "int",
        aliases=("Объем, часов", "Количество часов", "Часы", "Объём"),
        example="72",
        ge=1,
        le=2000,
    )
    audience: Series[str] = column(
        "Категория слушателей",
        "Должности, для которых предназначена программа, из списка, через «;».",
        "multienum",
        values=POSITIONS,
        list_name="Должность",
        aliases=("Категория", "Целевая аудитория"),
        example="учитель; заместитель руководителя",
    )
    annotation: Series[str] = column(
        "Краткая аннотация",
        "Краткое содержание программы: два-пять предложений.",
        "text",
        aliases=("Аннотация",),
        example="Программа знакомит с приёмами формирования читательской и математической грамотности.",
        str_length={"min_value": 20, "max_value": 2000},
    )
    form: Series[str] = column(
        "Форма обучения",
        "Очная, очно-заочная или заочная.",
        "enum",
        values=FORMS_OF_STUDY,
        list_name="Форма обучения",
        aliases=("Форма",),
        example="очно-заочная",
    )
    distance: Series[str] = column(
        "С применением ДОТ",
        "Можно ли обучаться с дистанционными образовательными технологиями: да или нет.",
        "enum",
        values=YES_NO,
        list_name="Да/нет",
        aliases=("ДОТ", "Дистанционно"),
        example="да",
    )
    places: Series[str] = column(
        "Места проведения",
        "Где может проходить обучение: муниципальные образования через «;», «все муниципалитеты» "
        "или «дистанционно».",
        "places",
        aliases=("Место проведения", "Места обучения"),
        example="Ханты-Мансийск; Сургут; дистанционно",
    )
    group_min: Series[pd.Int64Dtype] = column(
        "Минимальная численность группы",
        "Меньше этого числа слушателей группа не открывается.",
        "int",
        aliases=("Мин. численность группы", "Минимум в группе"),
        example="10",
        ge=1,
        le=200,
    )
    group_max: Series[pd.Int64Dtype] = column(
        "Максимальная численность группы",
        "Больше этого числа слушателей в группу не входит.",
        "int",
        aliases=("Макс. численность группы", "Максимум в группе"),
        example="25",
        ge=1,
        le=500,
    )
    days: Series[pd.Int64Dtype] = column(
        "Продолжительность, дней",
        "Сколько календарных дней идёт обучение одной группы; пусто — по 8 часов в рабочий день.",
        "int",
        required=False,
        aliases=("Продолжительность",),
        example="10",
        ge=1,
        le=365,
    )
    expertise_number: Series[str] = column(
        "Номер экспертного заключения",
        "Номер заключения экспертизы программы.",
        "code",
        aliases=("Экспертное заключение №", "Номер экспертизы"),
        example="ЭЗ-2026/041",
    )
    expertise_date: Series[pd.Timestamp] = column(
        "Дата экспертного заключения",
        "Дата заключения экспертизы программы.",
        "date",
        aliases=("Дата экспертизы",),
        example="20.05.2026",
    )

    @pa.dataframe_check(name="hours_below_minimum:hours")
    def hours_at_least_minimum(cls, df: pd.DataFrame) -> Series[bool]:
        minimum = df["program_type"].map(MIN_HOURS)
        return (df["hours"].isna() | minimum.isna() | (df["hours"] >= minimum)).astype(bool)

    @pa.dataframe_check(name="group_min_above_max:group_min")
    def group_sizes_ordered(cls, df: pd.DataFrame) -> Series[bool]:
        return (
            df["group_min"].isna() | df["group_max"].isna() | (df["group_min"] <= df["group_max"])
        ).astype(bool)


class CatalogEntry(Model):
    """One program of the plan year's catalog, approved by the Department's order (order, item 3.1)."""

    program_code: Series[str] = column(
        "Код программы",
        "Код программы из банка программ.",
        "code",
        aliases=("Код ДПП",),
        example="ИРО-015",
        str_matches=PROGRAM_CODE_PATTERN,
    )
    order_number: Series[str] = column(
        "Номер приказа",
        "Номер приказа Департамента об утверждении каталога.",
        "code",
        aliases=("Приказ №", "№ приказа"),
        example="10-П-1234",
    )
    order_date: Series[pd.Timestamp] = column(
        "Дата приказа",
        "Дата приказа Департамента об утверждении каталога.",
        "date",
        aliases=("Дата утверждения",),
        example="10.06.2026",
    )
