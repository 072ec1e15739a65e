"""Every format operators send and every template they fill goes through the intake like a plain .xlsx."""

import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from pipeline import paths
from pipeline.config import load_config
from pipeline.intake.check import check_files
from pipeline.intake.discover import list_input_files
from pipeline.intake.take_in import take_in
from pipeline.templates import fill_template, write_templates
from schemas.kinds import KINDS
from tests.intake_cases import base_region

SOFFICE = shutil.which("soffice")


def convert(source: Path, suffix: str, out_dir: Path, profile: Path) -> Path:
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            suffix,
            "--outdir",
            str(out_dir),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return out_dir / f"{source.stem}.{suffix}"


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")
@pytest.mark.parametrize("suffix", ["ods", "xls"])
def test_a_staff_list_saved_as_ods_or_xls_is_read_like_xlsx(tmp_path, suffix):
    root = base_region(tmp_path / "inputs")
    original = root / "oo-100012" / "2026-09-01 работники.xlsx"
    work = tmp_path / "convert"
    work.mkdir()
    staged = work / "2026-10-01 работники.xlsx"
    shutil.copy(original, staged)
    converted = convert(staged, suffix, work, tmp_path / "lo-profile")
    shutil.copy(converted, root / "oo-100012" / converted.name)
    result = take_in(list_input_files(root), root, load_config(root))
    issues = result.log.to_frame()
    mine = issues[issues["file"] == f"oo-100012/{converted.name}"]
    assert not (mine["severity"] == "ошибка").any(), mine.to_string()
    counts = result.counts[f"oo-100012/{converted.name}"]
    assert (counts.rows_in, counts.accepted) == (3, 3)
    staff = result.records["staff"]
    assert set(staff["file"]) == {f"oo-100012/{converted.name}"}
    assert sorted(staff["birth_year"]) == [1978, 1985, 1990]


def _data_rows(path: Path, title: str) -> list[list]:
    sheet = openpyxl.load_workbook(path, read_only=True)[title]
    rows = [list(r) for r in sheet.iter_rows(min_row=2, values_only=True)]
    return [r for r in rows if any(v not in (None, "") for v in r)]


def test_every_template_filled_with_demo_rows_passes_check(tmp_path):
    root = tmp_path / "inputs"
    shutil.copytree(paths.INPUTS, root)
    config = load_config(root)
    result = take_in(list_input_files(root), root, config)
    issues = result.log.to_frame()
    broken = set(issues.loc[issues["severity"] == "ошибка", "file"])
    templates = {p.stem: p for p in write_templates(tmp_path / "templates", config)}
    filled = []
    for kind in KINDS:
        source = next(
            s
            for s in sorted(result.submissions, key=lambda s: s.name, reverse=True)
            if s.kind is kind and s.name not in broken
        )
        rows = {sheet.title: _data_rows(source.path, sheet.title) for sheet in kind.sheets}
        target = source.path.with_name(f"{source.path.stem} по шаблону.xlsx")
        fill_template(templates[kind.file_word], rows, target)
        filled.append(target)
    assert check_files(filled, inputs=root) == 0
