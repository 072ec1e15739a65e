"""The analysis of educational needs (order, item 1.2): who is due for ПК, which planned topics the catalog does not
cover, whether the programs can take everyone who applied."""

import math
import re
from functools import lru_cache

import pandas as pd
import snowballstemmer

from pipeline.config import RegionConfig
from pipeline.monitoring import keys_of, looked_up
from pipeline.registries import Registries
from pipeline.workbooks import SheetSpec, frame_to_sheet, write_workbook

# Words that say nothing about a topic's content.
STOP_WORDS = frozenset(
    "и в во на по для при с со к ко о об от до из за без под над как что это его её их или а но не ни "
    "также через между условиях рамках основе вопросы вопрос современные современный современных "
    "курсы курс программа программы обучение обучения повышение квалификации".split()
)
WORD = re.compile(r"[а-яёa-z]+")
MIN_WORD = 3
COVERING_STEMS = 2


@lru_cache(maxsize=1)
def _stemmer():
    return snowballstemmer.stemmer("russian")


@lru_cache(maxsize=1 << 16)
def _stem(word: str) -> str:
    # The pure-Python stemmer is slow and a catalog repeats its words: each word is stemmed once.
    return _stemmer().stemWord(word)


def content_stems(text: object) -> frozenset[str]:
    """The stems of a text's content words: «цифровые инструменты на уроке» → {цифров, инструмент, урок}."""
    if not isinstance(text, str):
        return frozenset()
    words = WORD.findall(text.lower().replace("ё", "е"))
    return frozenset(_stem(w) for w in words if len(w) >= MIN_WORD and w not in STOP_WORDS)


def covers(topic: frozenset[str], program: frozenset[str]) -> bool:
    """A program covers a topic when it holds two of the topic's stems (all of them, if the topic has fewer)."""
    return bool(topic) and len(topic & program) >= min(COVERING_STEMS, len(topic))


def last_training(staff: pd.DataFrame, completions: pd.DataFrame | None) -> pd.Series:
    """The year of each staff row's last ПК: the registry's year, or a later completion the monitoring saw."""
    year = staff["last_training_year"].astype("Float64")
    if completions is None or completions.empty:
        return year
    completed = completions["completed"]
    # The monitoring writes «да»/«нет»; a boolean column is accepted too.
    done = completions[completed.eq("да") if completed.dtype != bool else completed].copy()
    dated = (
        done["certificate_date"].dt.year if "certificate_date" in done else pd.Series(pd.NA, index=done.index)
    )
    done["year"] = dated.fillna(done["plan_year"]).astype("Float64")
    latest = done.groupby(["person_id", "org_code"])["year"].max()
    seen = pd.Series(
        looked_up(latest, staff["person_id"], staff["org_code"]), index=staff.index, dtype="Float64"
    )
    return pd.concat([year, seen], axis=1).max(axis=1, skipna=True).astype("Float64")


def staff_needs(
    reg: Registries, plan_year: int, interval: int, completions=None, trained=None
) -> pd.DataFrame:
    """Every current staff row with whether ПК is overdue at the start of the plan year and whether they applied.
    trained: last_training of the staff, when the caller already has it (it does not depend on the year)."""
    staff = reg.staff.copy()
    trained = last_training(staff, completions) if trained is None else trained
    staff["overdue"] = (trained.isna() | (trained < plan_year - interval)).astype(bool)
    applied = reg.applications[reg.applications["plan_year"] == plan_year]
    pairs = set(keys_of(applied, ["person_id", "org_code"]))
    staff["applied"] = [key in pairs for key in keys_of(staff, ["person_id", "org_code"])]
    return staff


