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
    for org, part in staff.groupby("org_code"):
        live.staff[org] = [_label(row) for row in part.itertuples(index=False)]
    return live


def _label(row) -> str:
    patronymic = "" if pd.isna(row.patronymic) else f" {row.patronymic}"
    return f"{row.surname} {row.first_name}{patronymic}, {row.birth_year}"


def run_templates(ctx, state: dict) -> dict:
    live = live_lists(ctx, state)
    blank = write_templates(ctx.reports / "templates", ctx.config, live)
    orgs = sorted(live.staff)
    # Each organisation's form offers its own staff: restricted, so it stays in reports/organisations/.
    write_organisation_templates(ctx.reports / "organisations", ctx.config, live, orgs)
    return {"templates": blank}
