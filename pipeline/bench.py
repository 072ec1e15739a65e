"""`python -m pipeline.bench`: how fast the cycle is at a region's (or the country's) scale, against its floors.

The read floor (python-calamine reading every sheet of every input file, on as many worker processes as the
intake uses), a cold run stage by stage, a bare `mkdocs build` of the pages that run generated, a warm re-run
after one school's staff file changed, and a cold run on the same changed inputs whose outputs must be
byte-identical to the warm run's. Each run is made in a fresh process, as CI makes it."""

import argparse
import filecmp
import json
import math
import multiprocessing
import os
import resource
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import python_calamine

from pipeline import paths

# The pipeline's modules are imported where they are used: every worker process of a run imports the module
# that was `__main__` (this one, under `python -m pipeline.bench`), and it should cost them nothing.

READ_WORKERS = min(os.cpu_count() or 1, 4)  # as many as the intake's _read_all uses
DONE_MARK = ".generated"
DATA_VERSION = (
    2  # raised when the generator writes different data: kept data of an older version is rewritten
)
TARGETS = {
    "pipeline_to_read_floor": 2.0,  # stages before the site, against reading every file with calamine
    "site_to_mkdocs_floor": 1.3,  # the publish stage against a bare mkdocs build of its pages
    "rerun_to_full_run": 0.10,  # a re-run after one school's file changed, against a cold run
}
# Parts of the country: 7,500, 11,250 and 22,500 organisations. Smaller parts are not the same shape: a plan
# year's catalog below 1/6 of the country is short enough for every form to list it (1/8: 977 programs against
# templates.FORM_CATALOG_LIMIT), and below 1/32 programs meeting "everywhere" have fewer places than
# groups.FEW_SITES; their stages grow faster until those bounds are reached.
GROWTH_PARTS = (6, 4, 2)
GROWTH_TARGET = 1.1  # time ∝ size^k between the smallest and the largest part: "linear" allows k ≤ 1.1


@dataclass
class Run:
    seconds: float
    timings: list[dict]
    rows_in: int
    out: Path  # holds reports/ and site/


def peak_rss_mb() -> float:
    """The largest resident set of this process and of its finished worker processes, in MiB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round(max(own, children) / 1024, 1)


def scale_title(scale: str, part: int = 1) -> str:
    return scale if part == 1 else f"{scale} ÷ {part}"


def data_folder(scale: str, seed: int, part: int = 1, root: Path | None = None) -> Path:
    """Where generated inputs are kept: .cache/bench/region-86/, .cache/bench/country-part8-86/, …"""
    name = f"{scale}-{seed}" if part == 1 else f"{scale}-part{part}-{seed}"
    return (root or paths.CACHE / "bench") / name


def ensure_data(scale: str, seed: int, data: Path, say, part: int = 1) -> Path:
    """The generated inputs of this scale and seed; generated once, then reused (generation is not measured)."""
    inputs = data / "inputs"
    mark = f"{scale} {part} {seed} {DATA_VERSION}\n"
    done = data / DONE_MARK
    if done.exists() and done.read_text(encoding="utf-8") == mark:
        return inputs
    from pipeline.demo import generate_demo

    say(
        f"Генерация данных масштаба «{scale_title(scale, part)}» (зерно {seed}) в {inputs} — один раз, "
        "затем берутся готовые."
    )
    shutil.rmtree(inputs, ignore_errors=True)
    generate_demo(scale, seed, inputs, progress=lambda text: say(f"  {text}"), part=part)
    done.write_text(mark, encoding="utf-8")
    return inputs


def read_every_sheet(path: Path) -> int:
    """The floor of reading one file: every worksheet's cells as Python values; returns the cells read."""
    cells = 0
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    except Exception:  # a broken planted file costs what it costs; the floor only counts time
        return 0
    try:
        for name in workbook.sheet_names:
            rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
            cells += sum(len(row) for row in rows)
    finally:
        workbook.close()
    return cells


