"""Teachers' applications for programs of the plan year's catalog (order, items 3.2 and 4.4)."""

import pandas as pd
from pandera.typing import Series

from schemas.columns import column
from schemas.common import Person
from schemas.lists import PERIODS
from schemas.programs import PROGRAM_CODE_PATTERN


class Application(Person):
    """One teacher's personal choice of one program."""

    program_code: Series[str] = column(
        "Код программы",
        "Код программы из утверждённого каталога на плановый год.",
        "code",
        aliases=("Код ДПП", "Программа"),
        example="ИРО-015",
        str_matches=PROGRAM_CODE_PATTERN,
    )
    preferred_place: Series[str] = column(
        "Предпочтительное место обучения",
        "Муниципальное образование, где удобно учиться, или «дистанционно»; пусто — по месту работы.",
        "place",
        required=False,
        aliases=("Место обучения", "Желаемое место обучения"),
        example="Сургут",
    )
    preferred_period: Series[str] = column(
        "Предпочтительный период",
        "Квартал планового года, когда удобно учиться, или «любой».",
        "enum",
        values=PERIODS,
        list_name="Период",
        required=False,
        aliases=("Период обучения", "Желаемый период"),
        example="II квартал",
    )
    application_date: Series[pd.Timestamp] = column(
        "Дата заявки",
        "Дата, когда работник подал заявку.",
        "date",
        aliases=("Дата подачи заявки",),
        example="01.10.2026",
    )
