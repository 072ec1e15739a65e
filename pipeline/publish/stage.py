"""The publish stage: the public frames of every plan year, checked for personal data, built into the site."""

from pipeline.publish.build import build_site
from pipeline.publish.model import SiteModel

STATUS_PUBLIC = [
    "login",
    "kind_title",
    "plan_year",
    "quarter",
    "submitted",
    "deadline",
    "late",
    "rows_in",
    "accepted",
    "kept",
    "refused",
    "status",
]


# The site's pages name a few columns differently from the stages that produce them.
RENAMES = {
    "catalog": {"provider_name": "provider"},
    "schedule": {
        "place_code": "municipality_code",
        "start_date": "start",
        "end_date": "end",
        "capacity": "places",
    },
}


def site_model(ctx, state: dict) -> SiteModel:
    public = {
        year: {name: frame.rename(columns=RENAMES.get(name, {})) for name, frame in frames.items()}
        for year, frames in state.get("public", {}).items()
    }
    status = state.get("status")
    for year in ctx.config.plan_years:
        frames = public.setdefault(year, {})
        if status is not None:
            of_year = status[status["plan_year"].isna() | (status["plan_year"] == year)]
            frames["submissions"] = of_year[STATUS_PUBLIC].reset_index(drop=True)
    templates = ctx.reports / "templates"
    return SiteModel(
        config=ctx.config,
        as_of=ctx.as_of,
        plan_years=ctx.config.plan_years,
        frames=public,
        templates_dir=templates if templates.exists() else None,
    )


def run_publish(ctx, state: dict) -> dict:
    if not ctx.build_site:
        return {}
    model = site_model(ctx, state)
    build_site(model, ctx.site, ctx.reports.parent / ".site-work")
    return {"site_model": model}
