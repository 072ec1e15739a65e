"""Imported once by the forkserver of a large run, before it forks its first worker, so that no worker imports on
its own what they all need: pandas and the workbook writer (workbook writers), mkdocs, the theme, its plugins and
the page makers (site builders). A worker forked from the server starts with all of it, at no cost to the cores.

Nothing here may raise: a failed import only leaves the workers to import for themselves."""

try:
    from pipeline import workbook_cache, workbooks  # noqa: F401
    from pipeline.publish.builders import load_site_makers

    load_site_makers()
except Exception:  # noqa: BLE001 - the workers import what they need when it is missing here
    pass
