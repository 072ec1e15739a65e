"""`pipeline check FILE...`: validate files exactly as the run would and print the Russian issue list."""

import sys
from pathlib import Path
from typing import TextIO

import pandas as pd

from pipeline import paths
from pipeline.config import ConfigError, load_config
from pipeline.intake.discover import list_input_files
from pipeline.intake.take_in import take_in
from pipeline.issues import ERROR


def check_files(
    files: list[Path], inputs: Path = paths.INPUTS, login: str | None = None, out: TextIO | None = None
) -> int:
    """Run the intake over the registries in `inputs` plus the given files, and report the given files' issues.

    The other files of `inputs` are read too, because who may send what, and for whom, is decided by them."""
    out = out or sys.stdout
    try:
        config = load_config(inputs)
    except ConfigError as error:
        print(f"Ошибка настроек: {error}", file=out)
        return 2
    wanted = [f.resolve() for f in files]
    missing = [f for f in wanted if not f.is_file()]
    for path in missing:
        print(f"{path}: файл не найден", file=out)
    wanted = [f for f in wanted if f.is_file()]
    others = [p for p in list_input_files(inputs) if p.resolve() not in wanted]
    login_for = {f: login for f in wanted} if login else None
    result = take_in(sorted(others) + wanted, inputs, config, login_for=login_for)
    issues = result.log.to_frame()
    names = {s.name for s in result.submissions if s.path.resolve() in wanted} | {
        _name(f, inputs) for f in wanted
    }
    mine = issues[issues["file"].isin(names)]
    for name in sorted(names):
        part = mine[mine["file"] == name]
        print(
            f"== {name}: ошибок {int((part['severity'] == ERROR).sum())}, замечаний всего {len(part)}",
            file=out,
        )
        for issue in part.itertuples(index=False):
            place = ", ".join(
                p
                for p in (
                    f"лист «{issue.sheet}»" if issue.sheet else "",
                    f"строка {issue.row}" if not pd.isna(issue.row) else "",
                    f"столбец «{issue.column}»" if issue.column else "",
                    f"ячейка {issue.cell}" if issue.cell else "",
                )
                if p
            )
            print(
                f"  [{issue.severity}] {place + ': ' if place else ''}{issue.message} {issue.fix}", file=out
            )
    has_errors = bool((mine["severity"] == ERROR).any()) or bool(missing)
    return 1 if has_errors else 0


def _name(path: Path, inputs: Path) -> str:
    try:
        return path.resolve().relative_to(inputs.resolve()).as_posix()
    except ValueError:
        return path.name
