"""The region's configuration: municipalities, plan years, the cycle's deadlines. Read from inputs/region.yaml."""

import math
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml

from pipeline import paths
from schemas.lists import MUNICIPALITY_KINDS


class ConfigError(Exception):
    """A broken region configuration; the message is Russian and names the key."""


@dataclass(frozen=True)
class Municipality:
    code: str
    name: str
    kind: str
    centre: str
    lat: float
    lon: float
    population: int


@dataclass(frozen=True)
class ClosedPeriod:
    start: tuple[int, int]  # (day, month)
    end: tuple[int, int]
    name: str


@dataclass(frozen=True)
class RegionConfig:
    code: str
    name: str
    short_name: str
    department: str
    regional_login: str
    regional_name: str
    plan_years: tuple[int, ...]
    deadlines: dict  # catalog/applications/schedule: (day, month); monitoring_day: int
    closed_periods: tuple[ClosedPeriod, ...]
    training_interval_years: int
    small_count_threshold: int
    municipalities: tuple[Municipality, ...]
    as_of: date | None = None

    @property
    def municipality_by_code(self) -> dict[str, Municipality]:
        return {m.code: m for m in self.municipalities}

    def deadline(self, key: str, plan_year: int, quarter: int | None = None) -> date:
        """The deadline of a stage of the cycle for a plan year (and quarter, for monitoring)."""
        if key == "monitoring":
            if quarter is None:
                raise ValueError("monitoring deadline needs a quarter")
            month = quarter * 3 + 1
            year = plan_year + (1 if month > 12 else 0)
            return date(year, (month - 1) % 12 + 1, self.deadlines["monitoring_day"])
        day, month = self.deadlines[key]
        return date(plan_year - 1, month, day)

    def is_closed(self, day: date) -> bool:
        for period in self.closed_periods:
            start = (period.start[1], period.start[0])
            end = (period.end[1], period.end[0])
            if start <= (day.month, day.day) <= end:
                return True
        return False

    def distance_km(self, code_a: str, code_b: str) -> float:
        """Great-circle distance between two municipal centres, in kilometres."""
        a, b = self.municipality_by_code[code_a], self.municipality_by_code[code_b]
        return great_circle_km(a.lat, a.lon, b.lat, b.lon)


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def great_circle_km_matrix(lats: list[float], lons: list[float]):
    """great_circle_km between every pair of points at once (numpy; may differ from it in the last bit)."""
    import numpy as np

    lat, lon = np.radians(lats), np.radians(lons)
    h = (
        np.sin((lat[None, :] - lat[:, None]) / 2) ** 2
        + np.cos(lat)[:, None] * np.cos(lat)[None, :] * np.sin((lon[None, :] - lon[:, None]) / 2) ** 2
    )
    return 2 * 6371.0 * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


def load_config(inputs: Path | None = None) -> RegionConfig:
    """The configuration from inputs/region.yaml, or the KhMAO-Yugra default when the file is absent."""
    path = (inputs or paths.INPUTS) / paths.REGION_CONFIG_NAME
    if not path.exists():
        path = paths.DEFAULT_REGION_CONFIG
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise ConfigError(f"Файл настроек {path.name} не читается как YAML: {error}") from error
    return parse_config(raw, path.name)


def parse_config(raw: object, source: str = paths.REGION_CONFIG_NAME) -> RegionConfig:
    reader = _Reader(source)
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}: ожидается словарь настроек, а не {type(raw).__name__}.")
    region = reader.section(raw, "region")
    operator = reader.section(raw, "regional_operator")
    deadlines = reader.section(raw, "deadlines")
    plan_years = reader.get(raw, "plan_years", list)
    if not plan_years or not all(isinstance(y, int) and 2000 <= y <= 2100 for y in plan_years):
        raise ConfigError(f"{source}: ключ «plan_years» должен быть списком годов, например [2026, 2027].")
    municipalities = tuple(
        reader.municipality(i, m) for i, m in enumerate(reader.get(raw, "municipalities", list))
    )
    if not municipalities:
        raise ConfigError(f"{source}: в ключе «municipalities» нет ни одного муниципального образования.")
    codes = [m.code for m in municipalities]
    duplicates = sorted({c for c in codes if codes.count(c) > 1})
    if duplicates:
        raise ConfigError(f"{source}: коды муниципальных образований повторяются: {', '.join(duplicates)}.")
    as_of = raw.get("as_of")
    if as_of is not None and not isinstance(as_of, date):
        raise ConfigError(f"{source}: ключ «as_of» должен быть датой в виде 2026-11-28.")
    login = reader.get(operator, "login", str, "regional_operator.login")
    if not re.fullmatch(r"[a-z0-9][a-z0-9._-]{2,39}", login):
        raise ConfigError(f"{source}: ключ «regional_operator.login»: недопустимый логин «{login}».")
    return RegionConfig(
        code=str(reader.get(region, "code", (str, int), "region.code")),
        name=reader.get(region, "name", str, "region.name"),
        short_name=str(region.get("short_name") or region["name"]),
        department=str(region.get("department") or ""),
        regional_login=login,
        regional_name=reader.get(operator, "name", str, "regional_operator.name"),
        plan_years=tuple(sorted(plan_years)),
        deadlines={
            "catalog": reader.day_month(deadlines, "catalog"),
            "applications": reader.day_month(deadlines, "applications"),
            "schedule": reader.day_month(deadlines, "schedule"),
            "monitoring_day": reader.day_of_month(deadlines, "monitoring_day"),
        },
        closed_periods=tuple(
            reader.closed_period(i, p) for i, p in enumerate(raw.get("closed_periods") or [])
        ),
        training_interval_years=int(raw.get("training_interval_years", 3)),
        small_count_threshold=int(raw.get("small_count_threshold", 5)),
        municipalities=municipalities,
        as_of=as_of,
    )


