"""Help for operators, generated from the schemas and the issue templates so that it cannot drift."""

import re
from dataclasses import dataclass
from pathlib import Path

from pipeline.issues import ERROR, INFO, TEMPLATES, WARNING
from pipeline.publish.model import YearView
from pipeline.publish.render import render, slug
from schemas.columns import ColumnInfo, columns_of
from schemas.kinds import KINDS, LEVEL_TITLES, SubmissionKind
from schemas.lists import CLOSED_LISTS

KIND_TITLES = {
    "text": "текст",
    "name": "фамилия, имя или отчество",
    "code": "код (как написан)",
    "int": "целое число",
    "year": "год, четыре цифры",
    "date": "дата ДД.ММ.ГГГГ",
    "date_or_indefinite": "дата ДД.ММ.ГГГГ или «бессрочно»",
    "enum": "одно значение из списка",
    "multienum": "значения из списка через «;»",
    "bool": "да или нет",
    "email": "адрес электронной почты",
    "phone": "телефон",
    "municipality": "муниципальное образование (код или название)",
    "place": "муниципальное образование или «дистанционно»",
    "places": "муниципальные образования через «;», «все муниципалитеты» или «дистанционно»",
    "login": "логин",
}
INLINE_VALUES = 6  # longer closed lists are referred to by name and listed once at the end of the page
PLACEHOLDERS = {"value": "…", "column": "<столбец>", "sheet": "<лист>", "suggestion": ""}
SEVERITY_GROUPS = (
    (ERROR, "Ошибки: файл или строка не приняты"),
    (WARNING, "Предупреждения"),
    (INFO, "Сведения"),
)
TEMPLATE_DIR = "templates"


@dataclass(frozen=True)
class HelpColumn:
    info: ColumnInfo
    kind_title: str
    values_text: str  # markdown: the allowed values inline, or a link to the closed list


def help_pages(view: YearView) -> dict[str, str | bytes]:
    """The help page and the blank templates it links to."""
    downloads = _template_files(view.model.templates_dir)
    kinds = [
        {
            "kind": kind,
            "levels": ", ".join(LEVEL_TITLES[level] for level in kind.levels),
            "deadlines": _deadlines(view, kind),
            "file_example": _file_example(view.year, kind),
            "sheets": [(sheet, [_help_column(c) for c in columns_of(sheet.model)]) for sheet in kind.sheets],
            "downloads": [name for name in downloads if _kind_of_template(name) is kind],
        }
        for kind in KINDS
    ]
    pages: dict[str, str | bytes] = {
        "help/index.md": render(
            "help.md.j2",
            year=view.year,
            config=view.config,
            kinds=kinds,
            closed_lists=[(name, values, slug(name)) for name, values in CLOSED_LISTS.items()],
            errors=_common_errors(),
            downloads=sorted(downloads),
            template_dir=TEMPLATE_DIR,
        )
    }
    for name, path in downloads.items():
        pages[f"help/{TEMPLATE_DIR}/{name}"] = path.read_bytes()
    return pages


def _help_column(info: ColumnInfo) -> HelpColumn:
    if info.values and info.list_name in CLOSED_LISTS and len(info.values) > INLINE_VALUES:
        values = f"список «{info.list_name}» ([ниже](#list-{slug(info.list_name)}))"
    elif info.values:
        values = "; ".join(info.values)
    else:
        values = ""
    return HelpColumn(info, KIND_TITLES.get(info.kind, info.kind), values)


def _deadlines(view: YearView, kind: SubmissionKind) -> str:
    if kind.deadline is None:
        return "в любое время, по мере изменений"
    if kind.deadline == "monitoring":
        dates = [view.config.deadline("monitoring", view.year, q) for q in (1, 2, 3, 4)]
        return "после каждого квартала: " + ", ".join(d.strftime("%d.%m.%Y") for d in dates)
    return "до " + view.config.deadline(kind.deadline, view.year).strftime("%d.%m.%Y")


def _file_example(year: int, kind: SubmissionKind) -> str:
    sent = f"{year - 1}-06-10" if kind.period == "none" else f"{year - 1}-10-05"
    name = f"{sent} {kind.file_word}"
    if kind.period == "year":
        name += f" {year}"
    elif kind.period == "quarter":
        name = f"{year}-04-08 {kind.file_word} {year} 1кв"
    return name + ".xlsx"


def _template_files(templates_dir: Path | None) -> dict[str, Path]:
    if templates_dir is None:
        return {}
    return {
        p.name: p
        for p in sorted(templates_dir.iterdir())
        if p.is_file() and not p.name.startswith((".", "~$"))
    }


def _kind_of_template(name: str) -> SubmissionKind | None:
    """The kind whose file word the template's name holds; the longest word wins («утверждение плана-графика»)."""
    stem = Path(name).stem.lower()
    matches = [k for k in KINDS if k.file_word in stem or k.slug in stem]
    return max(matches, key=lambda k: len(k.file_word), default=None)


def _common_errors() -> list[tuple[str, list[tuple[str, str, str]]]]:
    groups = []
    for severity, title in SEVERITY_GROUPS:
        rows = [
            (code, _pattern(t.message), _pattern(t.fix))
            for code, t in TEMPLATES.items()
            if t.severity == severity
        ]
        groups.append((title, rows))
    return groups


def _pattern(text: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: PLACEHOLDERS.get(m.group(1), "…"), text)
