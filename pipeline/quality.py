"""The quality gate: great-expectations suites over the merged registries and the public frames; a failed
expectation holds back the outputs that depend on it, not the whole run."""

import logging
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pipeline.config import RegionConfig
from pipeline.memo import Memo, fingerprint
from pipeline.registries import Registries
from pipeline.workbooks import frame_to_sheet, write_workbook
from schemas.columns import columns_of
from schemas.kinds import KINDS
from schemas.lists import (
    ATTESTATION_CATEGORIES,
    EDUCATION_LEVELS,
    FORMS_OF_STUDY,
    ORGANISATION_TYPES,
    PERIODS,
    POSITIONS,
    PROGRAM_TYPES,
    REMOTE_PLACE,
)

QUALITY_FILE = "проверка качества"

# Columns that name or single out a person: never in a public frame. person_id is a pseudonym, still personal.
PERSONAL_COLUMNS = tuple(
    sorted(
        {i.name for kind in KINDS for sheet in kind.sheets for i in columns_of(sheet.model) if i.personal}
        | {"person_id", "responsible_name", "phone", "email", "application_id"}
    )
)

# What each output is made from; a failed blocking expectation on one of these tables holds the output back.
OUTPUTS: dict[str, tuple[str, ...]] = {
    "catalog": ("catalog", "programs", "providers"),
    "providers_public": ("providers", "provider_licences", "catalog"),
    "municipality_stats": ("organisations", "staff", "applications"),
    "needs": ("staff", "organisations", "catalog", "applications"),
    "application_lists": ("applications", "staff", "organisations", "catalog"),
}

TABLE_TITLES = {
    "municipalities": "Муниципальные образования",
    "municipal_operators": "Муниципальные операторы",
    "providers": "Операторы ПК",
    "provider_licences": "Лицензии операторов ПК",
    "organisations": "Организации",
    "staff": "Работники",
    "staff_archive": "Архив работников",
    "programs": "Банк программ",
    "catalog": "Каталог",
    "applications": "Заявки",
}

# Generous upper bounds of plausible sizes; a region far beyond them has a folding or join bug.
MAX_STAFF_PER_ORGANISATION = 1000
MAX_APPLICATIONS_PER_PERSON_YEAR = 10
MAX_ORGANISATIONS_PER_MUNICIPALITY = 2000
MAX_CATALOG_PER_YEAR = 3000
MAX_PROGRAMS_PER_PROVIDER_YEAR = 100  # a larger region (a country-sized one) has its providers' share


def catalog_bound(providers: int) -> int:
    """The most programs a plan year's catalog may plausibly hold: a region's 3,000, or 100 per provider where
    there are more than 30 (a country-sized region's catalog holds thousands more, and is no join bug)."""
    return max(MAX_CATALOG_PER_YEAR, MAX_PROGRAMS_PER_PROVIDER_YEAR * providers)


@dataclass(frozen=True)
class Check:
    """One expectation, described as data so the suite reads as a list and the report can say it in Russian."""

    table: str
    kind: str  # unique, not_null, refers_to, in_list, rows, covers, no_personal, matches
    columns: tuple[str, ...]
    values: tuple = ()
    low: int | None = None
    high: int | None = None
    parent: str = ""  # for refers_to: the table the values must exist in
    blocking: bool = True

    def description(self) -> str:
        what = ", ".join(self.columns)
        return {
            "unique": f"значения «{what}» не повторяются",
            "not_null": f"«{what}» заполнено",
            "refers_to": f"«{what}» ссылается на существующую запись таблицы «{self.parent}»",
            "in_list": f"«{what}» — значение из закрытого списка",
            "matches": f"«{what}» в установленном формате",
            "rows": f"число строк от {self.low} до {self.high}",
            "covers": f"есть записи для каждого значения «{what}» из таблицы «{self.parent}»",
            "no_personal": "нет столбцов с персональными данными",
        }[self.kind]


