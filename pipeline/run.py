"""Running the whole cycle: stages in the order of pipeline.dag, outputs swapped in only when all succeeded."""

import gc
import importlib
import resource
import shutil
import sys
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from pipeline import quality
from pipeline.config import ConfigError, RegionConfig, load_config
from pipeline.dag import STAGE_TITLES, STAGES
from pipeline.workbooks import background_writing, flush_background_writes

# Folders of reports/ written by other commands, not by the run: `pipeline credentials` writes its letters.
CARRIED_OVER = ("credentials",)

# From this many files on, workbooks are encoded by worker processes while the run goes on.
BACKGROUND_WRITING_FROM = 40
# A cache entry no run has used for this long is removed: content-addressed caches only grow otherwise.
CACHE_KEEP_DAYS = 30


@dataclass
class RunContext:
    config: RegionConfig
    inputs: Path
    reports: Path  # where this run writes reports (a staging folder, swapped in at the end)
    site: Path  # the final site folder (the publish stage swaps it in itself)
    as_of: date
    build_site: bool = True
    progress: Callable[[str], None] = lambda message: None
    timings: list[dict] = field(default_factory=list)
    # Reports nothing later in the run reads, held back to be written while the site's years build in their
    # workers; None: each is written at once.
    deferred: list[Callable[[], object]] | None = None

    def write_later(self, write: Callable[[], object]) -> None:
        """Writes a report that no later stage reads: now, or while the site builds (see deferred)."""
        if self.deferred is None:
            write()
        else:
            self.deferred.append(write)

    def write_deferred(self) -> None:
        """Writes the reports held back, in the order they were."""
        while self.deferred:
            self.deferred.pop(0)()


def run_cycle(args) -> int:
    progress = (lambda message: None) if args.quiet else (lambda message: print(message, flush=True))
    try:
        config = load_config(args.inputs)
    except ConfigError as error:
        print(f"Ошибка настроек региона: {error}", file=sys.stderr)
        return 2
    reports = Path(args.reports)
    recover_outputs(reports, Path(args.site))
    staging = reports.with_name(reports.name + ".new")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    ctx = RunContext(
        config=config,
        inputs=Path(args.inputs),
        reports=staging,
        site=Path(args.site),
        as_of=args.as_of or config.as_of or date.min,
        build_site=not args.no_site,
        progress=progress,
    )
    state = run_stages(ctx)
    carry_over(reports, staging)
    swap_in(staging, reports)
    prune_caches()
    intake = state["intake"]
    errors = int((state["issues"]["severity"] == "ошибка").sum()) if "issues" in state else 0
    progress(f"Готово: файлов {len(intake.submissions)}, замечаний-ошибок {errors}. Отчёты: {reports}")
    return 0


def run_stages(ctx: RunContext, stages=STAGES) -> dict:
    state: dict = {}
    with ExitStack() as writers:
        for name, target in stages:
            if name == "publish":
                _wait_for_writes(ctx)  # the site copies templates the workers may still be writing
            module_name, function_name = target.split(":")
            started, cpu = time.perf_counter(), time.process_time()
            function = getattr(importlib.import_module(module_name), function_name)
            state.update(function(ctx, state))
            # The state only grows: objects that outlive a stage are moved out of the collector's sight, or
            # every later full collection walks the whole region's registries again.
            gc.freeze()
            if name == "intake":
                if ctx.as_of == date.min:
                    # With no file at all, the day before the first plan year: the same for the same inputs.
                    ctx.as_of = newest_submission(state["intake"]) or date(
                        min(ctx.config.plan_years) - 1, 1, 1
                    )
                if len(state["intake"].submissions) >= BACKGROUND_WRITING_FROM:
                    writers.enter_context(background_writing())
                if _large(state) and "quality" in dict(stages):
                    quality.start_validator()
                    writers.callback(quality.stop_validator)
                if _large(state) and ctx.build_site and "publish" in dict(stages):
                    from pipeline.publish import builders  # mkdocs: only for a run that builds the site

                    builders.start_builders(len(ctx.config.plan_years))
                    writers.callback(builders.stop_builders)
                    if builders.mostly_recalled():
                        ctx.deferred = []
            if name == "registries":
                quality.validate_early(state["registries"], ctx.config)
            _record(ctx, name, started, cpu)
        ctx.write_deferred()  # a run without a site, or one that stopped before it
        _wait_for_writes(ctx)
    gc.unfreeze()  # a later run in the same process may collect this one's leftovers
    return state


