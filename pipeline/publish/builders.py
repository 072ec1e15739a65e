"""Worker processes that make the site's plan years (pages and mkdocs build), started early in a large run so
that their start is hidden."""

import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

MAX_BUILDERS = 3  # a worker per plan year the site shows, each making one whole year; the run's process waits
# The workers run at the run's own priority: the site is the run's last stage and is done only when the latest year
# is, while the run's process only writes the reports it held back (or waits). The workbook writers
# (workbooks.NICENESS) and the older years' workers (build.OLDER_YEARS_NICENESS) yield to the latest year's.

_pool: ProcessPoolExecutor | None = None


def start_builders(years: int) -> None:
    """Start a worker per plan year that imports the page makers, mkdocs and the theme right away (on a machine
    of more than one core); the run later hands each of them one whole year of its site."""
    global _pool
    workers = min(years, MAX_BUILDERS)
    if _pool is None and workers >= 1 and (os.cpu_count() or 1) >= 2:
        # A fresh interpreter per worker: the run's process may hold threads (the solver's) that fork would copy.
        _pool = ProcessPoolExecutor(
            workers, mp_context=multiprocessing.get_context("forkserver"), initializer=_warm_up
        )
        for _ in range(workers):
            _pool.submit(int)  # starts the workers now rather than at the first build


def mostly_recalled() -> bool:
    """Whether the site's pages of this code were built before, so that the workers will mostly recall them: then
    the run writes its last reports while they build (the latest year's worker finishes in a few seconds and
    the run's process would only wait for it). On a cold cache the latest year takes most of a minute, and
    the run's process writing beside it would only slow it down."""
    from pipeline.publish.page_cache import page_memo, year_memo

    return page_memo().holds_any() and year_memo().holds_any()


def stop_builders() -> None:
    global _pool
    if _pool is not None:
        _pool.shutdown(wait=False, cancel_futures=True)
        _pool = None


def submit_build(function, *arguments) -> Future | None:
    """The work handed to a started worker, or None when there is none (the caller does it itself)."""
    if _pool is None:
        return None
    try:
        return _pool.submit(function, *arguments)
    except (BrokenProcessPool, RuntimeError):  # a worker lost on the way: build in this process
        stop_builders()
        return None


def _warm_up() -> None:
    """Imports what a year's build needs while the stages run. A worker forked from a preloaded forkserver
    (pipeline.forkserver_preload) has all of it already: then this costs next to nothing beside the stages."""
    load_site_makers()


def load_site_makers() -> None:
    """Imports the page makers, mkdocs, the theme and its plugins (loading the configuration loads them) and lists
    the theme's files."""
    from mkdocs.config import load_config

    from pipeline import paths
    from pipeline.publish import build
    from pipeline.publish.page_cache import list_theme_files

    list_theme_files(load_config(config_file=str(paths.MKDOCS_YML), docs_dir=str(build.ASSETS)))