@dataclass
class QualityResult:
    expectations: pd.DataFrame  # table, check, columns, success, observed, blocking
    held_back: set[str] = field(default_factory=set)

    @property
    def success(self) -> bool:
        return bool(self.expectations["success"].all()) if not self.expectations.empty else True

    def allows(self, output: str) -> bool:
        return output not in self.held_back


def suite_checks(
    reg: Registries, config: RegionConfig, public: dict[int, dict[str, pd.DataFrame]]
) -> list[Check]:
    """The expectations of the merged state: keys, references, closed lists, plausible sizes, no personal data."""
    codes = tuple(m.code for m in config.municipalities)
    years = tuple(config.plan_years)
    n_munis, n_orgs = len(codes), len(reg.organisations)
    everyone = pd.concat([reg.staff["person_id"], reg.staff_archive["person_id"]])
    people = everyone.nunique()
    refers = lambda table, column, parent, values: Check(  # noqa: E731
        table, "refers_to", (column,), tuple(sorted(pd.unique(values.dropna()).tolist())), parent=parent
    )
    checks = [
        Check("municipalities", "unique", ("code",)),
        Check("municipalities", "rows", (), low=n_munis, high=n_munis),
        Check("municipal_operators", "unique", ("municipality",)),
        Check("municipal_operators", "in_list", ("municipality",), codes),
        Check("providers", "unique", ("provider_code",)),
        Check("providers", "not_null", ("provider_code",)),
        Check("providers", "in_list", ("municipality",), codes),
        Check("provider_licences", "unique", ("provider_code", "plan_year")),
        refers("provider_licences", "provider_code", "providers", reg.providers["provider_code"]),
        Check("organisations", "unique", ("org_code",)),
        Check("organisations", "not_null", ("org_code",)),
        Check("organisations", "not_null", ("login",)),
        Check("organisations", "in_list", ("municipality",), codes),
        Check("organisations", "in_list", ("org_type",), ORGANISATION_TYPES),
        Check("organisations", "rows", (), low=0, high=MAX_ORGANISATIONS_PER_MUNICIPALITY * n_munis),
        # A municipality whose operator is registered but that has no organisations yet is worth a look, not a
        # reason to hold anything back.
        Check(
            "organisations",
            "covers",
            ("municipality",),
            tuple(sorted(set(reg.municipal_operators["municipality"].dropna()))),
            parent="municipal_operators",
            blocking=False,
        ),
        Check("staff", "unique", ("person_id", "org_code")),
        Check("staff", "not_null", ("person_id",)),
        Check("staff", "matches", ("person_id",), (r"^P[0-9a-f]{10}$",)),
        refers("staff", "org_code", "organisations", reg.organisations["org_code"]),
        Check("staff", "in_list", ("municipality",), codes),
        Check("staff", "in_list", ("position",), POSITIONS),
        Check("staff", "in_list", ("education_level",), EDUCATION_LEVELS),
        Check("staff", "in_list", ("attestation_category",), ATTESTATION_CATEGORIES),
        Check("staff", "rows", (), low=0, high=MAX_STAFF_PER_ORGANISATION * max(n_orgs, 1)),
        Check("staff_archive", "not_null", ("person_id",)),
        Check("staff_archive", "not_null", ("archived_on",)),
        Check("programs", "unique", ("program_code",)),
        refers("programs", "provider_code", "providers", reg.providers["provider_code"]),
        Check("programs", "in_list", ("program_type",), PROGRAM_TYPES),
        Check("programs", "in_list", ("form",), FORMS_OF_STUDY),
        Check("catalog", "unique", ("plan_year", "program_code")),
        refers("catalog", "program_code", "programs", reg.programs["program_code"]),
        refers("catalog", "provider_code", "providers", reg.providers["provider_code"]),
        Check("catalog", "not_null", ("provider_code",)),
        Check("catalog", "in_list", ("plan_year",), years),
        Check("catalog", "rows", (), low=0, high=catalog_bound(len(reg.providers)) * len(years)),
        Check("applications", "unique", ("application_id",)),
        Check("applications", "not_null", ("person_id",)),
        refers("applications", "person_id", "staff", everyone),
        refers("applications", "org_code", "organisations", reg.organisations["org_code"]),
        refers("applications", "program_code", "catalog", reg.catalog["program_code"]),
        Check("applications", "in_list", ("plan_year",), years),
        Check("applications", "in_list", ("preferred_period",), PERIODS),
        Check("applications", "in_list", ("preferred_place",), (*codes, REMOTE_PLACE)),
        Check("applications", "rows", (), low=0, high=MAX_APPLICATIONS_PER_PERSON_YEAR * people * len(years)),
    ]
    for year in sorted(public):
        for name in sorted(public[year]):
            checks.append(Check(public_table(name, year), "no_personal", ("column",), PERSONAL_COLUMNS))
    return checks


