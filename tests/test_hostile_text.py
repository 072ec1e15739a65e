"""Hostile text in operators' cells never becomes a formula, a command or a script in anything the run writes."""

import csv
import datetime as dt
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import xlsxwriter

from pipeline.config import load_config
from pipeline.run import RunContext, run_stages
from pipeline.templates import fill_template, write_templates
from pipeline.workbooks import DANGEROUS_PREFIXES, HARMLESS_SIGNED, SheetSpec, write_csv, write_workbook
from schemas.kinds import KINDS_BY_SLUG
from tests.intake_cases import ORGANISATIONS, application_row, base_region, headers, program_row, staff_row

D = dt.date
HYPERLINK = '=HYPERLINK("http://evil.example/steal","Подробнее")'
DDE = "+cmd|' /C calc'!A0"
INJECTIONS = (
    "=1+1",
    "+SUM(1)",
    "-2+3*A1",
    "@SUM(1)",
    "\t=1+1",
    "\r=1+1",
    "итог\r=1+1",
    " =1+1",
    HYPERLINK,
    DDE,
)
SCRIPT = "<script>alert(1)</script>"
IMAGE = "<img src=x onerror=alert(2)>"
WRITERS = (
    "feedback/",
    "issues.xlsx",
    "submissions.xlsx",
    "plan-schedule-2027",
    "providers/pk-iro/план-график 2027",
    "state-assignment-2027",
    "monitoring-2027-Q2",
    "needs-2027",
    "quality",
    "templates/",
    "organisations/oo-100012/",
    "municipalities/",
)
PEOPLE = [("Петрова", "Анна", "Сергеевна", 1985), ("Сидоров", "Иван", "Петрович", 1990)] + [
    (f"Учителева{letter}", "Ольга", "Ивановна", 1960 + i) for i, letter in enumerate("абвгдежзикл")
]


def dangerous(text: str) -> bool:
    return text.startswith(DANGEROUS_PREFIXES) and not HARMLESS_SIGNED.match(text)


def dangerous_field(text: str) -> bool:
    """For CSV: also a formula behind leading white space, which some programs trim on import."""
    return dangerous(text) or dangerous(text.lstrip())


def raw_put(root: Path, login: str, name: str, slug: str, rows_by_sheet: list[list[list]]) -> Path:
    """A submission written as a careless or hostile operator would: text cells exactly as given, so a
    cell may start with «=» or a tab (the project's own writer would defuse them)."""
    kind = KINDS_BY_SLUG[slug]
    path = root / login / name
    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(str(path))
    date_format = book.add_format({"num_format": "dd.mm.yyyy"})
    for index, sheet in enumerate(kind.sheets):
        worksheet = book.add_worksheet(sheet.title)
        for col, header in enumerate(headers(slug, index)):
            worksheet.write_string(0, col, header)
        rows = rows_by_sheet[index] if index < len(rows_by_sheet) else []
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row):
                if value is None or value == "":
                    continue
                if isinstance(value, str):
                    worksheet.write_string(r, c, value)
                elif isinstance(value, dt.date):
                    worksheet.write_datetime(
                        r, c, dt.datetime(value.year, value.month, value.day), date_format
                    )
                else:
                    worksheet.write_number(r, c, value)
    book.close()
    return path