def read_floor(inputs: Path) -> dict:
    from pipeline.intake.discover import list_input_files

    files = [p for p in list_input_files(inputs) if p.suffix.lower() in paths.SPREADSHEET_SUFFIXES]
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=READ_WORKERS) as pool:
        cells = sum(pool.map(read_every_sheet, files, chunksize=8))
    return {
        "seconds": round(time.perf_counter() - started, 3),
        "files": len(files),
        "bytes": sum(p.stat().st_size for p in files),
        "cells": cells,
        "workers": READ_WORKERS,
    }


def run_pipeline(inputs: Path, out: Path, cache: Path | None, build_site: bool = True, say=None) -> Run:
    """One whole run in this process, outputs under `out`, the caches (intake, written workbooks, memo) under
    `cache` (None: no cache at all)."""
    from pipeline.config import load_config
    from pipeline.intake.cache import ENV as CACHE_ENV
    from pipeline.memo import ENV as MEMO_ENV
    from pipeline.run import RunContext, run_stages, swap_in
    from pipeline.workbook_cache import ENV as WORKBOOK_ENV

    previous = {name: os.environ.get(name) for name in (CACHE_ENV, WORKBOOK_ENV, MEMO_ENV)}
    os.environ[CACHE_ENV] = str(cache / "intake") if cache else "off"
    os.environ[WORKBOOK_ENV] = str(cache / "workbooks") if cache else "off"
    os.environ[MEMO_ENV] = str(cache / "memo") if cache else "off"
    try:
        shutil.rmtree(out, ignore_errors=True)
        staging = out / "reports.new"
        staging.mkdir(parents=True)
        config = load_config(inputs)
        ctx = RunContext(
            config=config,
            inputs=inputs,
            reports=staging,
            site=out / "site",
            as_of=config.as_of or date.min,
            build_site=build_site,
            progress=(lambda text: say(f"  {text}")) if say else (lambda text: None),
        )
        started = time.perf_counter()
        state = run_stages(ctx)
        swap_in(staging, out / "reports")
        seconds = time.perf_counter() - started
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    rows_in = sum(c.rows_in for c in state["intake"].counts.values())
    return Run(round(seconds, 3), ctx.timings, rows_in, out)


def run_apart(inputs: Path, out: Path, cache: Path | None, build_site: bool = True, say=None) -> Run:
    """run_pipeline in a fresh interpreter, as CI runs `pipeline run` after each upload: a run is not slowed by
    what an earlier run in the same process left in memory, and pays for its own imports of the stages."""
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(run_pipeline, inputs, out, cache, build_site, say).result()


def mkdocs_floor(work: Path, out: Path) -> dict:
    """A bare `mkdocs build` (root mkdocs.yml) of each plan year's pages as the publish stage wrote them:
    no page rendering, no privacy check, no search stems, no versions."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config as mkdocs_config

    docs = sorted(p for p in (work / ".site-work").glob("*/docs") if p.is_dir())
    started = time.perf_counter()
    for docs_dir in docs:
        config = mkdocs_config(
            config_file=str(paths.MKDOCS_YML),
            docs_dir=str(docs_dir),
            site_dir=str(out / docs_dir.parent.name),
        )
        mkdocs_build(config)
    return {"seconds": round(time.perf_counter() - started, 3), "years": len(docs)}


def change_one_school(inputs: Path) -> str:
    """One school sends its staff list again with one person fewer; returns the file's name under inputs/."""
    from pipeline.intake.read import cell_text
    from pipeline.workbooks import SheetSpec, write_workbook

    staff = sorted(inputs.glob("oo-*/*работники*.xlsx"))
    if not staff:
        raise SystemExit("В данных нет списков работников организаций: менять нечего.")
    login = staff[0].parent.name
    path = max((p for p in staff if p.parent.name == login), key=lambda p: p.name)
    workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    specs = []
    for name in workbook.sheet_names:
        rows = [[cell_text(v) for v in row] for row in workbook.get_sheet_by_name(name).to_python()]
        specs.append(SheetSpec(name=name, header=rows[0] if rows else [], rows=rows[1:-1]))
    workbook.close()
    write_workbook(path, specs, title="Педагогические работники")
    return path.relative_to(inputs).as_posix()


