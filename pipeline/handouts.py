"""What goes down to operators besides feedback: blank templates and each organisation's own applications form."""

import pandas as pd

from pipeline.templates import LiveLists, write_organisation_templates, write_templates


def live_lists(ctx, state: dict) -> LiveLists:
    """Drop-down lists from the registries in force: municipalities, the newest catalog, each school's staff."""
    config = ctx.config
    live = LiveLists(municipalities=[m.name for m in config.municipalities])
    registries = state.get("registries")
    if registries is None:
        return live
    catalog = registries.catalog
    if not catalog.empty:
        for year, part in catalog.groupby("plan_year"):
            live.catalog[int(year)] = sorted(zip(part["program_code"], part["title"], strict=True))
    live.providers = sorted(registries.providers["provider_code"])
    organisations = registries.organisations
    for code, part in organisations.groupby("municipality"):
        live.organisations[code] = sorted(part["org_code"])
    live.org_logins = dict(zip(organisations["org_code"], organisations["login"], strict=True))
    staff = registries.staff
    labels = _labels(staff)
    for org, positions in sorted(staff.groupby("org_code").indices.items()):
        live.staff[org] = [labels[i] for i in positions]
    return live


def _labels(staff: pd.DataFrame) -> list[str]:
    """ "Фамилия Имя Отчество, 1985" for every row of the staff table."""
    patronymics = ["" if pd.isna(p) else f" {p}" for p in staff["patronymic"].astype(object).tolist()]
    # lists first: iterating an arrow column costs a call a cell
    columns = (
        staff["surname"].tolist(),
        staff["first_name"].tolist(),
        patronymics,
        staff["birth_year"].tolist(),
    )
    return [
        f"{surname} {first_name}{patronymic}, {year}"
        for surname, first_name, patronymic, year in zip(*columns, strict=True)
    ]


def run_templates(ctx, state: dict) -> dict:
    live = live_lists(ctx, state)
    blank = write_templates(ctx.reports / "templates", ctx.config, live)
    orgs = sorted(live.staff)
    # Each organisation's form offers its own staff: restricted, so it stays in reports/organisations/.
    ctx.write_later(
        lambda: write_organisation_templates(ctx.reports / "organisations", ctx.config, live, orgs)
    )
    return {"templates": blank}
