"""Turning the text of spreadsheet cells into typed values, column kind by column kind.

Every cell arrives as text (see pipeline.intake.read). A value that can be understood in one obvious way is
normalised and the normalisation is reported; a value that cannot is reported and left empty.
"""

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

import pandas as pd

from schemas.columns import ColumnInfo
from schemas.lists import ALL_PLACES, PERIODS, REMOTE_PLACE

LATIN_LOOKALIKES = str.maketrans("aceopxyABCEHKMOPTXy", "асеорхуАВСЕНКМОРТХу")
CYRILLIC = re.compile(r"[А-Яа-яЁё]")
LATIN = re.compile(r"[A-Za-z]")
SPACES = re.compile(r"\s+")
EXCEL_EPOCH = date(1899, 12, 30)
REMOTE_WORDS = {"дистанционно", "дистанционная", "дот", "онлайн", "удаленно", "дистант"}
ALL_WORDS = {"все муниципалитеты", "все", "все мо", "все муниципальные образования", "любое"}
PERIOD_WORDS = {
    **{
        w: "I квартал" for w in ("i квартал", "1 квартал", "1кв", "1 кв", "q1", "i кв", "1", "первый квартал")
    },
    **{
        w: "II квартал"
        for w in ("ii квартал", "2 квартал", "2кв", "2 кв", "q2", "ii кв", "2", "второй квартал")
    },
    **{
        w: "III квартал"
        for w in ("iii квартал", "3 квартал", "3кв", "3 кв", "q3", "iii кв", "3", "третий квартал")
    },
    **{
        w: "IV квартал"
        for w in ("iv квартал", "4 квартал", "4кв", "4 кв", "q4", "iv кв", "4", "четвертый квартал")
    },
    "любой": "любой",
    "любой период": "любой",
    "в течение года": "любой",
}
YES_WORDS = {"да", "yes", "y", "1", "+", "true", "истина"}
NO_WORDS = {"нет", "no", "n", "0", "-", "false", "ложь"}


@dataclass
class ParseProblem:
    index: object  # the frame's index label of the row
    code: str  # issue code
    value: str
    params: dict = field(default_factory=dict)


@dataclass
class ParseContext:
    """What parsing needs to know of the region: its municipalities by code and name."""

    municipalities: dict[str, str]  # code -> name

    def __post_init__(self):
        self._by_key = {}
        for code, name in self.municipalities.items():
            self._by_key[code] = code
            self._by_key[municipality_key(name)] = code

    def municipality_code(self, text: str) -> str | None:
        return self._by_key.get(text.strip()) or self._by_key.get(municipality_key(text))

    def closest_municipality(self, text: str) -> str | None:
        names = list(self.municipalities.values())
        match = difflib.get_close_matches(text, names, n=1, cutoff=0.6)
        return match[0] if match else None


def municipality_key(text: str) -> str:
    key = fold(text)
    key = re.sub(r"^(г\.|город|гор\.)\s*", "", key)
    key = re.sub(r"\bр-?о?н\b\.?|\bр\.\b", "район", key)
    key = key.replace("муниципальный район", "район").replace("городской округ", "").strip()
    return SPACES.sub(" ", key)


def fold(text: str) -> str:
    """Case, ё and spacing folded away, for tolerant matching."""
    return SPACES.sub(" ", text.replace("\u00a0", " ").strip().lower().replace("ё", "е")).strip(" .;:*")


def clean_text(text: str) -> str:
    return SPACES.sub(" ", text.replace("\u00a0", " ").replace("\u200b", "")).strip()


class Outcome:
    """A parsed value, or a problem, with an optional note of how it was normalised."""

    __slots__ = ("value", "code", "params", "how")

    def __init__(self, value=None, code=None, params=None, how=None):
        self.value, self.code, self.params, self.how = value, code, params or {}, how


def parse_column(
    texts: pd.Series, info: ColumnInfo, context: ParseContext
) -> tuple[pd.Series, list[ParseProblem]]:
    """Parse one column of text into typed values; problems come back with the row's index label."""
    parser = _parser_for(info, context)
    cache: dict[str, Outcome] = {}
    values, problems = [], []
    for index, raw in texts.items():
        text = "" if raw is None or (isinstance(raw, float) and raw != raw) else str(raw)
        if not text.strip():
            values.append(None)
            continue
        outcome = cache.get(text)
        if outcome is None:
            outcome = cache[text] = parser(text)
        values.append(outcome.value)
        if outcome.code:
            problems.append(ParseProblem(index, outcome.code, text, outcome.params))
        elif outcome.how:
            problems.append(
                ParseProblem(
                    index, "normalised", text, {"normalised": _shown(outcome.value), "how": outcome.how}
                )
            )
    return _typed(values, info.kind, texts.index), problems


def _shown(value) -> str:
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    return str(value)