def hostile_region(root: Path) -> Path:
    """The small valid region, with hostile text in every kind of free-text cell people type into."""
    inputs = base_region(root)
    staff = [
        staff_row(*person, subject="\t=1+1", planned_topic=DDE, diploma_qualification="@SUM(1)")
        for person in PEOPLE
    ]
    raw_put(inputs, "oo-100012", "2026-09-15 работники.xlsx", "staff", [staff])
    raw_put(
        inputs,
        "oo-100012",
        "2026-10-01 заявки 2027.xlsx",
        "applications",
        [[application_row(*p) for p in PEOPLE]],
    )
    programs = [
        program_row(title=HYPERLINK, annotation="@SUM(1)+cmd|' /C calc'!A0 — программа о приёмах работы"),
        program_row(
            "ИРО-002",
            title=f"-2+3 программа {SCRIPT} {IMAGE}",
            annotation="\r=1+2 программа знакомит с приёмами формирования грамотности",
        ),
    ]
    raw_put(inputs, "pk-iro", "2026-05-26 программы.xlsx", "programs", [programs])
    organisations = [list(row) for row in ORGANISATIONS]
    organisations[0][2] = "=1+2"  # short name
    organisations[1][5] = "-1+1, г. Сургут"  # address
    raw_put(inputs, "uo-surgut", "2024-02-11 организации.xlsx", "organisations", [organisations])
    # Refused values are echoed back in the feedback: they must come back defused too.
    raw_put(
        inputs,
        "oo-100013",
        "2026-09-15 работники.xlsx",
        "staff",
        [[staff_row("Белова", "Анна", "Ивановна", 1980, org="=100013", subject="=cmd")]],
    )
    raw_put(inputs, "=1+1", "2026-10-01 заявки 2027.xlsx", "applications", [[application_row(*PEOPLE[0])]])
    outcome = ["ИРО-001-1", "проведена", D(2027, 4, 1), D(2027, 4, 10), HYPERLINK]
    listeners = [
        [
            "ИРО-001-1",
            "100012",
            *person,
            "да",
            "удостоверение о повышении квалификации",
            f"86240001{n:04}",
            D(2027, 4, 10),
        ]
        for n, person in enumerate(PEOPLE)
    ]
    raw_put(inputs, "pk-iro", "2027-07-05 исполнение 2027 2кв.xlsx", "execution", [[outcome], listeners])
    return inputs


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile-text")
    inputs = hostile_region(root / "inputs")
    reports = root / "reports"
    reports.mkdir()
    ctx = RunContext(load_config(inputs), inputs, reports, root / "site", D.min, build_site=True)
    state = run_stages(ctx)
    return inputs, reports, root / "site", state


def workbook_cells(folder: Path):
    for path in sorted(folder.rglob("*.xlsx")):
        book = openpyxl.load_workbook(path)
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    yield path, sheet.title, cell


def csv_fields(folder: Path):
    for path in sorted(folder.rglob("*.csv")):
        # A bare CR ends a row for spreadsheet programs even inside a field the reader here would join.
        assert b"\r" not in path.read_bytes(), path
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.reader(handle):
                for field in row:
                    yield path, field


def test_no_written_workbook_holds_a_formula_or_a_dangerous_text(hostile_run):
    _inputs, reports, site, _state = hostile_run
    bad, defused, workbooks = [], set(), set()
    for folder in (reports, site):
        for path, title, cell in workbook_cells(folder):
            workbooks.add(path)
            where = f"{path.relative_to(folder.parent)} {title}!{cell.coordinate}: {cell.value!r}"
            if cell.data_type == "f":
                bad.append(where)
            elif isinstance(cell.value, str):
                if dangerous(cell.value):
                    bad.append(where)
                if cell.value.startswith("'") and dangerous(cell.value[1:]):
                    defused.add(cell.value)
    assert not bad, "\n".join(bad[:20])
    # The hostile texts did reach the workbooks (accepted into registries, or echoed back as refused values).
    assert {"'" + HYPERLINK, "'=1+2", "'=1+1", "'@SUM(1)", "'" + DDE} <= defused
    # Every report writer ran: intake feedback and issues, registries, schedule, assignment, monitoring,
    # needs, quality, templates and the filled-in proposal.
    written = [p.relative_to(reports).as_posix() for p in workbooks if p.is_relative_to(reports)]
    for prefix in WRITERS:
        assert any(name.startswith(prefix) for name in written), prefix


def test_no_csv_field_starts_a_formula(hostile_run):
    _inputs, reports, site, _state = hostile_run
    fields = list(csv_fields(reports)) + list(csv_fields(site))
    assert fields, "the run wrote no CSV: open data is missing"
    bad = [f"{path.name}: {field!r}" for path, field in fields if dangerous_field(field)]
    assert not bad, "\n".join(bad[:20])
    assert any(field == "'" + HYPERLINK for _path, field in fields)  # the catalog's title, defused


def test_site_pages_never_carry_input_markup(hostile_run):
    _inputs, _reports, site, _state = hostile_run
    pages = sorted(site.rglob("*.html"))
    assert pages
    carried = [p for p in pages if SCRIPT in (text := p.read_text(encoding="utf-8")) or IMAGE in text]
    assert not carried, [str(p.relative_to(site)) for p in carried[:5]]
    # The title is still shown, as text.
    assert any("&lt;script&gt;alert(1)" in p.read_text(encoding="utf-8") for p in pages)


