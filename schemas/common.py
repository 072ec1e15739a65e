"""Columns shared by several sheet kinds: contacts of a responsible person and a person's identity."""

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas.columns import column

EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
PHONE_PATTERN = r"^\+7 \(\d{3}\) \d{3}-\d{2}-\d{2}$"
LOGIN_PATTERN = r"^[a-z0-9][a-z0-9._-]{2,39}$"


class Model(pa.DataFrameModel):
    """Base of every sheet model: columns are matched by header, extra columns are reported by intake."""

    class Config:
        strict = False
        coerce = False


class ContactPerson(Model):
    """The responsible person of an operator, as the order's items 4.1, 4.3 and 4.4 list them."""

    responsible_name: Series[str] = column(
        "ФИО ответственного лица",
        "Фамилия, имя и отчество ответственного за работу в АСУПК.",
        "text",
        aliases=("ФИО ответственного", "Ответственное лицо", "ФИО"),
        example="Иванова Мария Петровна",
        personal=True,
    )
    position: Series[str] = column(
        "Должность ответственного лица",
        "Должность ответственного лица.",
        "text",
        aliases=("Должность ответственного", "Должность"),
        example="главный специалист",
    )
    phone: Series[str] = column(
        "Контактный телефон",
        "Телефон с кодом города: +7 (3467) 32-40-46 или 8 912 345-67-89.",
        "phone",
        aliases=("Телефон",),
        example="+7 (346) 732-40-46",
        str_matches=PHONE_PATTERN,
    )
    email: Series[str] = column(
        "Электронная почта",
        "Адрес электронной почты ответственного лица.",
        "email",
        aliases=("E-mail", "Email", "Эл. почта", "Адрес электронной почты"),
        example="pk@edu-hm.ru",
        str_matches=EMAIL_PATTERN,
    )


class Contact(ContactPerson):
    """A responsible person with the login the operator submits under."""

    login: Series[str] = column(
        "Логин",
        "Логин для доступа к АСУПК: латинские строчные буквы, цифры, точка, дефис, от 3 до 40 знаков.",
        "login",
        aliases=("Логин оператора",),
        example="uo-surgut",
        str_matches=LOGIN_PATTERN,
    )


class Person(Model):
    """A pedagogical worker as other sheets refer to one: organisation, full name and year of birth."""

    org_code: Series[str] = column(
        "Код ОО",
        "Код образовательной организации по региональному реестру, например 100012.",
        "code",
        aliases=("Код организации", "Код образовательной организации"),
        example="100012",
        str_matches=r"^\d{6,8}$",
    )
    surname: Series[str] = column(
        "Фамилия", "Фамилия педагогического работника.", "name", example="Петрова", personal=True
    )
    first_name: Series[str] = column(
        "Имя", "Имя педагогического работника.", "name", example="Анна", personal=True
    )
    patronymic: Series[str] = column(
        "Отчество",
        "Отчество (если есть).",
        "name",
        required=False,
        example="Сергеевна",
        personal=True,
    )
    birth_year: Series[pd.Int64Dtype] = column(
        "Год рождения",
        "Год рождения, четыре цифры.",
        "year",
        example="1985",
        personal=True,
        ge=1930,
        le=2010,
    )
