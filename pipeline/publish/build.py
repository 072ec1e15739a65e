"""Builds the public site: markdown per plan year from the frames, mkdocs per year, versions, atomic swap."""

import hashlib
import multiprocessing
import os
import shutil
import tempfile
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from pathlib import Path

from pipeline.memo import ENV as MEMO_ENV
from pipeline.memo import fingerprint
from pipeline.publish.builders import submit_build
from pipeline.publish.mkdocs_run import (
    ASSETS,
    build_epoch,
    run_mkdocs,
    run_mkdocs_in_worker,
    site_name,
    use_memo_setting,
)
from pipeline.publish.model import SiteModel, YearView
from pipeline.publish.page_cache import (
    PageStats,
    keep_year,
    page_memo,
    restore_year,
    year_key,
    year_memo,
)
from pipeline.publish.privacy import assert_public
from pipeline.publish.sections import SECTIONS, Section, year_pages
from pipeline.publish.versions import redirect_html, versions_json

MAX_BUILD_WORKERS = 4
# Starting the build workers costs about as much as rendering this much markdown (a few seconds): with less
# to render again (the rest comes from the page cache), the years are built one after another in this process.
FEW_BYTES = 1_000_000
OLDER_YEARS_NICENESS = 15  # added to the build workers' own for the years before the latest
LAST_DOCS = "the pages of the last build of"  # with the site's name: the memo key of a year's page digests


def build_site(
    model: SiteModel,
    site_dir: Path,
    work_dir: Path,
    sections: tuple[Section, ...] = SECTIONS,
    while_building: Callable[[], object] | None = None,
) -> dict[int, PageStats]:
    """The whole versioned site into site_dir; site_dir is replaced only when every year built cleanly.
    `while_building` is called once the years are handed to their workers. Returns how many pages of each year
    mkdocs took from its cache."""
    if not model.plan_years:
        raise ValueError("a site needs at least one plan year")
    views = [
        YearView(
            model, year, {name: assert_public(f, name) for name, f in sorted(model.frames_of(year).items())}
        )
        for year in sorted(model.plan_years)
    ]
    site_dir = Path(site_dir).resolve()
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{site_dir.name}.building-", dir=site_dir.parent))
    work_dir = Path(work_dir)
    handed: dict[int, Future] = {}  # year -> the whole year, handed to a worker started early in the run
    try:
        if sections is SECTIONS:
            # Each year's pages and build in one of the early workers, the latest (and largest) year first.
            for view in reversed(views):
                make = make_year if view.year == model.latest_year else make_older_year
                future = submit_build(make, os.environ.get(MEMO_ENV), model, view.year, work_dir, staging)
                if future is not None:
                    handed[view.year] = future
        if while_building is not None:
            while_building()
        stats = build_years_here(
            model, [v for v in views if v.year not in handed], sections, work_dir, staging
        )
        stats |= _finished(model, handed, work_dir, staging)
        (staging / "versions.json").write_text(versions_json(model), encoding="utf-8")
        latest = model.latest_year
        (staging / "index.html").write_text(redirect_html(latest, f"{latest}/"), encoding="utf-8")
        (staging / "latest").mkdir()
        (staging / "latest" / "index.html").write_text(
            redirect_html(latest, f"../{latest}/"), encoding="utf-8"
        )
        _swap(staging, site_dir)
    finally:
        wait(handed.values())  # no worker may still write into the staging folder
        shutil.rmtree(staging, ignore_errors=True)
    return dict(sorted(stats.items()))


def build_years_here(
    model: SiteModel, views: list[YearView], sections: tuple[Section, ...], work_dir: Path, staging: Path
) -> dict[int, PageStats]:
    """The years' pages made in this process; a year whose pages are those of a kept build is copied whole, the
    others are built by mkdocs (side by side in worker processes when there is much to render)."""
    builds, stats, keys = [], {}, {}
    changed = 0
    years = year_memo()
    digests = {}
    for view in views:
        pages, nav = year_pages(view, sections)
        name = site_name(model, view.year)
        keys[view.year] = year_key(pages, nav, name, build_epoch(model))
        digests[name] = page_digests(pages)
        if restore_year(years, keys[view.year], staging / str(view.year)):
            stats[view.year] = PageStats(hits=len(pages), whole_year=True)
            continue
        docs_dir = write_docs(pages, work_dir / str(view.year))
        changed += changed_pages(digests[name], years.recall(fingerprint(LAST_DOCS, name))[1])
        builds.append((view.year, docs_dir, staging / str(view.year), nav))
    few = changed <= FEW_BYTES and page_memo().holds_any()
    stats |= build_years(model, builds, parallel=not few)
    for year, _, out_dir, _ in builds:
        keep_year(years, keys[year], out_dir)
    for name, pages_digests in digests.items():
        years.keep(fingerprint(LAST_DOCS, name), pages_digests)
    return stats