def _typed(values: list, kind: str, index) -> pd.Series:
    if kind in ("int", "year"):
        return pd.Series(pd.array(values, dtype="Int64"), index=index)
    if kind in ("date", "date_or_indefinite"):
        return pd.Series(
            pd.to_datetime(pd.Series(values, dtype="object"), errors="coerce").to_numpy(), index=index
        )
    return pd.Series(values, index=index, dtype="str").where(pd.Series(values, index=index).notna(), None)


def _parser_for(info: ColumnInfo, context: ParseContext) -> Callable[[str], Outcome]:
    kind = info.kind
    if kind in ("text",):
        return _parse_text
    if kind == "name":
        return _parse_name
    if kind == "code":
        return _parse_code
    if kind == "int":
        return _parse_int
    if kind == "year":
        return _parse_year
    if kind == "date":
        return _parse_date
    if kind == "date_or_indefinite":
        return _parse_date_or_indefinite
    if kind == "enum":
        return _enum_parser(info)
    if kind == "multienum":
        return _multienum_parser(info)
    if kind == "email":
        return _parse_email
    if kind == "phone":
        return _parse_phone
    if kind == "login":
        return _parse_login
    if kind == "municipality":
        return lambda text: _parse_municipality(text, context)
    if kind == "place":
        return lambda text: _parse_place(text, context)
    if kind == "places":
        return lambda text: _parse_places(text, context)
    if kind == "bool":
        return _parse_bool
    raise ValueError(f"no parser for kind {kind!r}")


def _parse_text(text: str) -> Outcome:
    cleaned = clean_text(text)
    return Outcome(cleaned, how="лишние пробелы убраны" if "\u00a0" in text else None)


def _parse_name(text: str) -> Outcome:
    cleaned = clean_text(text)
    if CYRILLIC.search(cleaned) and LATIN.search(cleaned):
        repaired = cleaned.translate(LATIN_LOOKALIKES)
        if not LATIN.search(repaired):
            return Outcome(repaired, how="латинские буквы, похожие на русские, заменены русскими")
    return Outcome(cleaned)


def _parse_code(text: str) -> Outcome:
    cleaned = (
        clean_text(text).replace(" ", "").replace("\u2212", "-").replace("\u2013", "-").replace("\u2014", "-")
    )
    upper = cleaned.upper() if CYRILLIC.search(cleaned) or LATIN.search(cleaned) else cleaned
    if CYRILLIC.search(upper) and LATIN.search(upper):
        upper = upper.translate(LATIN_LOOKALIKES).upper()
    how = "код приведён к виду справочника" if upper != clean_text(text) else None
    return Outcome(upper, how=how)


NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")


def _number(text: str) -> tuple[float | None, str | None]:
    cleaned = clean_text(text).replace(" ", "").replace("\u2212", "-")
    how = None
    if cleaned != clean_text(text).replace(" ", ""):
        how = "знак «−» заменён на «-»"
    if not NUMBER.match(cleaned):
        return None, None
    if "," in cleaned:
        how = "десятичная запятая"
        cleaned = cleaned.replace(",", ".")
    return float(cleaned), how


# Past 2**53 a float no longer holds every integer, and int64 ends soon after: no count, hour or year is that big.
LARGEST_INTEGER = 2**53


def _parse_int(text: str) -> Outcome:
    number, how = _number(text)
    if number is None or abs(number) >= LARGEST_INTEGER or number != int(number):
        return Outcome(code="not_an_integer")
    return Outcome(int(number), how=how if how != "десятичная запятая" else None)


def _parse_year(text: str) -> Outcome:
    cleaned = re.sub(r"\s*(г\.?|год)$", "", clean_text(text))
    number, _ = _number(cleaned)
    if number is None or number != int(number) or not 1900 <= number <= 2100:
        return Outcome(code="not_a_year")
    return Outcome(int(number), how="«г.» после года убрано" if cleaned != clean_text(text) else None)