def differing_files(left: Path, right: Path) -> list[str]:
    """Files under reports/ and site/ that differ in bytes or exist on one side only."""
    found = []
    for part in ("reports", "site"):
        a, b = left / part, right / part
        names = {p.relative_to(a).as_posix() for p in a.rglob("*") if p.is_file()} if a.exists() else set()
        names |= {p.relative_to(b).as_posix() for p in b.rglob("*") if p.is_file()} if b.exists() else set()
        for name in sorted(names):
            x, y = a / name, b / name
            if not (x.is_file() and y.is_file() and filecmp.cmp(x, y, shallow=False)):
                found.append(f"{part}/{name}")
    return found


def stage_table(run: Run) -> list[dict]:
    return [
        {
            "stage": t["stage"],
            "seconds": t["seconds"],
            "cpu_seconds": t["cpu_seconds"],
            "peak_rss_mb": t["peak_rss_mb"],
            "rows_per_second": round(run.rows_in / t["seconds"]) if t["seconds"] else None,
        }
        for t in run.timings
    ]


# What a bench writes beside its inputs (each run's reports and site, the caches, the bare mkdocs build), as a
# multiple of the inputs' bytes: the country's bench (0.8 GB of inputs) ran out of 20 GB free in its mkdocs floor.
DISK_PER_INPUT_BYTE = 50


def warn_if_disk_short(input_bytes: int, work: Path, say) -> bool:
    """Say so before the runs when the work folder's disk looks too small for them; True when it does."""
    need = input_bytes * DISK_PER_INPUT_BYTE
    free = shutil.disk_usage(work).free
    if free >= need:
        return False
    say(
        f"Внимание: на диске с папкой {work} свободно {free / 1e9:.1f} ГБ, а бенчмарку этого масштаба нужно "
        f"около {need / 1e9:.0f} ГБ (отчёты и сайт каждого прогона, кеши, сборка голого mkdocs). Освободите место "
        "или укажите --keep ПАПКА на другом диске: иначе прогон может остановиться с ошибкой «No space left on "
        "device»."
    )
    return True


def bench(
    scale: str,
    seed: int,
    data: Path,
    work: Path,
    build_site: bool = True,
    control: bool = True,
    say=print,
    part: int = 1,
) -> dict:
    inputs = ensure_data(scale, seed, data, say, part)
    say(f"Порог чтения: python-calamine читает все листы всех файлов ({READ_WORKERS} процесса)…")
    floor = read_floor(inputs)
    say(f"  {floor['files']} файлов за {floor['seconds']:.1f} с")
    warn_if_disk_short(floor["bytes"], work, say)

    cache = work / "cache"
    shutil.rmtree(cache, ignore_errors=True)
    say("Полный прогон с пустым кешем…")
    cold = run_apart(inputs, work / "cold", cache, build_site, say)
    say(f"  {cold.seconds:.1f} с")
    mkdocs = {"seconds": None, "years": 0}
    if build_site:
        say("Порог сайта: голый mkdocs build тех же страниц…")
        mkdocs = mkdocs_floor(work / "cold", work / "mkdocs-floor")
        say(f"  {mkdocs['seconds']:.1f} с")

    changed = work / "changed-inputs"
    shutil.rmtree(changed, ignore_errors=True)
    shutil.copytree(inputs, changed)
    changed_file = change_one_school(changed)
    say(f"Повторный прогон после изменения файла {changed_file} (кеш полного прогона)…")
    warm = run_apart(changed, work / "warm", cache, build_site, say)
    say(f"  {warm.seconds:.1f} с")
    check, differing = None, None
    if control:
        say("Контрольный прогон тех же изменённых данных без кеша…")
        check = run_apart(changed, work / "check", None, build_site, say)
        say(f"  {check.seconds:.1f} с")
        differing = differing_files(warm.out, check.out)
    return report(
        scale_title(scale, part), seed, floor, mkdocs, cold, warm, check, changed_file, differing, build_site
    )