def public_table(name: str, year: int) -> str:
    return f"public {name} {year}"


def run_suites(tables: dict[str, pd.DataFrame], checks: list[Check]) -> pd.DataFrame:
    """Validate every table with its great-expectations suite. A table whose checked columns and expectations
    are those of an earlier run takes that run's results from the memo; one validated early (validate_early)
    with the same key takes that result."""
    memo = quality_memo()
    outcomes: dict[int, tuple[bool, str]] = {}
    pending: dict[str, tuple[pd.DataFrame, list, list[int], str]] = {}
    early = {}
    for table, numbers, frame, specs, key in _suites(tables, checks):
        found, kept = memo.recall(key)
        if found:
            outcomes.update(zip(numbers, kept, strict=True))
        elif _early.get(table, ("",))[0] == key:
            early[table] = (numbers, key, _early[table][1], frame, specs)
        else:
            pending[table] = (frame, specs, numbers, key)
    validated = {}
    if pending:
        validated = _validate({table: (frame, specs) for table, (frame, specs, _, _) in pending.items()})
    for table, (numbers, key, future, frame, specs) in early.items():
        try:
            validated[table] = future.result()[table]
        except BrokenProcessPool:
            validated[table] = _validate_here({table: (frame, specs)})[table]
        pending[table] = (frame, specs, numbers, key)
    for table, (_, _, numbers, key) in pending.items():
        memo.keep(key, validated[table])
        outcomes.update(zip(numbers, validated[table], strict=True))
    rows = [
        {
            "table": check.table,
            "check": check.description(),
            "columns": ", ".join(check.columns),
            "success": outcomes[number][0],
            "observed": outcomes[number][1],
            "blocking": check.blocking,
        }
        for number, check in enumerate(checks)
    ]
    return pd.DataFrame(rows, columns=["table", "check", "columns", "success", "observed", "blocking"])


def quality_memo() -> Memo:
    return Memo("quality", sources=["pipeline/quality.py"], libraries=["great_expectations"])


def _suites(tables: dict[str, pd.DataFrame], checks: list[Check]):
    """(table, numbers of its checks, the frame they read, their expectations, the memo key) per table."""
    by_table: dict[str, list[tuple[int, Check]]] = {}
    for number, check in enumerate(checks):
        by_table.setdefault(check.table, []).append((number, check))
    for table, numbered in by_table.items():
        frame = _validation_frame(tables[table], [check for _, check in numbered])
        specs = [_spec(check, frame) for _, check in numbered]
        yield table, [number for number, _ in numbered], frame, specs, fingerprint(table, specs, frame)


def validate_early(reg: Registries, config: RegionConfig) -> None:
    """Right after the registries are merged, their tables' suites go to the warmed-up worker, which validates
    them while groups, schedule and monitoring run; the gate then finds the results ready. (Their checks read
    nothing but the registries and the region.)"""
    if _worker is None:
        return
    memo = quality_memo()
    for table, _, frame, specs, key in _suites(dict(reg.tables()), suite_checks(reg, config, {})):
        if not memo.recall(key)[0]:
            _early[table] = (key, _worker.submit(_validate_here, {table: (frame, specs)}))