DATE_PATTERNS = (
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$"), ("y", "m", "d"), None),
    (re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$"), ("d", "m", "y"), "дата, введённая текстом"),
    (re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$"), ("d", "m", "y"), "дата через «/»"),
    (re.compile(r"^(\d{1,2})-(\d{1,2})-(\d{4})$"), ("d", "m", "y"), "дата через «-»"),
    (re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{2})$"), ("d", "m", "yy"), "год из двух цифр"),
)


def _parse_date(text: str) -> Outcome:
    cleaned = clean_text(text).rstrip(" г.").strip()
    for pattern, order, how in DATE_PATTERNS:
        match = pattern.match(cleaned)
        if match:
            parts = dict(zip(order, (int(g) for g in match.groups()), strict=True))
            year = parts.get("y") or 2000 + parts["yy"]
            try:
                return Outcome(date(year, parts["m"], parts["d"]), how=how)
            except ValueError:
                return Outcome(code="not_a_date")
    number, _ = _number(cleaned)
    if number is not None and number == int(number) and 20000 <= number <= 80000:
        return Outcome(EXCEL_EPOCH + timedelta(days=int(number)), how="число Excel понято как дата")
    return Outcome(code="not_a_date")


def _parse_date_or_indefinite(text: str) -> Outcome:
    if fold(text).startswith("бессроч"):
        return Outcome(None)
    return _parse_date(text)


def _enum_parser(info: ColumnInfo) -> Callable[[str], Outcome]:
    values = info.values or ()
    table = {fold(v): v for v in values}
    if tuple(values) == PERIODS:
        table.update(PERIOD_WORDS)
    if set(values) == {"да", "нет"}:
        table.update({w: "да" for w in YES_WORDS} | {w: "нет" for w in NO_WORDS})
    shown = "; ".join(values)

    def parse(text: str) -> Outcome:
        key = fold(text)
        canonical = table.get(key)
        if canonical is None:
            return Outcome(code="value_not_in_list", params=_suggest(text, values, shown))
        same = canonical.lower() == clean_text(text).lower()  # a change of case alone is not worth a note
        return Outcome(canonical, how=None if same else "значение приведено к списку")

    return parse


def _suggest(text: str, values, shown: str) -> dict:
    from_list = difflib.get_close_matches(fold(text), [fold(v) for v in values], n=1, cutoff=0.6)
    candidate = next((v for v in values if fold(v) == from_list[0]), None) if from_list else None
    suggestion = f"; возможно, имелось в виду «{candidate}»" if candidate else ""
    return {"suggestion": suggestion, "expected": shown if len(shown) < 400 else "см. лист «Списки» шаблона"}


def split_multi(text: str) -> list[str]:
    return [part for part in (clean_text(p) for p in re.split(r"[;\n]|,(?![^()]*\))", text)) if part]


def _multienum_parser(info: ColumnInfo) -> Callable[[str], Outcome]:
    single = _enum_parser(info)

    def parse(text: str) -> Outcome:
        chosen = []
        for part in split_multi(text):
            outcome = single(part)
            if outcome.code:
                return Outcome(code=outcome.code, params=outcome.params)
            if outcome.value not in chosen:
                chosen.append(outcome.value)
        joined = "; ".join(chosen)
        return Outcome(joined, how=None if joined == clean_text(text) else "список приведён к виду «а; б»")

    return parse


EMAIL = re.compile(r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-zА-Яа-я]{2,}$")


def _parse_email(text: str) -> Outcome:
    cleaned = clean_text(text).lower().removeprefix("mailto:")
    if not EMAIL.match(cleaned):
        return Outcome(code="bad_email")
    return Outcome(cleaned)


def _parse_phone(text: str) -> Outcome:
    digits = re.sub(r"\D", "", text)
    if len(digits) == 11 and digits[0] in "78":
        digits = digits[1:]
    if len(digits) != 10 or re.search(r"[A-Za-zА-Яа-я]", text.replace("доб", "")):
        return Outcome(code="bad_phone")
    shown = f"+7 ({digits[:3]}) {digits[3:6]}-{digits[6:8]}-{digits[8:]}"
    return Outcome(
        shown, how=None if shown == clean_text(text) else "номер приведён к виду +7 (XXX) XXX-XX-XX"
    )


def _parse_login(text: str) -> Outcome:
    cleaned = clean_text(text).lower()
    if not re.fullmatch(r"[a-z0-9][a-z0-9._-]{2,39}", cleaned):
        return Outcome(code="bad_login")
    return Outcome(cleaned)


def _parse_bool(text: str) -> Outcome:
    key = fold(text)
    if key in YES_WORDS:
        return Outcome(True)
    if key in NO_WORDS:
        return Outcome(False)
    return Outcome(code="value_not_in_list", params={"expected": "да; нет"})


def _parse_municipality(text: str, context: ParseContext) -> Outcome:
    code = context.municipality_code(text)
    if code is None:
        candidate = context.closest_municipality(clean_text(text))
        suggestion = f"; возможно, имелось в виду «{candidate}»" if candidate else ""
        return Outcome(code="unknown_municipality", params={"suggestion": suggestion})
    return Outcome(code)


def _parse_place(text: str, context: ParseContext) -> Outcome:
    if fold(text) in REMOTE_WORDS:
        return Outcome(REMOTE_PLACE)
    return _parse_municipality(text, context)


def _parse_places(text: str, context: ParseContext) -> Outcome:
    if fold(text) in ALL_WORDS:
        return Outcome(ALL_PLACES)
    chosen = []
    for part in split_multi(text):
        if fold(part) in ALL_WORDS:
            outcome = Outcome(ALL_PLACES)
        else:
            outcome = _parse_place(part, context)
        if outcome.code:
            return Outcome(code=outcome.code, params=outcome.params, value=None)
        if outcome.value not in chosen:
            chosen.append(outcome.value)
    return Outcome("; ".join(chosen))