def report(scale, seed, floor, mkdocs, cold, warm, check, changed_file, differing, build_site) -> dict:
    by_stage = {t["stage"]: t["seconds"] for t in cold.timings}
    publish = by_stage.get("publish", 0.0)
    before_site = round(sum(by_stage.values()) - publish, 3)
    ratios = {
        "pipeline_to_read_floor": _ratio(before_site, floor["seconds"]),
        "site_to_mkdocs_floor": _ratio(publish, mkdocs["seconds"]) if build_site else None,
        "rerun_to_full_run": _ratio(warm.seconds, cold.seconds),
    }
    verdicts = {
        name: (None if value is None else value <= TARGETS[name]) for name, value in ratios.items()
    } | {"rerun_identical_to_cold": None if differing is None else not differing}
    return {
        "scale": scale,
        "seed": seed,
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
        "inputs": {"files": floor["files"], "bytes": floor["bytes"], "rows": cold.rows_in},
        "floors": {"read": floor, "mkdocs": mkdocs},
        "full_run": {
            "seconds": cold.seconds,
            "before_site_seconds": before_site,
            "peak_rss_mb": max(t["peak_rss_mb"] for t in cold.timings),
            "stages": stage_table(cold),
        },
        "rerun": {
            "changed_file": changed_file,
            "seconds": warm.seconds,
            "stages": stage_table(warm),
            "cold_seconds_same_inputs": None if check is None else check.seconds,
            "differing_files": differing,
        },
        "peak_rss_mb_with_workers": peak_rss_mb(),
        "ratios": ratios,
        "targets": TARGETS,
        "pass": verdicts,
    }


def _ratio(value: float, floor: float | None) -> float | None:
    return round(value / floor, 3) if floor else None


def print_report(result: dict, out=None) -> None:
    out = out or sys.stdout

    def line(text=""):
        print(text, file=out)

    inputs = result["inputs"]
    line()
    line(
        f"Масштаб «{result['scale']}», зерно {result['seed']}: файлов {inputs['files']}, "
        f"{inputs['bytes'] / 2**20:.1f} МБ, строк данных {inputs['rows']}; ядер {result['machine']['cpus']}."
    )
    line()
    line(f"{'этап':<18}{'секунды':>10}{'ЦП, с':>10}{'пик RSS, МБ':>14}{'строк/с':>12}")
    for row in result["full_run"]["stages"]:
        rate = "" if row["rows_per_second"] is None else f"{row['rows_per_second']:,}".replace(",", " ")
        line(
            f"{row['stage']:<18}{row['seconds']:>10.2f}{row['cpu_seconds']:>10.2f}"
            f"{row['peak_rss_mb']:>14.1f}{rate:>12}"
        )
    full = result["full_run"]
    floors = result["floors"]
    line(f"{'весь прогон':<18}{full['seconds']:>10.2f}")
    line()
    line(f"Порог чтения (calamine, {floors['read']['workers']} процесса): {floors['read']['seconds']:.2f} с")
    if floors["mkdocs"]["seconds"] is not None:
        line(
            f"Порог сайта (голый mkdocs build, лет {floors['mkdocs']['years']}): {floors['mkdocs']['seconds']:.2f} с"
        )
    rerun = result["rerun"]
    line(f"Повторный прогон после изменения «{rerun['changed_file']}»: {rerun['seconds']:.2f} с")
    line(f"Пик памяти (процесс и рабочие процессы): {result['peak_rss_mb_with_workers']:.0f} МБ")
    line()
    names = {
        "pipeline_to_read_floor": "конвейер до сайта / порог чтения",
        "site_to_mkdocs_floor": "сборка сайта / голый mkdocs",
        "rerun_to_full_run": "повторный прогон / полный прогон",
    }
    for key, title in names.items():
        value, verdict = result["ratios"][key], result["pass"][key]
        if value is None:
            line(f"{title:<40} —       (сайт не собирался)")
            continue
        mark = "PASS" if verdict else "FAIL"
        line(f"{title:<40}{value:>7.3f} ≤ {result['targets'][key]:<5} {mark}")
    same = result["pass"]["rerun_identical_to_cold"]
    differing = rerun["differing_files"]
    if same is None:
        line(
            f"{'повторный прогон = холодный побайтно':<40}{'—':>7}         (контрольный прогон не выполнялся)"
        )
        return
    line(
        f"{'повторный прогон = холодный побайтно':<40}{'да' if same else 'нет':>7}         "
        f"{'PASS' if same else 'FAIL'}" + ("" if same else f" (различаются: {', '.join(differing[:5])})")
    )


