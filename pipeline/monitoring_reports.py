"""Monitoring's outputs: the Department's quarterly workbook, each organisation's list of staff not trained,
and the counts-only frames for the public site."""

from functools import partial

import pandas as pd

from pipeline.memo import fingerprint
from pipeline.monitoring import FIGURES, Monitoring
from pipeline.workbook_cache import frame_fingerprint, slice_fingerprints
from pipeline.workbooks import FrameSlices, frame_to_sheet, write_workbook_from

# The code that shapes the workbooks besides their inputs.
SOURCES = ("pipeline/monitoring_reports.py",)
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
HEADERS = {
    "plan_year": "Плановый год",
    "quarter": "Квартал",
    "provider_code": "Код оператора ПК",
    "provider_name": "Оператор ПК",
    "program_code": "Код программы",
    "program_title": "Программа",
    "municipality": "Код МО",
    "municipality_name": "Муниципальное образование",
    "org_code": "Код ОО",
    "org_name": "Образовательная организация",
    "groups_planned": "Групп по плану",
    "groups_held": "Групп проведено",
    "groups_moved": "Групп перенесено",
    "groups_cancelled": "Групп отменено",
    "listeners_planned": "Слушателей по плану",
    "listeners_trained": "Обучено (завершили)",
    "person_hours": "Человеко-часов",
    "completion_rate": "Доля обученных, %",
    "deadline": "Срок представления",
    "submitted": "Дата представления",
    "status": "Отчёт",
    "surname": "Фамилия",
    "first_name": "Имя",
    "patronymic": "Отчество",
    "position": "Должность",
    "group_code": "Группа",
    "reason": "Причина",
}
SHEETS = (  # sheet title, cut of the plan-fact table
    ("Сводка", "summary"),
    ("По операторам ПК", "provider"),
    ("По программам", "program"),
    ("По муниципалитетам", "municipality"),
    ("По организациям", "organisation"),
)


def shown_quarters(monitoring: Monitoring) -> list[tuple[int, int]]:
    """The quarters whose report deadline passed or that providers already reported on."""
    status = monitoring.report_status
    return sorted({(int(y), int(q)) for y, q in zip(status["plan_year"], status["quarter"], strict=True)})


def named(frame: pd.DataFrame, registries, config) -> pd.DataFrame:
    """The frame with the names of whatever codes it holds, for people to read."""
    frame = frame.copy()
    for column, (code, lookup) in name_lookups(registries, config).items():
        if code in frame and column not in frame:
            frame.insert(frame.columns.get_loc(code) + 1, column, frame[code].map(lookup))
    return frame


def name_lookups(registries, config) -> dict[str, tuple[str, dict]]:
    """Name column -> (the code column it names, code -> name)."""
    return {
        "provider_name": (
            "provider_code",
            dict(zip(registries.providers["provider_code"], registries.providers["name"], strict=True)),
        ),
        "program_title": (
            "program_code",
            dict(zip(registries.programs["program_code"], registries.programs["title"], strict=True)),
        ),
        "municipality_name": ("municipality", {m.code: m.name for m in config.municipalities}),
        "org_name": (
            "org_code",
            dict(zip(registries.organisations["org_code"], registries.organisations["name"], strict=True)),
        ),
    }


def _for_report(frame: pd.DataFrame, year: int, last_quarter: int) -> pd.DataFrame:
    part = frame[(frame["plan_year"] == year) & (frame["quarter"] <= last_quarter)].drop(columns="plan_year")
    part = part.copy()
    part["quarter"] = part["quarter"].map(lambda q: f"{ROMAN[int(q)]} квартал")
    if "completion_rate" in part:
        part["completion_rate"] = (part["completion_rate"] * 100).round(1)
    return part


def _with_total(part: pd.DataFrame) -> pd.DataFrame:
    if part.empty:
        return part
    total = part[FIGURES].sum()
    planned = total["listeners_planned"]
    total["completion_rate"] = round(100 * total["listeners_trained"] / planned, 1) if planned else None
    row = pd.DataFrame([{"quarter": "Итого", **total.to_dict()}])
    return pd.concat([part, row], ignore_index=True)


def quarterly_workbook(
    monitoring: Monitoring, registries, config, year: int, quarter: int, as_of, cuts: dict | None = None
) -> list:
    """The sheets of reports/monitoring-<year>-Q<n>.xlsx: quarters I..n of the plan year. `cuts` keeps the
    named cuts of the plan-fact table between the quarters' workbooks of one run."""
    cuts = {} if cuts is None else cuts
    sheets = []
    title_tail = f"{year} года, I–{ROMAN[quarter]} квартал, по состоянию на {as_of.strftime('%d.%m.%Y')}"
    for title, cut in SHEETS:
        if cut not in cuts:
            cuts[cut] = named(monitoring.plan_fact[cut], registries, config)
        part = _for_report(cuts[cut], year, quarter)
        if cut == "summary":
            part = _with_total(part)
        sheets.append(frame_to_sheet(title, part, HEADERS, title=f"Исполнение плана-графика {title_tail}"))
    status = _for_report(monitoring.report_status, year, quarter)
    sheets.append(
        frame_to_sheet(
            "Отчёты операторов",
            status,
            HEADERS,
            title=f"Отчёты операторов ПК об исполнении плана-графика {title_tail}",
        )
    )
    return sheets