def _summarise(frame: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    grouped = frame.groupby(by, sort=True, dropna=False)
    out = pd.DataFrame(
        {"staff": grouped.size(), "overdue": grouped["overdue"].sum(), "applied": grouped["applied"].sum()}
    ).reset_index()
    out[["staff", "overdue", "applied"]] = out[["staff", "overdue", "applied"]].astype(int)
    out["share_overdue"] = (out["overdue"] / out["staff"]).round(3)
    out["share_applied"] = (out["applied"] / out["staff"]).round(3)
    return out


def by_position(needs: pd.DataFrame) -> pd.DataFrame:
    return _summarise(needs, ["position"])


def by_municipality(
    needs: pd.DataFrame, reg: Registries, config: RegionConfig, plan_year: int
) -> pd.DataFrame:
    """Every municipality of the region, with zeros where nothing was sent."""
    codes = pd.DataFrame({"municipality": [m.code for m in config.municipalities]})
    out = codes.merge(_summarise(needs, ["municipality"]), on="municipality", how="left")
    out["name"] = out["municipality"].map({m.code: m.name for m in config.municipalities})
    out["organisations"] = out["municipality"].map(reg.organisations["municipality"].value_counts())
    applications = reg.applications[reg.applications["plan_year"] == plan_year]
    out["applications"] = out["municipality"].map(applications["municipality"].value_counts())
    counts = ["organisations", "staff", "overdue", "applied", "applications"]
    out[counts] = out[counts].fillna(0).astype(int)
    out["share_overdue"] = out["share_overdue"].fillna(0.0)
    out["share_applied"] = out["share_applied"].fillna(0.0)
    columns = ["municipality", "name", *counts, "share_overdue", "share_applied"]
    return out[columns]


def by_organisation(needs: pd.DataFrame, reg: Registries, config: RegionConfig) -> pd.DataFrame:
    out = _summarise(needs, ["org_code"])
    orgs = reg.organisations.set_index("org_code")
    out.insert(1, "short_name", out["org_code"].map(orgs["short_name"]))
    names = {m.code: m.name for m in config.municipalities}
    out.insert(2, "municipality", out["org_code"].map(orgs["municipality"]).map(names))
    return out


def uncovered_topics(reg: Registries, plan_year: int) -> pd.DataFrame:
    """Planned topics of current staff that no program of the plan year's catalog covers, most wanted first."""
    catalog = reg.catalog[reg.catalog["plan_year"] == plan_year]
    programs = [
        content_stems(f"{t} {a}") for t, a in zip(catalog["title"], catalog["annotation"], strict=True)
    ]
    topics = reg.staff["planned_topic"].dropna().map(lambda t: re.sub(r"\s+", " ", str(t)).strip())
    topics = topics[topics != ""]
    counted = topics.groupby(topics.str.lower().str.replace("ё", "е")).agg(["first", "size"])
    rows = []
    for first, size in zip(counted["first"], counted["size"], strict=True):
        stems = content_stems(first)
        if stems and not any(covers(stems, program) for program in programs):
            rows.append({"topic": first, "staff": int(size)})
    out = pd.DataFrame(rows, columns=["topic", "staff"])
    return out.sort_values(["staff", "topic"], ascending=[False, True], kind="stable").reset_index(drop=True)


def demand_and_capacity(reg: Registries, plan_year: int, groups: pd.DataFrame | None = None) -> pd.DataFrame:
    """Applications per catalog program against the places its groups offer: the groups the schedule planned,
    or, before there is a schedule, as many full groups as the applications need."""
    catalog = reg.catalog[reg.catalog["plan_year"] == plan_year]
    applied = reg.applications[reg.applications["plan_year"] == plan_year]["program_code"].value_counts()
    out = catalog[["program_code", "title", "provider_name", "group_max"]].copy()
    out["applications"] = out["program_code"].map(applied).fillna(0).astype(int)
    planned = None
    if groups is not None and not groups.empty:
        planned = groups[groups["plan_year"] == plan_year]["program_code"].value_counts()
    if planned is not None and not planned.empty:
        out["groups"] = out["program_code"].map(planned).fillna(0).astype(int)
        out["groups_source"] = "план-график"
    else:
        out["groups"] = [
            math.ceil(a / int(m)) if pd.notna(m) and int(m) > 0 else 0
            for a, m in zip(out["applications"], out["group_max"], strict=True)
        ]
        out["groups_source"] = "оценка"
    out["capacity"] = (out["group_max"].fillna(0).astype(int) * out["groups"]).astype(int)
    out["unmet"] = (out["applications"] - out["capacity"]).clip(lower=0).astype(int)
    return out.sort_values("program_code").reset_index(drop=True)


HEADERS = {
    "position": "Должность",
    "municipality": "Муниципальное образование",
    "name": "Наименование",
    "org_code": "Код ОО",
    "short_name": "Организация",
    "organisations": "Организаций",
    "staff": "Работников",
    "overdue": "ПК более {n} лет назад или не проходили",
    "applied": "Подали заявки",
    "applications": "Заявок",
    "share_overdue": "Доля с просроченной ПК",
    "share_applied": "Доля подавших заявки",
    "topic": "Тема планируемых курсов",
    "program_code": "Код программы",
    "title": "Программа",
    "provider_name": "Оператор ПК",
    "group_max": "Макс. численность группы",
    "groups": "Групп",
    "groups_source": "Число групп по",
    "capacity": "Мест",
    "unmet": "Не хватает мест",
}


def needs_workbook(
    reg, config, plan_year, completions=None, groups=None, trained=None
) -> tuple[list[SheetSpec], dict]:
    """The sheets of reports/needs-<year>.xlsx and the frames they show."""
    needs = staff_needs(reg, plan_year, config.training_interval_years, completions, trained)
    frames = {
        "by_position": by_position(needs),
        "by_municipality": by_municipality(needs, reg, config, plan_year),
        "by_organisation": by_organisation(needs, reg, config),
        "topics": uncovered_topics(reg, plan_year),
        "demand": demand_and_capacity(reg, plan_year, groups),
    }
    staff, overdue, applied = len(needs), int(needs["overdue"].sum()), int(needs["applied"].sum())
    summary = pd.DataFrame(
        [
            ("Плановый год", plan_year),
            ("Педагогических работников", staff),
            (f"Прошли ПК более {config.training_interval_years} лет назад или не проходили", overdue),
            ("Доля с просроченной ПК", round(overdue / staff, 3) if staff else 0.0),
            ("Подали заявки (работников)", applied),
            ("Доля подавших заявки", round(applied / staff, 3) if staff else 0.0),
            ("Заявок", int(frames["demand"]["applications"].sum())),
            ("Программ в каталоге", len(frames["demand"])),
            ("Тем без программ в каталоге", len(frames["topics"])),
            ("Программ, где заявок больше мест", int((frames["demand"]["unmet"] > 0).sum())),
        ],
        columns=["Показатель", "Значение"],
    )
    headers = {k: v.format(n=config.training_interval_years) for k, v in HEADERS.items()}
    sheets = [
        frame_to_sheet("Сводка", summary),
        frame_to_sheet("По должностям", frames["by_position"], headers),
        frame_to_sheet("По муниципалитетам", frames["by_municipality"], headers, text_columns={0}),
        frame_to_sheet("По организациям", frames["by_organisation"], headers, text_columns={0}),
        frame_to_sheet("Темы без программ", frames["topics"], headers),
        frame_to_sheet("Спрос и ёмкость", frames["demand"], headers),
    ]
    frames["summary"] = summary
    return sheets, frames


def municipality_stats(by_muni: pd.DataFrame) -> pd.DataFrame:
    """The municipalities' counts as the site's pages read them."""
    out = by_muni.rename(columns={"municipality": "municipality_code", "overdue": "due"})
    return out[
        [
            "municipality_code",
            "name",
            "organisations",
            "staff",
            "due",
            "applied",
            "applications",
            "share_applied",
        ]
    ]


def run_needs(ctx, state: dict) -> dict:
    """Uses the monitoring's completions and the schedule's groups when those stages ran before this one."""
    reg: Registries = state["registries"]
    quality = state.get("quality")
    allows = quality.allows if quality else (lambda output: True)
    completions = getattr(state.get("monitoring"), "completions", None)
    schedule = state.get("schedule")
    groups = getattr(schedule, "groups", None)
    public = state.setdefault("public", {})
    threshold = ctx.config.small_count_threshold
    trained = last_training(reg.staff, completions)
    # The site shows the needs and the staff counts in the current plan year's version only: they are the present
    # state of the staff registry, which an earlier year's version (that year's record) does not follow.
    current = reg.current_plan_year(ctx.config.plan_years)
    for year in ctx.config.plan_years:
        applications = reg.applications[reg.applications["plan_year"] == year]
        if reg.catalog[reg.catalog["plan_year"] == year].empty and applications.empty:
            continue
        sheets, frames = needs_workbook(reg, ctx.config, year, completions, groups, trained)
        year_public = public.setdefault(year, {})
        if allows("needs"):
            write_workbook(
                ctx.reports / f"needs-{year}.xlsx", sheets, title=f"Анализ потребностей в ПК на {year} год"
            )
            # the year's own applications against its groups' places: every year's version shows them
            year_public["demand_and_capacity"] = frames["demand"].drop(columns=["provider_name"])
        if year != current:
            continue
        if allows("needs"):
            year_public["needs_by_municipality"] = frames["by_municipality"].drop(columns=["name"])
            year_public["needs_by_position"] = frames["by_position"]
            topics = frames["topics"]
            year_public["needs_topics_uncovered"] = topics[topics["staff"] >= threshold].reset_index(
                drop=True
            )
        if allows("municipality_stats"):
            year_public["municipality_stats"] = municipality_stats(frames["by_municipality"])
    return {"public": public}