def growth(parts: list[int], seed: int, work: Path, say=print, data_root: Path | None = None) -> dict:
    """Cold runs, site included, of the country's data in parts (1/6, 1/4, 1/2: the same shape at growing
    sizes), and how each stage's time grows with the input's bytes: the exponent k of time ∝ size^k between
    the smallest and the largest part (1 is linear)."""
    points = []
    for part in sorted(parts, reverse=True):
        inputs = ensure_data("country", seed, data_folder("country", seed, part, data_root), say, part)
        floor = read_floor(inputs)
        say(f"Полный прогон: страна ÷ {part}, {floor['files']} файлов…")
        cache, out = work / f"cache-{part}", work / f"run-{part}"
        shutil.rmtree(cache, ignore_errors=True)
        run = run_apart(inputs, out, cache, True, say)
        say(f"  {run.seconds:.1f} с")
        shutil.rmtree(cache, ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)
        stages: dict[str, float] = {}
        for t in run.timings:
            stages[t["stage"]] = round(stages.get(t["stage"], 0.0) + t["seconds"], 3)
        points.append(
            {
                "part": part,
                "files": floor["files"],
                "bytes": floor["bytes"],
                "rows": run.rows_in,
                "read_floor_seconds": floor["seconds"],
                "seconds": run.seconds,
                "peak_rss_mb": max(t["peak_rss_mb"] for t in run.timings),
                "stages": stages,
            }
        )
    small, large = points[0], points[-1]
    exponents = {"весь прогон": _exponent(small["seconds"], large["seconds"], small, large)}
    exponents |= {
        stage: _exponent(small["stages"][stage], large["stages"][stage], small, large)
        for stage in large["stages"]
        if stage in small["stages"]
    }
    exponents["пик памяти"] = _exponent(small["peak_rss_mb"], large["peak_rss_mb"], small, large)
    whole = exponents["весь прогон"]
    return {
        "seed": seed,
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
        "points": points,
        "exponents": exponents,
        "target": GROWTH_TARGET,
        "pass": None if whole is None else whole <= GROWTH_TARGET,
    }


def _exponent(small_value: float, large_value: float, small: dict, large: dict) -> float | None:
    """k in value ∝ bytes^k between two points; None when a value is too small to tell (under 0.05)."""
    if min(small_value, large_value) < 0.05 or large["bytes"] == small["bytes"]:
        return None
    return round(math.log(large_value / small_value) / math.log(large["bytes"] / small["bytes"]), 2)