def _large(state: dict) -> bool:
    """A run long enough for worker processes started ahead to hide their start behind it."""
    return len(state["intake"].submissions) >= quality.WARM_UP_FROM


def _wait_for_writes(ctx: RunContext) -> None:
    started, cpu = time.perf_counter(), time.process_time()
    flush_background_writes()
    _record(ctx, "writing", started, cpu)


def _record(ctx: RunContext, name: str, started: float, cpu: float) -> None:
    seconds = time.perf_counter() - started
    if name != "writing" or seconds >= 0.05:
        ctx.progress(f"— {STAGE_TITLES.get(name, name)}: {seconds:.1f} с".replace(".", ","))
    ctx.timings.append(
        {
            "stage": name,
            "seconds": round(seconds, 3),
            "cpu_seconds": round(time.process_time() - cpu, 3),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        }
    )


def prune_caches(days: int = CACHE_KEEP_DAYS) -> None:
    """Entries no run has used for `days` days leave the caches (the read, workbook and memo caches)."""
    from pipeline.intake.cache import IntakeCache, prune_stale
    from pipeline.memo import memo_root
    from pipeline.workbook_cache import cache_root

    intake = IntakeCache.default()
    for root in (intake.root if intake else None, cache_root(), memo_root()):
        if root is not None:
            prune_stale(root, days)


def newest_submission(intake) -> date | None:
    dates = [s.submitted for s in intake.submissions]
    return max(dates) if dates else None


def swap_in(staging: Path, final: Path) -> None:
    """Replace `final` with `staging` in two renames, so a killed run leaves the previous outputs whole."""
    old = final.with_name(final.name + ".old")
    if final.exists():
        # A «.old» beside a whole `final` is a finished swap's leftover; without `final` it is the last good
        # output (a run killed between the renames) and stays until the new one is in place.
        shutil.rmtree(old, ignore_errors=True)
        final.rename(old)
    staging.rename(final)
    shutil.rmtree(old, ignore_errors=True)


def recover_outputs(reports: Path, site: Path) -> None:
    """Undo what a killed run left: the previous outputs back in place if it died between two renames,
    its half-built staging folders removed."""
    old = reports.with_name(reports.name + ".old")
    if old.is_dir() and not reports.exists():
        old.rename(reports)
    shutil.rmtree(old, ignore_errors=True)
    shutil.rmtree(reports.with_name(reports.name + ".new"), ignore_errors=True)
    # The publish stage swaps the site the same way, its folders named «.site.old-*», «.site.building-*».
    parent = site.parent
    retired = sorted(parent.glob(f".{site.name}.old-*")) if parent.is_dir() else []
    if retired and not site.exists():
        newest = max(retired, key=lambda path: path.stat().st_mtime)
        newest.rename(site)
        retired.remove(newest)
    for leftover in retired + (sorted(parent.glob(f".{site.name}.building-*")) if parent.is_dir() else []):
        shutil.rmtree(leftover, ignore_errors=True)


def carry_over(reports: Path, staging: Path) -> None:
    """Copy into the new reports the folders other commands write there (the one-time credentials), which
    the run does not rebuild. A copy, not a move: a run killed now still leaves them in reports/."""
    for name in CARRIED_OVER:
        source = reports / name
        if source.is_dir() and not (staging / name).exists():
            shutil.copytree(source, staging / name, copy_function=shutil.copy2)