class _Reader:
    """Reads keys of the YAML with Russian messages that name the key."""

    def __init__(self, source: str):
        self.source = source

    def fail(self, key: str, what: str) -> ConfigError:
        return ConfigError(f"{self.source}: ключ «{key}»: {what}")

    def section(self, raw: dict, key: str) -> dict:
        value = raw.get(key)
        if not isinstance(value, dict):
            raise self.fail(key, "раздел отсутствует или не является словарём.")
        return value

    def get(self, raw: dict, key: str, kind, full_key: str | None = None):
        value = raw.get(key)
        if value is None or not isinstance(value, kind):
            raise self.fail(full_key or key, "значение отсутствует или имеет неверный тип.")
        return value

    def day_month(self, raw: dict, key: str) -> tuple[int, int]:
        value = str(raw.get(key, ""))
        match = re.fullmatch(r"(\d{1,2})\.(\d{1,2})", value)
        if not match:
            raise self.fail(f"deadlines.{key}", f"ожидается день и месяц в виде 15.10, а не «{value}».")
        day, month = int(match.group(1)), int(match.group(2))
        try:
            date(2001, month, day)
        except ValueError:
            raise self.fail(f"deadlines.{key}", f"такой даты нет: «{value}».") from None
        return day, month

    def day_of_month(self, raw: dict, key: str) -> int:
        value = raw.get(key)
        if not isinstance(value, int) or not 1 <= value <= 28:
            raise self.fail(f"deadlines.{key}", "ожидается число от 1 до 28.")
        return value

    def municipality(self, index: int, raw: object) -> Municipality:
        key = f"municipalities[{index}]"
        if not isinstance(raw, dict):
            raise self.fail(key, "ожидается словарь с ключами code, name, kind, centre, lat, lon.")
        code = str(raw.get("code", ""))
        if not re.fullmatch(r"\d{2,4}", code):
            raise self.fail(f"{key}.code", f"код должен состоять из двух-четырёх цифр, а не «{code}».")
        kind = raw.get("kind")
        if kind not in MUNICIPALITY_KINDS:
            raise self.fail(f"{key}.kind", f"ожидается одно из: {', '.join(MUNICIPALITY_KINDS)}.")
        try:
            lat, lon = float(raw["lat"]), float(raw["lon"])
        except (KeyError, TypeError, ValueError):
            raise self.fail(f"{key}.lat/lon", "координаты центра должны быть числами.") from None
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise self.fail(f"{key}.lat/lon", "координаты вне допустимых пределов.")
        name = raw.get("name")
        if not isinstance(name, str) or not name.strip():
            raise self.fail(f"{key}.name", "не указано название.")
        return Municipality(
            code=code,
            name=name.strip(),
            kind=kind,
            centre=str(raw.get("centre") or name),
            lat=lat,
            lon=lon,
            population=int(raw.get("population") or 0),
        )

    def closed_period(self, index: int, raw: object) -> ClosedPeriod:
        key = f"closed_periods[{index}]"
        if not isinstance(raw, dict):
            raise self.fail(key, "ожидается словарь с ключами from, to, name.")
        return ClosedPeriod(
            start=self.day_month(raw, "from"),
            end=self.day_month(raw, "to"),
            name=str(raw.get("name", "")),
        )
