"""Running mkdocs on one plan year's pages, in this process or a worker's: strict, quiet, dated by as_of, with
the page cache. Light on imports, so that a build worker starts quickly."""

import logging
import os
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config

from pipeline import paths
from pipeline.memo import ENV as MEMO_ENV
from pipeline.publish.model import SiteModel
from pipeline.publish.page_cache import (
    PageStats,
    build_key,
    cached_pages,
    keep_pages,
    page_memo,
)
from pipeline.publish.search_stems import add_stems

ASSETS = Path(__file__).resolve().parent / "assets"


def run_mkdocs_in_worker(memo_setting: str | None, *arguments) -> PageStats:
    use_memo_setting(memo_setting)
    return run_mkdocs(*arguments)


def use_memo_setting(memo_setting: str | None) -> None:
    """The run's memo setting in a worker: the forkserver keeps the environment it started with."""
    if memo_setting is None:
        os.environ.pop(MEMO_ENV, None)
    else:
        os.environ[MEMO_ENV] = memo_setting


def run_mkdocs(model: SiteModel, year: int, docs_dir: Path, out_dir: Path, nav: list) -> PageStats:
    """mkdocs build in-process with the root mkdocs.yml, strict: any warning aborts the build. Pages whose
    HTML mkdocs made before from the same markdown, files, nav and configuration are taken from the cache."""
    config = load_config(
        config_file=str(paths.MKDOCS_YML),
        docs_dir=str(docs_dir),
        site_dir=str(out_dir),
        site_name=site_name(model, year),
        nav=nav,
        strict=True,
    )
    memo = page_memo()
    with _build_date(model) as epoch, _quiet_mkdocs():
        with cached_pages(memo, build_key(config, nav, epoch)) as stats:
            mkdocs_build(config)
    keep_pages(memo, stats)
    add_stems(out_dir)
    return stats


def site_name(model: SiteModel, year: int) -> str:
    return f"ПК педагогов · {model.config.short_name} · {year}"


def build_epoch(model: SiteModel) -> int:
    """The as_of date as the build time: mkdocs stamps the sitemap with it."""
    return int(datetime(model.as_of.year, model.as_of.month, model.as_of.day, tzinfo=UTC).timestamp())


@contextmanager
def _build_date(model: SiteModel):
    """mkdocs stamps the sitemap with the build date; the as_of date keeps rebuilds byte-identical."""
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    epoch = build_epoch(model)
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    try:
        yield epoch
    finally:
        if previous is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous


@contextmanager
def _quiet_mkdocs():
    """mkdocs' INFO lines would flood the run's output; warnings still show and still fail the build."""
    logger = logging.getLogger("mkdocs")
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)