# great_expectations takes about two seconds to import. A run of a region starts a worker process that imports it
# while the stages before the gate run (the second core is idle then on a re-run); the gate validates there.
WARM_UP_FROM = 1000  # input files: below this the run is too short for the import to hide behind it
_worker: ProcessPoolExecutor | None = None
_early: dict[str, tuple[str, object]] = {}  # table -> (its memo key, the worker's future)


def start_validator() -> None:
    global _worker
    if _worker is None and (os.cpu_count() or 1) >= 2:
        _worker = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("forkserver"))
        _worker.submit(_import_gx)


def stop_validator() -> None:
    global _worker
    _early.clear()
    if _worker is not None:
        _worker.shutdown(wait=False, cancel_futures=True)
        _worker = None


def _import_gx() -> None:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    import great_expectations  # noqa: F401


def _validate(suites: dict[str, tuple[pd.DataFrame, list]]) -> dict[str, list[tuple[bool, str]]]:
    """In the warmed-up worker when there is one (a worker lost on the way costs only its head start)."""
    if _worker is not None:
        try:
            return _worker.submit(_validate_here, suites).result()
        except BrokenProcessPool:
            stop_validator()
    return _validate_here(suites)


def _validate_here(suites: dict[str, tuple[pd.DataFrame, list]]) -> dict[str, list[tuple[bool, str]]]:
    """Each table validated against its suite as one batch of one in-memory asset: table -> (success,
    observed) of each expectation, in the suite's order. (A checkpoint would add an asset, a batch definition
    and a validation definition per table, and GX re-serialises its whole project config for each.)"""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    import great_expectations as gx  # heavy: paid only by runs whose checked data changed
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    asset = context.data_sources.add_pandas("merged_state").add_dataframe_asset("table")
    whole = asset.add_batch_definition_whole_dataframe("whole")
    found: dict[str, list[tuple[bool, str]]] = {}
    for table, (frame, specs) in suites.items():
        suite = gx.ExpectationSuite(name=table)
        for position, (name, arguments) in enumerate(specs):
            suite.add_expectation(getattr(gx.expectations, name)(**arguments, meta={"check": position}))
        outcome = whole.get_batch(batch_parameters={"dataframe": frame}).validate(
            suite, result_format="SUMMARY"
        )
        found[table] = [None] * len(specs)
        # GX reports results in its own order; each expectation carries its place in the suite.
        for result in outcome.results:
            position = result.expectation_config.meta["check"]
            found[table][position] = (bool(result.success), _observed(result.result))
    return found


def _validation_frame(frame: pd.DataFrame, checks: list[Check]) -> pd.DataFrame:
    """The columns the checks read (a row count needs no column); mixed text columns become plain strings,
    so a code is compared as text whichever way a file typed it."""
    wanted = sorted({c for check in checks for c in check.columns if c in frame.columns})
    wanted = wanted or list(frame.columns[:1])
    frame = frame[wanted].reset_index(drop=True)
    for column in frame.columns:
        if (
            frame[column].dtype == object
            and pd.api.types.infer_dtype(frame[column], skipna=False) != "string"
        ):
            frame[column] = frame[column].map(
                lambda v: v if v is None or (isinstance(v, float) and v != v) else str(v)
            )
    return frame


