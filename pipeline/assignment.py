"""The state assignment (order, item 2.3): per provider and program, listeners, groups and person-hours."""

import pandas as pd

from pipeline.workbooks import SheetSpec, write_workbook

COLUMNS = [
    "plan_year",
    "provider_code",
    "provider_name",
    "program_code",
    "title",
    "hours",
    "applications",
    "groups",
    "listeners",
    "person_hours",
    "unplaced",
]
HEADERS = [
    "Код оператора ПК",
    "Оператор ПК",
    "Код программы",
    "Наименование программы",
    "Объём, часов",
    "Заявок",
    "Групп",
    "Слушателей",
    "Человеко-часов",
    "Заявок без группы",
]


def state_assignment(schedule, applications: pd.DataFrame, catalog: pd.DataFrame, providers) -> pd.DataFrame:
    """One row per plan year, provider and catalog program with applications or groups."""
    entries = catalog.drop_duplicates(["plan_year", "program_code"])[
        ["plan_year", "program_code", "provider_code", "title", "hours"]
    ]
    key = ["plan_year", "program_code"]
    groups = schedule.groups.groupby(key).agg(groups=("group_code", "size"), listeners=("listeners", "sum"))
    asked = applications.groupby(key).size().rename("applications")
    unplaced = schedule.unplaced.groupby(key).size().rename("unplaced")
    frame = entries.set_index(key).join([asked, groups, unplaced], how="left")
    frame = frame[(frame["applications"].fillna(0) > 0) | (frame["groups"].fillna(0) > 0)].reset_index()
    for column in ("applications", "groups", "listeners", "unplaced", "hours", "plan_year"):
        frame[column] = frame[column].fillna(0).astype("int64")
    frame["person_hours"] = frame["listeners"] * frame["hours"]
    names = dict(zip(providers["provider_code"], providers["name"], strict=True))
    frame["provider_name"] = frame["provider_code"].map(names).fillna(frame["provider_code"])
    return (
        frame[COLUMNS]
        .sort_values(["plan_year", "provider_code", "program_code"], kind="stable")
        .reset_index(drop=True)
    )


def write_assignment(path, assignment: pd.DataFrame, config, year: int):
    part = assignment[assignment["plan_year"] == year].drop(columns="plan_year")
    rows = [list(r) for r in part.itertuples(index=False, name=None)]
    totals = part[["applications", "groups", "listeners", "person_hours", "unplaced"]].sum()
    rows.append([""] * len(HEADERS))
    rows.append(
        [
            "",
            "Итого",
            "",
            "",
            "",
            int(totals["applications"]),
            int(totals["groups"]),
            int(totals["listeners"]),
            int(totals["person_hours"]),
            int(totals["unplaced"]),
        ]
    )
    by_provider = (
        part.groupby(["provider_code", "provider_name"], sort=True)[
            ["applications", "groups", "listeners", "person_hours", "unplaced"]
        ]
        .sum()
        .reset_index()
    )
    sheets = [
        SheetSpec(
            name="Госзадание",
            header=HEADERS,
            rows=rows,
            title=f"Государственное задание операторам ПК на {year} год (по персональным выборам педагогов, "
            f"{config.short_name})",
            widths=[12, 40, 12, 50, 9, 9, 8, 11, 14, 12],
            wrap_columns={1, 3},
            text_columns={0, 1, 2, 3},
            autofilter=False,
        ),
        SheetSpec(
            name="По операторам ПК",
            header=[
                "Код оператора ПК",
                "Оператор ПК",
                "Заявок",
                "Групп",
                "Слушателей",
                "Человеко-часов",
                "Заявок без группы",
            ],
            rows=[list(r) for r in by_provider.itertuples(index=False, name=None)],
            text_columns={0, 1},
        ),
    ]
    return write_workbook(path, sheets, title=f"Государственное задание {year}")


def run_assignment(ctx, state: dict) -> dict:
    registries, schedule = state["registries"], state["schedule"]
    assignment = state_assignment(schedule, registries.applications, registries.catalog, registries.providers)
    public = state.get("public", {})
    for year in ctx.config.plan_years:
        write_assignment(ctx.reports / f"state-assignment-{year}.xlsx", assignment, ctx.config, year)
        part = assignment[assignment["plan_year"] == year].drop(columns=["plan_year"]).reset_index(drop=True)
        public.setdefault(year, {})["assignment"] = part
    return {"assignment": assignment, "public": public}