def make_year(
    memo_setting: str | None, model: SiteModel, year: int, work_dir: Path, staging: Path
) -> PageStats:
    """One whole plan year, its pages and its build, in an early worker (or here when that worker was lost). The
    frames were checked for personal data before they were handed over."""
    use_memo_setting(memo_setting)
    shutil.rmtree(staging / str(year), ignore_errors=True)  # what a lost worker may have left
    view = YearView(model, year, dict(sorted(model.frames_of(year).items())))
    return build_years_here(model, [view], SECTIONS, work_dir, staging)[year]


def make_older_year(
    memo_setting: str | None, model: SiteModel, year: int, work_dir: Path, staging: Path
) -> PageStats:
    """make_year in a worker that yields to the latest year's, and to the workbook writers: that year has the most
    pages, and the site is done only when it is. On two cores the latest year's worker keeps one to itself."""
    os.nice(OLDER_YEARS_NICENESS)
    return make_year(memo_setting, model, year, work_dir, staging)


def write_docs(pages: dict[str, str | bytes], year_work_dir: Path) -> Path:
    """The markdown and files of one plan year under year_work_dir/docs, written afresh."""
    docs_dir = year_work_dir / "docs"
    if docs_dir.exists():
        shutil.rmtree(docs_dir)
    shutil.copytree(ASSETS, docs_dir / "assets")
    for relative, content in sorted(pages.items()):
        target = docs_dir / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    return docs_dir


def page_digests(pages: dict[str, str | bytes]) -> dict[str, tuple[str, int]]:
    """Each page's sha256 and size in bytes."""
    found = {}
    for relative, content in pages.items():
        data = content if isinstance(content, bytes) else content.encode("utf-8")
        found[relative] = (hashlib.sha256(data).hexdigest(), len(data))
    return found


def changed_pages(digests: dict[str, tuple[str, int]], last: dict | None) -> int:
    """How many bytes of markdown differ from the year's last build (all of it when none is known). Other files
    (open data, calendars) are only copied: however big, they cost mkdocs nothing to render."""
    last = last or {}
    return sum(
        size
        for relative, (digest, size) in digests.items()
        if relative.endswith(".md") and last.get(relative, ("",))[0] != digest
    )


def build_years(
    model: SiteModel, builds: list[tuple[int, Path, Path, list]], parallel: bool = True
) -> dict[int, PageStats]:
    """Each plan year's mkdocs build is independent: on several cores they run side by side."""
    workers = min(len(builds), os.cpu_count() or 1, MAX_BUILD_WORKERS) if parallel else 1
    if workers < 2:
        return {
            year: run_mkdocs(model, year, docs_dir, out_dir, nav) for year, docs_dir, out_dir, nav in builds
        }
    # A fresh interpreter per worker: the run's process may hold threads (the solver's) that fork would copy.
    # The forkserver keeps the environment it started with: the memo setting of this run goes along.
    memo_setting = os.environ.get(MEMO_ENV)
    slim = _slim(model)
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("forkserver")) as pool:
        futures = {
            build[0]: pool.submit(run_mkdocs_in_worker, memo_setting, slim, *build) for build in builds
        }
        # a strict-mode failure of any year fails the whole site
        return {year: future.result() for year, future in futures.items()}


def _finished(
    model: SiteModel, handed: dict[int, Future], work_dir: Path, staging: Path
) -> dict[int, PageStats]:
    """The years handed to the early workers, each waited for: none may still be writing when the staging
    folder goes. A year whose worker was lost is made here. A strict-mode failure of any year fails the site."""
    stats, failures = {}, []
    for year, future in handed.items():
        try:
            stats[year] = future.result()
        except BrokenProcessPool:
            stats[year] = make_year(os.environ.get(MEMO_ENV), model, year, work_dir, staging)
        except Exception as error:  # noqa: BLE001 - raised below, once the other years are done
            failures.append(error)
    if failures:
        raise failures[0]
    return stats


def _slim(model: SiteModel) -> SiteModel:
    """What a worker's build needs of the model: the region's name and the date, not the frames."""
    return replace(model, frames={}, previous={})


def _swap(staging: Path, site_dir: Path) -> None:
    """Put the new site in place with renames, so readers never see a half-written site."""
    retired = None
    if site_dir.exists():
        retired = Path(tempfile.mkdtemp(prefix=f".{site_dir.name}.old-", dir=site_dir.parent))
        retired.rmdir()
        site_dir.rename(retired)
    staging.rename(site_dir)
    if retired is not None:
        shutil.rmtree(retired)