def _spec(check: Check, frame: pd.DataFrame) -> tuple[str, dict]:
    """The great-expectations expectation of a check, as its class name and arguments."""
    column = check.columns[0] if check.columns else None
    if check.kind == "unique":
        if len(check.columns) > 1:
            return "ExpectCompoundColumnsToBeUnique", {"column_list": list(check.columns)}
        return "ExpectColumnValuesToBeUnique", {"column": column}
    if check.kind == "not_null":
        return "ExpectColumnValuesToNotBeNull", {"column": column}
    if check.kind == "refers_to":
        # The parent's keys can number tens of thousands, and GX copies and validates a value set many times
        # over; the values of this column the parent lacks are the same test in a few words.
        present = frame[column].dropna().unique() if column in frame else ()
        parent = set(check.values)
        strays = sorted({v for v in present if v not in parent}, key=str)
        return "ExpectColumnValuesToNotBeInSet", {"column": column, "value_set": strays}
    if check.kind == "in_list":
        return "ExpectColumnValuesToBeInSet", {"column": column, "value_set": list(check.values)}
    if check.kind == "matches":
        return "ExpectColumnValuesToMatchRegex", {"column": column, "regex": check.values[0]}
    if check.kind == "rows":
        return "ExpectTableRowCountToBeBetween", {"min_value": check.low, "max_value": check.high}
    if check.kind == "covers":
        return "ExpectColumnDistinctValuesToContainSet", {"column": column, "value_set": list(check.values)}
    if check.kind == "no_personal":
        return "ExpectColumnValuesToNotBeInSet", {"column": column, "value_set": list(check.values)}
    raise ValueError(f"unknown check kind {check.kind!r}")


def _observed(result: dict) -> str:
    if "observed_value" in result and result["observed_value"] is not None:
        value = result["observed_value"]
        return ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    count = result.get("unexpected_count")
    if count:
        sample = ", ".join(str(v) for v in (result.get("partial_unexpected_list") or [])[:5])
        return f"не соответствуют: {count} ({sample})"
    return ""


def check_quality(
    reg: Registries, config: RegionConfig, public: dict[int, dict[str, pd.DataFrame]]
) -> QualityResult:
    """Run the suite and name the outputs that must not be published."""
    tables = dict(reg.tables())
    for year, frames in public.items():
        for name, frame in frames.items():
            tables[public_table(name, year)] = pd.DataFrame({"column": [str(c) for c in frame.columns]})
    results = run_suites(tables, suite_checks(reg, config, public))
    failed = set(results.loc[~results["success"] & results["blocking"], "table"])
    held = {output for output, needs in OUTPUTS.items() if failed & set(needs)}
    held |= {name for year, frames in public.items() for name in frames if public_table(name, year) in failed}
    return QualityResult(results, held)


def log_failures(quality: QualityResult, log) -> None:
    """Every failed expectation is a row of the issue table."""
    held = ", ".join(sorted(quality.held_back))
    for row in quality.expectations[~quality.expectations["success"]].itertuples(index=False):
        observed = f" ({row.observed})" if row.observed else ""
        log.add(
            "quality_expectation_failed",
            file=QUALITY_FILE,
            sheet=TABLE_TITLES.get(row.table, row.table),
            column=row.columns,
            value=f"{row.check}{observed}",
            expected=f"Задержано: {held}." if row.blocking and held else "",
            severity="ошибка" if row.blocking else "предупреждение",
        )


QUALITY_HEADERS = {
    "table": "Таблица",
    "check": "Проверка",
    "columns": "Столбцы",
    "success": "Пройдена",
    "observed": "Наблюдаемое",
    "blocking": "Задерживает публикацию",
}


def write_quality_report(quality: QualityResult, path: Path) -> Path:
    shown = quality.expectations.copy()
    shown["table"] = shown["table"].map(lambda t: TABLE_TITLES.get(t, t))
    held = pd.DataFrame({"output": sorted(quality.held_back)}, columns=["output"])
    return write_workbook(
        path,
        [
            frame_to_sheet("Проверка качества", shown, QUALITY_HEADERS),
            frame_to_sheet("Задержано", held, {"output": "Не опубликовано в этом запуске"}),
        ],
        title="Проверка качества сводных данных",
    )


def run_quality(ctx, state: dict) -> dict:
    from pipeline.registry_reports import public_frames

    reg = state["registries"]
    public = {year: dict(frames) for year, frames in state.get("public", {}).items()}
    for year, frames in public_frames(reg, ctx.config).items():
        public.setdefault(year, {}).update(frames)
    try:
        quality = check_quality(reg, ctx.config, public)
    finally:
        stop_validator()
    log_failures(quality, state["intake"].log)
    write_quality_report(quality, ctx.reports / "quality.xlsx")
    return {"quality": quality}