def test_site_holds_no_restricted_file_and_no_staff_name(hostile_run):
    """The quick check; the site tests scan every page for every personal field."""
    _inputs, _reports, site, _state = hostile_run
    names = [surname for surname, *_ in PEOPLE if surname.startswith("Учителева")] + ["Белова"]
    workbooks = [p for p in site.rglob("*") if p.suffix.lower() in (".xlsx", ".xlsm", ".xls", ".ods")]
    # Only the blank templates operators download are published as workbooks, and they name nobody.
    assert all(p.parent.name == "templates" and p.parent.parent.name == "help" for p in workbooks), workbooks
    assert not [p for p in site.rglob("*") if p.suffix.lower() in (".parquet", ".sqlite", ".pickle", ".db")]
    for path, _title, cell in workbook_cells(site):
        assert not (isinstance(cell.value, str) and any(n in cell.value for n in names)), path
    for path in site.rglob("*"):
        if path.is_file() and path.suffix in (
            ".html",
            ".json",
            ".csv",
            ".xml",
            ".txt",
            ".js",
            ".svg",
            ".ics",
        ):
            text = path.read_text(encoding="utf-8", errors="replace")
            assert not [name for name in names if name in text], path


# --- every writer, directly ------------------------------------------------------------------------------


def test_write_workbook_defuses_every_text_field(tmp_path):
    spec = SheetSpec(
        name="Лист",
        header=list(INJECTIONS),
        rows=[list(INJECTIONS), ["+7 (346) 232-40-46", "-5", -5, 3.5, D(2026, 1, 1)]],
        title="=title()",
        intro=["@intro", "\tintro"],
    )
    path = write_workbook(tmp_path / "out.xlsx", [spec])
    cells = [cell for _p, _t, cell in workbook_cells(tmp_path)]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert not [t for t in texts if dangerous(t)]
    assert "'=title()" in texts and "'" + HYPERLINK in texts
    assert "+7 (346) 232-40-46" in texts and "-5" in texts  # a phone and a signed number stay as typed
    assert path.exists()


def test_write_csv_defuses_every_text_field(tmp_path):
    frame = pd.DataFrame({"text": list(INJECTIONS), "n": range(len(INJECTIONS))})
    write_csv(tmp_path / "out.csv", frame)
    fields = [field for _path, field in csv_fields(tmp_path)]
    assert not [f for f in fields if dangerous_field(f)]
    assert "'" + HYPERLINK in fields


def test_fill_template_defuses_every_text_field(tmp_path):
    config = load_config(base_region(tmp_path / "inputs"))
    template = next(p for p in write_templates(tmp_path / "templates", config) if p.stem == "работники")
    rows = [[text] * len(headers("staff")) for text in INJECTIONS]
    out = fill_template(template, {"Работники": rows}, tmp_path / "filled" / "работники.xlsx")
    cells = [cell for _p, title, cell in workbook_cells(out.parent) if title == "Работники"]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert not [c.value for c in cells if isinstance(c.value, str) and dangerous(c.value)]
    assert "'" + HYPERLINK in {c.value for c in cells}


def test_the_checks_would_catch_a_leak(tmp_path):
    """The scanner itself: a workbook written without the safe writer is caught."""
    book = xlsxwriter.Workbook(str(tmp_path / "leak.xlsx"))
    sheet = book.add_worksheet("Лист")
    sheet.write_formula(0, 0, "=1+1")
    sheet.write_string(1, 0, "@SUM(1)")
    book.close()
    cells = [cell for _p, _t, cell in workbook_cells(tmp_path)]
    assert [c.coordinate for c in cells if c.data_type == "f"] == ["A1"]
    texts = [c.value for c in cells if c.data_type == "s" and dangerous(c.value)]
    assert texts == ["@SUM(1)"]
    (tmp_path / "leak.csv").write_bytes(b"a\nx\r=1+1\n")
    with pytest.raises(AssertionError):
        list(csv_fields(tmp_path))
    assert dangerous_field(" =1") and not dangerous_field("+7 (346) 232-40-46")