def write_reports(ctx, monitoring: Monitoring, registries) -> None:
    """The quarterly workbooks and the lists of staff not trained; unchanged ones are copied from the workbook
    cache without building their sheets."""
    names = _names_key(registries, ctx.config, ctx.as_of)
    cuts: dict = {}  # made by the first workbook that is built, not taken from the cache
    for year, quarter in shown_quarters(monitoring):
        write_workbook_from(
            ctx.reports / f"monitoring-{year}-Q{quarter}.xlsx",
            [names, _rows_key(monitoring, year, quarter), year, quarter],
            partial(quarterly_workbook, monitoring, registries, ctx.config, year, quarter, ctx.as_of, cuts),
            title=f"Мониторинг исполнения плана-графика {year}, {ROMAN[quarter]} квартал",
            sources=SOURCES,
        )
    write_not_trained(ctx, monitoring.not_trained, registries)


def _names_key(registries, config, as_of) -> str:
    """A fingerprint of the names the quarterly workbooks show and of their date."""
    return fingerprint(
        registries.providers[["provider_code", "name"]],
        registries.programs[["program_code", "title"]],
        registries.organisations[["org_code", "name"]],
        [(m.code, m.name) for m in config.municipalities],
        as_of,
    )


def _rows_key(monitoring: Monitoring, year: int, quarter: int) -> list[str]:
    """Fingerprints of the rows one quarter's workbook shows, as _for_report cuts them: its plan year's up to
    the quarter. A change in a later year (a teacher who left had applied for it) leaves it as it was."""
    frames = [*(monitoring.plan_fact[cut] for _, cut in SHEETS), monitoring.report_status]
    return [frame_fingerprint(f[(f["plan_year"] == year) & (f["quarter"] <= quarter)]) for f in frames]


def write_not_trained(ctx, frame: pd.DataFrame, registries) -> None:
    """Per organisation: its staff who applied and were placed but not trained (restricted: names)."""
    if frame.empty:
        return
    logins = dict(zip(registries.organisations["org_code"], registries.organisations["login"], strict=True))
    shown = named(frame, registries, ctx.config).drop(columns=["person_id"])
    keys = slice_fingerprints(shown, ["org_code", "plan_year"])
    columns = [c for c in shown.columns if c not in ("plan_year", "org_code", "org_name")]
    body, org_names = FrameSlices(shown[columns], HEADERS), shown["org_name"].tolist()
    # Positions of each organisation's rows, from one grouping: a list whose rows did not change is copied
    # from the workbook cache without cutting its rows out of the frame.
    indices = shown.groupby(["org_code", "plan_year"], sort=True).indices
    for org_code, year in sorted(indices):
        positions = indices[(org_code, year)]
        login = logins.get(org_code)
        folder = login if isinstance(login, str) else org_code
        caption = (
            f"Подали заявку, но не обучены в {year} году: {_name_or_code(org_names[positions[0]], org_code)}"
        )
        write_workbook_from(
            ctx.reports / "organisations" / folder / f"не обучены-{year}.xlsx",
            [keys[(org_code, year)], caption],
            partial(_not_trained_sheets, body, positions, caption),
            title=f"Не обучены в {year} году",
            sources=SOURCES,
        )


def _not_trained_sheets(body: FrameSlices, positions, caption: str) -> list:
    return [body.sheet("Не обучены", positions, title=caption)]


def _name_or_code(name: object, code: str) -> str:
    return name if isinstance(name, str) and name else code


def public_frames(
    monitoring: Monitoring, providers: pd.DataFrame, config
) -> dict[int, dict[str, pd.DataFrame]]:
    """Counts for the site, per plan year: no names, no person identifiers."""
    names = dict(zip(providers["provider_code"], providers["name"], strict=True))
    municipalities = {m.code: m.name for m in config.municipalities}
    shown = set(shown_quarters(monitoring))
    frames: dict[int, dict[str, pd.DataFrame]] = {}
    for year in sorted({y for y, _ in shown}):
        quarters = sorted(q for y, q in shown if y == year)

        by_provider = _of_year(monitoring.plan_fact["provider"], year, quarters)
        by_provider.insert(2, "provider_name", by_provider["provider_code"].map(names))
        by_municipality = _of_year(monitoring.plan_fact["municipality"], year, quarters)
        by_municipality.insert(2, "municipality_name", by_municipality["municipality"].map(municipalities))
        status = _of_year(monitoring.report_status, year, quarters)
        frames[year] = {
            "monitoring": by_provider[["quarter", "provider_code", "provider_name", *FIGURES]],
            "monitoring_municipality": by_municipality[
                ["quarter", "municipality", "municipality_name", "listeners_planned", "listeners_trained"]
            ],
            "report_status": status[["provider_code", "provider_name", "quarter", "status", "submitted"]],
        }
    return frames


def _of_year(frame: pd.DataFrame, year: int, quarters: list[int]) -> pd.DataFrame:
    part = frame[(frame["plan_year"] == year) & frame["quarter"].isin(quarters)]
    return part.drop(columns="plan_year").reset_index(drop=True)
