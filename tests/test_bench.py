"""The benchmark on the demo scale: it runs end to end, prints its table and ratios, writes every figure."""

import json
import shutil

import pytest

from pipeline.bench import TARGETS, change_one_school, differing_files, main, warn_if_disk_short
from pipeline.demo import generate_demo
from pipeline.intake.read import read_workbook
from pipeline.issues import IssueLog

STAGES = {
    "intake",
    "registries",
    "groups",
    "schedule",
    "assignment",
    "monitoring",
    "needs",
    "quality",
    "registry_reports",
    "feedback",
    "templates",
    "publish",
}


@pytest.mark.slow
def test_bench_on_the_demo_scale_writes_every_figure(tmp_path, capsys):
    out = tmp_path / "bench.json"
    code = main(
        [
            "--scale",
            "demo",
            "--data",
            str(tmp_path / "data"),
            "--keep",
            str(tmp_path / "work"),
            "--json",
            str(out),
        ]
    )
    printed = capsys.readouterr().out
    assert code == 0, printed
    result = json.loads(out.read_text(encoding="utf-8"))
    assert (
        out.read_text(encoding="utf-8")
        == json.dumps(result, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    )
    assert set(result) == {
        "floors",
        "full_run",
        "inputs",
        "machine",
        "pass",
        "peak_rss_mb_with_workers",
        "ratios",
        "rerun",
        "scale",
        "seed",
        "targets",
    }
    assert {s["stage"] for s in result["full_run"]["stages"]} >= STAGES
    for stage in result["full_run"]["stages"]:
        assert set(stage) == {"stage", "seconds", "cpu_seconds", "peak_rss_mb", "rows_per_second"}
    assert result["inputs"]["files"] > 100 and result["inputs"]["rows"] > 1000
    assert result["floors"]["read"]["cells"] > result["inputs"]["rows"]
    assert result["floors"]["mkdocs"]["years"] == 3
    assert set(result["ratios"]) == set(TARGETS) and all(v is not None for v in result["ratios"].values())
    assert result["rerun"]["differing_files"] == [] and result["pass"]["rerun_identical_to_cold"] is True
    assert result["rerun"]["changed_file"].startswith("oo-")
    for title in ("конвейер до сайта / порог чтения", "сборка сайта / голый mkdocs", "повторный прогон"):
        assert title in printed
    assert ("PASS" in printed) or ("FAIL" in printed)
    # The data is generated once and reused: a second look finds it ready.
    assert (tmp_path / "data" / ".generated").exists()


def test_a_disk_too_small_for_the_bench_is_named_before_the_runs(tmp_path):
    said: list[str] = []
    free = shutil.disk_usage(tmp_path).free
    assert warn_if_disk_short(free, tmp_path, said.append)  # 50 times the free space: not enough
    assert len(said) == 1 and str(tmp_path) in said[0] and "No space left on device" in said[0]
    assert not warn_if_disk_short(1000, tmp_path, said.append)  # a kilobyte of inputs: room enough
    assert len(said) == 1


def test_changing_one_school_drops_exactly_one_staff_row(tmp_path):
    inputs = tmp_path / "inputs"
    generate_demo("demo", 86, inputs)
    name = change_one_school(inputs)
    assert name.startswith("oo-") and "работники" in name
    before = read_workbook(inputs / name, IssueLog(), {})
    rows_before = len(before.sheets["Работники"].rows)
    # The generated file and the rewritten one differ by the last data row only.
    regenerated = tmp_path / "again"
    generate_demo("demo", 86, regenerated)
    original = read_workbook(regenerated / name, IssueLog(), {})
    assert original.sheets["Работники"].rows[:-1] == before.sheets["Работники"].rows
    assert rows_before == len(original.sheets["Работники"].rows) - 1
    assert differing_files(inputs.parent / "x", inputs.parent / "x") == []


def test_a_bench_without_the_control_run_says_the_check_was_not_made(tmp_path, capsys):
    from pipeline.bench import Run, print_report, report

    timings = [
        {"stage": s, "seconds": 1.0, "cpu_seconds": 1.0, "peak_rss_mb": 10.0} for s in ("intake", "publish")
    ]
    cold = Run(seconds=2.0, timings=timings, rows_in=100, out=tmp_path)
    warm = Run(seconds=0.5, timings=timings, rows_in=100, out=tmp_path)
    floor = {"seconds": 0.5, "files": 3, "bytes": 10, "cells": 300, "workers": 2}
    result = report(
        "country", 86, floor, {"seconds": 1.0, "years": 1}, cold, warm, None, "oo-1/x.xlsx", None, True
    )
    assert result["pass"]["rerun_identical_to_cold"] is None
    assert result["rerun"]["cold_seconds_same_inputs"] is None and result["rerun"]["differing_files"] is None
    assert result["ratios"]["rerun_to_full_run"] == 0.25
    print_report(result)
    assert "контрольный прогон не выполнялся" in capsys.readouterr().out


@pytest.mark.slow
def test_the_growth_check_runs_the_country_in_parts_and_fits_the_exponent(tmp_path, capsys):
    out = tmp_path / "growth.json"
    data = tmp_path / "data"
    code = main(
        ["--growth", "2000,1000", "--data", str(data), "--keep", str(tmp_path / "work"), "--json", str(out)]
    )
    printed = capsys.readouterr().out
    assert code == 0, printed
    result = json.loads(out.read_text(encoding="utf-8"))
    small, large = result["points"]
    # Parts are run from the smallest up; 1/1000 of the country has twice the organisations of 1/2000.
    assert (small["part"], large["part"]) == (2000, 1000)
    assert (
        large["files"] > small["files"] and large["bytes"] > small["bytes"] and large["rows"] > small["rows"]
    )
    assert set(large["stages"]) >= STAGES
    assert (data / "country-part1000-86" / ".generated").exists()
    whole = result["exponents"]["весь прогон"]
    # Tiny parts take about as long as each other, so k itself is noise here: only its verdict is checked.
    assert isinstance(whole, float) and result["pass"] == (whole <= result["target"])
    assert "страна ÷ 1000" in printed and "k всего прогона" in printed


def test_a_part_of_the_country_has_its_share_of_everything(tmp_path):
    from pipeline.config import load_config
    from pipeline.demo.generate import SCALES, part_of

    half = part_of(SCALES["country"], 500)
    assert (half.organisations, half.providers, half.programs) == (90, 1, 17)
    summary = generate_demo("country", 86, tmp_path / "inputs", part=1000)
    config = load_config(tmp_path / "inputs")
    assert len(config.municipalities) == 1 and summary.rows["organisations"] == 45
    with pytest.raises(ValueError):
        generate_demo("region", 86, tmp_path / "other", part=2)


def test_the_country_s_teachers_apply_within_their_subject():
    import random

    from pipeline.config import parse_config
    from pipeline.demo.country import SUBJECT_SIZE, subject_of, synthetic_country
    from pipeline.demo.generate import SCALES, part_of, submissions

    rng = random.Random(86)
    config = parse_config(synthetic_country(rng, 2 * SUBJECT_SIZE + 1))
    subject_of_town = {m.name: subject_of(m.code) for m in config.municipalities}
    provider_subject, login_subject, applied = {}, {}, []
    for sent in submissions(config, part_of(SCALES["country"], 40), rng):
        rows = next(iter(sent.sheets.values()))
        if sent.kind == "providers":
            provider_subject = {p["provider_code"]: subject_of_town[p["municipality"]] for p in rows}
        elif sent.kind == "organisations":
            login_subject |= {o["login"]: subject_of_town[o["municipality"]] for o in rows}
        elif sent.kind == "programs":
            for program in rows:
                towns = {subject_of_town[t] for t in program["places"].split("; ") if t in subject_of_town}
                assert towns <= {provider_subject[program["provider_code"]]}
        elif sent.kind == "applications":
            applied += [(login_subject[sent.login], a["program_code"].rsplit("-", 1)[0]) for a in rows]
    # Three subjects (22, 22 and 1 municipalities); every application is to a provider of the teacher's own.
    assert set(login_subject.values()) == {0, 1, 2} and len(applied) > 1000
    assert all(provider_subject[provider] == subject for subject, provider in applied)