def print_growth(result: dict, out=None) -> None:
    out = out or sys.stdout
    points = result["points"]
    print(file=out)
    print(
        f"{'':<18}" + "".join(f"{'страна ÷ ' + str(p['part']):>14}" for p in points) + f"{'k':>8}", file=out
    )
    rows = [
        ("файлов", [f"{p['files']:,}".replace(",", " ") for p in points], None),
        ("МБ", [f"{p['bytes'] / 2**20:.1f}" for p in points], None),
        ("строк", [f"{p['rows']:,}".replace(",", " ") for p in points], None),
        ("порог чтения, с", [f"{p['read_floor_seconds']:.1f}" for p in points], None),
    ]
    rows += [
        (stage, [f"{p['stages'].get(stage, 0.0):.1f}" for p in points], result["exponents"].get(stage))
        for stage in points[-1]["stages"]
    ]
    rows += [
        ("весь прогон, с", [f"{p['seconds']:.1f}" for p in points], result["exponents"]["весь прогон"]),
        ("пик памяти, МБ", [f"{p['peak_rss_mb']:.0f}" for p in points], result["exponents"]["пик памяти"]),
    ]
    for title, values, k in rows:
        mark = "" if k is None else f"{k:>8.2f}"
        print(f"{title:<18}" + "".join(f"{v:>14}" for v in values) + mark, file=out)
    whole = result["exponents"]["весь прогон"]
    verdict = "—" if result["pass"] is None else ("PASS" if result["pass"] else "FAIL")
    print(
        f"\nВремя растёт как размер^k; k всего прогона {whole} ≤ {result['target']} (линейно: 1): {verdict}",
        file=out,
    )


def write_json(result: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=("demo", "region", "country"), default="region")
    parser.add_argument("--seed", type=int, default=86)
    parser.add_argument(
        "--data",
        type=Path,
        default=None,
        help="generated inputs (.cache/bench/<scale>-<seed>/); with --growth, the folder that holds each part's",
    )
    parser.add_argument("--keep", type=Path, default=None, help="keep the runs' outputs in this folder")
    parser.add_argument(
        "--json",
        type=Path,
        default=None,
        help="where to write figures (reports/bench.json; with --growth, reports/bench-growth.json)",
    )
    parser.add_argument("--no-site", action="store_true", help="skip the site and its floor")
    parser.add_argument(
        "--no-control",
        action="store_true",
        help="skip the control run without cache (the byte-for-byte check of the re-run)",
    )
    parser.add_argument(
        "--part", type=int, default=1, help="1/part of the country's data (with --scale country)"
    )
    parser.add_argument(
        "--growth",
        type=lambda text: [int(p) for p in text.split(",")],
        nargs="?",
        const=list(GROWTH_PARTS),
        default=None,
        help="how time grows with size: cold runs of the country in parts, e.g. 6,4,2 (the default)",
    )
    args = parser.parse_args(argv)
    if args.part > 1 and args.scale != "country":
        parser.error("--part only divides the country's data (--scale country)")
    work = args.keep or Path(tempfile.mkdtemp(prefix="asupk-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    if args.growth is not None:
        if len(args.growth) < 2:
            parser.error("--growth needs at least two parts, e.g. 16,4")
        json_path = args.json or paths.REPORTS / "bench-growth.json"
        try:
            result = growth(args.growth, args.seed, work.resolve(), say=_say, data_root=args.data)
        finally:
            if args.keep is None:
                shutil.rmtree(work, ignore_errors=True)
        print_growth(result)
        write_json(result, json_path)
        print(f"\nЦифры записаны в {json_path}")
        return 0
    data = args.data or data_folder(args.scale, args.seed, args.part)
    data.mkdir(parents=True, exist_ok=True)
    try:
        result = bench(
            args.scale,
            args.seed,
            data,
            work.resolve(),
            not args.no_site,
            not args.no_control,
            say=_say,
            part=args.part,
        )
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    print_report(result)
    json_path = args.json or paths.REPORTS / "bench.json"
    write_json(result, json_path)
    print(f"\nЦифры записаны в {json_path}")
    # Speed depends on the machine, so a missed target is reported, not fatal; different outputs are a bug.
    return 1 if result["pass"]["rerun_identical_to_cold"] is False else 0


def _say(text: str) -> None:
    print(text, flush=True)


if __name__ == "__main__":
    sys.exit(main())
