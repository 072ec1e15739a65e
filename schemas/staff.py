"""The staff registry an organisation's operator keeps: every field of the order's item 4.4."""

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas.columns import column
from schemas.common import Person
from schemas.lists import ACADEMIC_DEGREES, ATTESTATION_CATEGORIES, EDUCATION_LEVELS, POSITIONS

# A person can be appointed to a pedagogical position from the age of 16 at the earliest.
MIN_AGE_AT_APPOINTMENT = 16


class StaffMember(Person):
    """One pedagogical worker of the submitting organisation."""

    education_level: Series[str] = column(
        "Уровень образования",
        "Уровень образования по диплому, из списка.",
        "enum",
        values=EDUCATION_LEVELS,
        list_name="Уровень образования",
        aliases=("Образование",),
        example=EDUCATION_LEVELS[0],
    )
    academic_degree: Series[str] = column(
        "Учёная степень",
        "Учёная степень, из списка; «нет», если степени нет.",
        "enum",
        values=ACADEMIC_DEGREES,
        list_name="Учёная степень",
        aliases=("Ученая степень", "Степень"),
        example="нет",
    )
    diploma_qualification: Series[str] = column(
        "Квалификация по диплому",
        "Квалификация, указанная в дипломе.",
        "text",
        aliases=("Квалификация", "Специальность по диплому"),
        example="учитель математики",
    )
    position: Series[str] = column(
        "Должность",
        "Занимаемая педагогическая должность, из списка.",
        "enum",
        values=POSITIONS,
        list_name="Должность",
        aliases=("Занимаемая должность",),
        example="учитель",
    )
    subject: Series[str] = column(
        "Предмет (направление)",
        "Преподаваемый предмет или направление работы, если есть.",
        "text",
        required=False,
        aliases=("Предмет", "Направление"),
        example="математика",
    )
    year_appointed: Series[pd.Int64Dtype] = column(
        "Год назначения на должность",
        "Год, с которого работник занимает эту должность.",
        "year",
        aliases=("Год назначения",),
        example="2015",
        ge=1950,
        le=2100,
    )
    last_attestation_year: Series[pd.Int64Dtype] = column(
        "Год последней аттестации",
        "Год последней аттестации; пусто, если работник не аттестован.",
        "year",
        required=False,
        aliases=("Год аттестации",),
        example="2022",
        ge=1980,
        le=2100,
    )
    attestation_category: Series[str] = column(
        "Квалификационная категория",
        "Квалификационная категория, из списка.",
        "enum",
        values=ATTESTATION_CATEGORIES,
        list_name="Квалификационная категория",
        aliases=("Аттестационная категория", "Категория"),
        example="первая",
    )
    teaching_experience: Series[pd.Int64Dtype] = column(
        "Педагогический стаж, лет",
        "Полных лет педагогического стажа.",
        "int",
        aliases=("Педагогический стаж", "Стаж"),
        example="12",
        ge=0,
        le=70,
    )
    last_training_year: Series[pd.Int64Dtype] = column(
        "Год последнего прохождения ПК",
        "Год, когда работник последний раз окончил курсы повышения квалификации; пусто, если не проходил.",
        "year",
        required=False,
        aliases=("Год последних курсов ПК", "Год прохождения ПК"),
        example="2024",
        ge=1980,
        le=2100,
    )
    courses_taken: Series[str] = column(
        "Пройденные курсы ПК",
        "Названия пройденных курсов за последние три года, через «;».",
        "text",
        required=False,
        aliases=("Пройденные курсы",),
        example="Функциональная грамотность школьников (72 ч, 2024)",
    )
    planned_topic: Series[str] = column(
        "Тема планируемых курсов ПК",
        "Тема, по которой работник хотел бы пройти курсы.",
        "text",
        required=False,
        aliases=("Тема планируемых курсов", "Планируемые курсы"),
        example="Цифровые инструменты на уроке математики",
    )

    @pa.dataframe_check(name="appointed_too_young:year_appointed")
    def appointed_after_sixteen(cls, df: pd.DataFrame) -> Series[bool]:
        return (
            df["year_appointed"].isna()
            | df["birth_year"].isna()
            | (df["year_appointed"] >= df["birth_year"] + MIN_AGE_AT_APPOINTMENT)
        ).astype(bool)
