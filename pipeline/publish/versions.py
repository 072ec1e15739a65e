"""The version list mike would write (one version per plan year) and the redirects to the latest year."""

import json

from pipeline.publish.model import SiteModel

REDIRECT = """<!DOCTYPE html>
<html lang="ru">
<head>
<meta charset="utf-8">
<title>Переход к плановому году {year}</title>
<meta http-equiv="refresh" content="0; url={target}">
<link rel="canonical" href="{target}">
</head>
<body><a href="{target}">Плановый год {year}</a></body>
</html>
"""


def versions_json(model: SiteModel) -> str:
    """[{"version", "title", "aliases"}], newest first, the newest aliased «latest», as mike writes it."""
    latest = model.latest_year
    entries = [
        {
            "version": str(year),
            "title": f"{year} (плановый год)",
            "aliases": ["latest"] if year == latest else [],
        }
        for year in sorted(model.plan_years, reverse=True)
    ]
    return json.dumps(entries, ensure_ascii=False, indent=2) + "\n"


def redirect_html(year: int, target: str) -> str:
    return REDIRECT.format(year=year, target=target)
