"""Sheets of the registries the regional and municipal operators keep: who may submit and for whom."""

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas.columns import column
from schemas.common import Contact, ContactPerson, Model
from schemas.lists import ORGANISATION_TYPES

ORG_CODE_PATTERN = r"^\d{6,8}$"
PROVIDER_CODE_PATTERN = r"^[A-ZА-ЯЁ0-9-]{2,12}$"


class MunicipalOperator(Contact):
    """A municipal operator: the education authority of one municipal formation (order, item 4.1)."""

    class Config:
        metadata = {"column_order": ("municipality", "institution")}

    municipality: Series[str] = column(
        "Муниципальное образование",
        "Код или название муниципального образования из настроек региона.",
        "municipality",
        aliases=("Код МО", "МО", "Муниципалитет"),
        example="Сургут",
    )
    institution: Series[str] = column(
        "Наименование органа управления образованием",
        "Полное наименование муниципального органа управления образованием.",
        "text",
        aliases=("Наименование учреждения", "Наименование органа"),
        example="Департамент образования Администрации города Сургута",
    )


class Provider(Contact):
    """An operator of ПК: a licensed university or college (order, item 4.1)."""

    class Config:
        metadata = {
            "column_order": ("provider_code", "name", "legal_address", "actual_address", "municipality")
        }

    provider_code: Series[str] = column(
        "Код оператора ПК",
        "Краткий код оператора ПК: заглавные буквы и цифры, например ИРО или СурГПУ → СУРГПУ.",
        "code",
        aliases=("Код оператора", "Код поставщика"),
        example="ИРО",
        str_matches=PROVIDER_CODE_PATTERN,
    )
    name: Series[str] = column(
        "Наименование",
        "Полное наименование организации по уставу.",
        "text",
        aliases=("Наименование оператора ПК", "Полное наименование"),
        example="АУ ДПО ХМАО – Югры «Институт развития образования»",
    )
    legal_address: Series[str] = column(
        "Юридический адрес", "Адрес по ЕГРЮЛ.", "text", example="628011, г. Ханты-Мансийск, ул. Мира, 13"
    )
    actual_address: Series[str] = column(
        "Фактический адрес",
        "Адрес, по которому проводятся занятия.",
        "text",
        example="628011, г. Ханты-Мансийск, ул. Мира, 13",
    )
    municipality: Series[str] = column(
        "Муниципальное образование",
        "Где находится оператор ПК: код или название муниципального образования.",
        "municipality",
        aliases=("МО", "Местонахождение"),
        example="Ханты-Мансийск",
    )
    licence_number: Series[str] = column(
        "Номер лицензии",
        "Номер лицензии на осуществление образовательной деятельности.",
        "code",
        aliases=("Лицензия", "Лицензия №"),
        example="Л035-01245-86/00123456",
    )
    licence_date: Series[pd.Timestamp] = column(
        "Дата выдачи лицензии", "Дата выдачи лицензии.", "date", example="15.03.2016"
    )
    licence_valid_until: Series[pd.Timestamp] = column(
        "Срок действия лицензии",
        "Дата окончания действия лицензии или «бессрочно».",
        "date_or_indefinite",
        required=False,
        example="бессрочно",
    )

    @pa.dataframe_check(name="licence_ends_before_issue:licence_valid_until")
    def licence_ends_after_issue(cls, df: pd.DataFrame) -> Series[bool]:
        return df["licence_valid_until"].isna() | (df["licence_valid_until"] >= df["licence_date"])


class OrganisationIdentity(Model):
    """What names an educational organisation: its code, names and address."""

    org_code: Series[str] = column(
        "Код ОО",
        "Код образовательной организации: код муниципального образования и четыре цифры, например 100012.",
        "code",
        aliases=("Код организации", "Код образовательной организации"),
        example="100012",
        str_matches=ORG_CODE_PATTERN,
    )
    name: Series[str] = column(
        "Полное наименование ОО",
        "Полное наименование по уставу.",
        "text",
        aliases=("Наименование ОО", "Наименование организации", "Наименование учреждения"),
        example="Муниципальное бюджетное общеобразовательное учреждение «Средняя школа № 12»",
    )
    short_name: Series[str] = column(
        "Краткое наименование ОО",
        "Краткое наименование для списков и сайта.",
        "text",
        aliases=("Краткое наименование",),
        example="МБОУ СОШ № 12",
    )
    address: Series[str] = column(
        "Адрес", "Фактический адрес организации.", "text", example="628400, г. Сургут, ул. Ленина, 10"
    )


class Organisation(OrganisationIdentity, Contact):
    """An educational organisation and its operator, registered by its municipality (order, item 4.3)
    or, for regional organisations, by the regional operator."""

    class Config:
        metadata = {"column_order": ("org_code", "name", "short_name", "org_type", "municipality", "address")}

    org_type: Series[str] = column(
        "Тип организации",
        "Тип образовательной организации из списка.",
        "enum",
        values=ORGANISATION_TYPES,
        list_name="Тип организации",
        aliases=("Тип ОО", "Вид организации"),
        example=ORGANISATION_TYPES[0],
    )
    municipality: Series[str] = column(
        "Муниципальное образование",
        "Код или название муниципального образования, где находится организация.",
        "municipality",
        aliases=("МО", "Муниципалитет"),
        example="Сургут",
    )


class OrganisationDetails(OrganisationIdentity, ContactPerson):
    """Corrections an organisation's own operator makes to its details (order, item 4.4)."""

    class Config:
        metadata = {"column_order": ("org_code", "name", "short_name", "address")}
