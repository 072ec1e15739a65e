"""The public site's guards: no personal column ever reaches a page, small counts of people show as «<5»."""

from functools import cache

import pandas as pd

from schemas.columns import columns_of
from schemas.kinds import KINDS


class PersonalDataError(ValueError):
    """A frame meant for the public site carries a column of personal data."""


@cache
def personal_columns() -> frozenset[str]:
    """Names and Russian headers (with aliases) of every column a schema marks as personal."""
    found = set()
    for kind in KINDS:
        for sheet in kind.sheets:
            for info in columns_of(sheet.model):
                if info.personal:
                    found.update({info.name, info.header, *info.aliases})
    return frozenset(found)


def assert_public(frame: pd.DataFrame, name: str = "") -> pd.DataFrame:
    """The frame itself when it holds no personal column; otherwise refuse it loudly."""
    personal = sorted(str(c) for c in frame.columns if str(c) in personal_columns())
    if personal:
        raise PersonalDataError(
            f"frame {name!r} holds personal columns {personal}; publish only aggregated, anonymous data"
        )
    return frame


def small_count(value: object, threshold: int = 5) -> str:
    """A count of people as the public reads it: 1 to threshold-1 hide as «<threshold», blanks stay blank."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    number = int(value)
    if 0 < number < threshold:
        return f"<{threshold}"
    return f"{number:,}".replace(",", "\u00a0")
