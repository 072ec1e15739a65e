"""Blank templates: every kind's headers, hidden lists behind the drop-downs, instruction, round trips."""

import datetime as dt
import shutil
import subprocess

import numpy as np
import openpyxl
import pandas as pd
import pytest

import pipeline.templates as templates_module
from pipeline import paths
from pipeline.config import great_circle_km, load_config
from pipeline.templates import (
    INSTRUCTION_SHEET,
    LISTS_SHEET,
    LiveLists,
    fill_template,
    live_lists_from_config,
    write_organisation_templates,
    write_templates,
    write_templates_cli,
)
from schemas.columns import columns_of
from schemas.kinds import KINDS, KINDS_BY_SLUG

CONFIG = load_config(paths.ROOT / "no-such-folder")
LIVE = LiveLists(
    municipalities=[m.name for m in CONFIG.municipalities],
    catalog={
        2026: [("ИРО-001", "Старая программа прошлого года")],
        2027: [("ИРО-015", "Функциональная грамотность"), ("СУРГПУ-002", "Цифровая школа")],
    },
    staff={
        "100012": ["Ёлкина Дарья Тимуровна, 1985", "Цой Ли, 1990", "Андреева Ирина, 1970"],
        "100013": ["Захарова Ольга Ивановна, 1979"],
    },
    providers=["СУРГПУ", "ИРО"],
    organisations={"10": ["100012", "100013"], "12": ["120001"]},
    org_logins={"100012": "oo-100012"},
)


@pytest.fixture(scope="module")
def templates(tmp_path_factory):
    out = tmp_path_factory.mktemp("templates")
    return {path.stem: path for path in write_templates(out, CONFIG, LIVE)}


@pytest.fixture(scope="module")
def org_templates(tmp_path_factory):
    out = tmp_path_factory.mktemp("org-templates")
    return write_organisation_templates(out, CONFIG, LIVE, ["100013", "100012"])


def list_values(workbook, formula: str) -> list[str]:
    """The values of a list validation's source range on the lists sheet."""
    sheet_name, _, cells = formula.lstrip("=").partition("!")
    assert sheet_name.strip("'") == LISTS_SHEET
    return [row[0].value for row in workbook[LISTS_SHEET][cells.replace("$", "")]]


def validation_of(sheet, col: int):
    """The data validation covering data rows 2..1000 of a column (1-based), or None."""
    for validation in sheet.data_validations.dataValidation:
        for cells in validation.sqref.ranges:
            if cells.min_col <= col <= cells.max_col and cells.min_row <= 2 and cells.max_row >= 1000:
                return validation
    return None


def column_format(sheet, col: int) -> str:
    """The number format of a column (1-based); neighbours of equal width and format share one entry."""
    for dimension in sheet.column_dimensions.values():
        if dimension.min <= col <= dimension.max:
            return dimension.number_format
    return "General"


def instruction_texts(workbook) -> set[str]:
    return {str(c) for row in workbook[INSTRUCTION_SHEET].iter_rows(values_only=True) for c in row if c}


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.slug)
def test_template_has_the_schema_headers_and_hidden_lists(templates, kind):
    workbook = openpyxl.load_workbook(templates[kind.file_word])
    assert workbook.sheetnames == [INSTRUCTION_SHEET, *[s.title for s in kind.sheets], LISTS_SHEET]
    assert workbook[LISTS_SHEET].sheet_state == "hidden"
    assert workbook.active.title == INSTRUCTION_SHEET
    for sheet in kind.sheets:
        data = workbook[sheet.title]
        headers = [c.header for c in columns_of(sheet.model)]
        assert [c.value for c in data[1]] == headers
        assert data.freeze_panes == "A2"
        assert data.max_row == 1  # blank: nothing under the header


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.slug)
def test_closed_list_columns_offer_exactly_their_list(templates, kind):
    workbook = openpyxl.load_workbook(templates[kind.file_word])
    for sheet in kind.sheets:
        data = workbook[sheet.title]
        for i, col in enumerate(columns_of(sheet.model), start=1):
            if col.kind not in ("enum", "multienum"):
                continue
            validation = validation_of(data, i)
            assert validation is not None and validation.type == "list", col.header
            assert list_values(workbook, validation.formula1) == list(col.values), col.header
            assert validation.errorStyle == "warning"
            if col.kind == "multienum":
                assert "«; »" in validation.prompt


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.slug)
def test_code_and_text_columns_are_text_and_dates_are_dates(templates, kind):
    workbook = openpyxl.load_workbook(templates[kind.file_word])
    for sheet in kind.sheets:
        data = workbook[sheet.title]
        for i, col in enumerate(columns_of(sheet.model), start=1):
            number_format = column_format(data, i)
            if col.kind in ("code", "text", "name", "enum", "login", "email", "phone"):
                assert number_format == "@", col.header
            if col.kind == "date":
                assert number_format == "dd.mm.yyyy", col.header
                validation = validation_of(data, i)
                assert validation.type == "date" and validation.errorStyle == "warning", col.header


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.slug)
def test_instruction_explains_every_column_the_deadline_and_the_file_name(templates, kind):
    workbook = openpyxl.load_workbook(templates[kind.file_word])
    texts = instruction_texts(workbook)
    for sheet in kind.sheets:
        for col in columns_of(sheet.model):
            assert col.header in texts
    whole = "\n".join(texts)
    assert kind.description in whole
    assert f" {kind.file_word}" in whole
    if kind.deadline in ("catalog", "applications", "schedule"):
        due = CONFIG.deadline(kind.deadline, max(CONFIG.plan_years))
        assert f"до {due:%d.%m.%Y}" in whole and "года, предшествующего плановому" in whole
    if kind.period == "quarter":
        assert " 2027 1кв.xlsx" in whole


def test_applications_offer_the_latest_catalog_places_and_municipalities(templates):
    workbook = openpyxl.load_workbook(templates["заявки"])
    data = workbook["Заявки"]
    headers = [c.value for c in data[1]]
    program = validation_of(data, headers.index("Код программы") + 1)
    assert list_values(workbook, program.formula1) == ["ИРО-015", "СУРГПУ-002"]
    place = validation_of(data, headers.index("Предпочтительное место обучения") + 1)
    assert list_values(workbook, place.formula1) == LIVE.municipalities + ["дистанционно"]
    assert "Функциональная грамотность" in instruction_texts(workbook)  # codes explained by title
    organisations = openpyxl.load_workbook(templates["организации"])["Организации"]
    municipality = validation_of(
        organisations, [c.value for c in organisations[1]].index("Муниципальное образование") + 1
    )
    assert municipality.type == "list"


def test_generic_templates_hold_no_personal_data(templates):
    names = {"Ёлкина", "Цой", "Захарова", "Тимуровна", "Дарья"}
    for path in templates.values():
        workbook = openpyxl.load_workbook(path)
        for sheet in workbook:
            cells = {c for row in sheet.iter_rows(values_only=True) for c in row if isinstance(c, str)}
            assert not names & cells, (path.name, sheet.title)


def test_organisation_template_offers_its_own_staff_only(org_templates):
    by_folder = {path.parent.name: path for path in org_templates}
    assert set(by_folder) == {"oo-100012", "100013"}
    assert all(path.name == "заявки.xlsx" for path in org_templates)
    workbook = openpyxl.load_workbook(by_folder["oo-100012"])
    data = workbook["Заявки"]
    headers = [c.value for c in data[1]]
    assert headers == [c.header for c in columns_of(KINDS_BY_SLUG["applications"].main_sheet.model)]

    def offered(header):
        return list_values(workbook, validation_of(data, headers.index(header) + 1).formula1)

    assert offered("Фамилия") == ["Андреева", "Ёлкина", "Цой"]  # Ё among the Е
    assert offered("Имя") == ["Дарья", "Ирина", "Ли"]
    assert offered("Отчество") == ["Тимуровна"]
    assert offered("Год рождения") == ["1970", "1985", "1990"]
    assert offered("Код ОО") == ["100012"]
    everything = {c for sheet in workbook for row in sheet.iter_rows(values_only=True) for c in row}
    assert "Захарова" not in everything


def test_a_form_points_to_a_catalog_too_long_to_list(tmp_path, monkeypatch):
    """Above FORM_CATALOG_LIMIT programs an organisation's form carries no catalog (it would grow as
    organisations times programs): its program column and instruction say where the codes are. The blank
    template still lists them all, and the form's staff lists are as before."""
    monkeypatch.setattr(templates_module, "FORM_CATALOG_LIMIT", 1)
    [form] = write_organisation_templates(tmp_path / "forms", CONFIG, LIVE, ["100012"])
    workbook = openpyxl.load_workbook(form)
    data = workbook["Заявки"]
    headers = [c.value for c in data[1]]
    program = validation_of(data, headers.index("Код программы") + 1)
    assert program.type is None and "Каталог программ" in program.prompt  # a hint, no list
    texts = instruction_texts(workbook)
    assert "Функциональная грамотность" not in texts
    assert any("Коды программ каталога на 2027 год в этот файл не включены" in t for t in texts)
    assert not any(
        "ИРО-015" in str(c) for row in workbook[LISTS_SHEET].iter_rows(values_only=True) for c in row
    )
    surname = validation_of(data, headers.index("Фамилия") + 1)
    assert list_values(workbook, surname.formula1) == ["Андреева", "Ёлкина", "Цой"]
    blank = openpyxl.load_workbook(
        write_templates(tmp_path / "blank", CONFIG, LIVE)[-1].with_name("заявки.xlsx")
    )
    assert "Функциональная грамотность" in instruction_texts(blank)


def test_a_form_offers_the_places_nearest_to_its_organisation_in_a_region_of_too_many(tmp_path, monkeypatch):
    """Above FORM_PLACES_LIMIT municipalities an organisation's form offers its own municipality, the nearest
    ones and remote study (a country's 1,870 in each of 45,000 forms would grow as their product); a place
    beyond them may still be typed, and the blank template lists every one."""
    monkeypatch.setattr(templates_module, "FORM_PLACES_LIMIT", 3)
    monkeypatch.setattr(templates_module, "FORM_NEAREST_PLACES", 2)
    by_code = {m.code: m for m in CONFIG.municipalities}
    home = by_code["10"]
    others = sorted(
        (great_circle_km(home.lat, home.lon, m.lat, m.lon), m.name)
        for m in CONFIG.municipalities
        if m is not home
    )
    [form] = write_organisation_templates(tmp_path / "forms", CONFIG, LIVE, ["100012"])
    workbook = openpyxl.load_workbook(form)
    data = workbook["Заявки"]
    headers = [c.value for c in data[1]]
    place = validation_of(data, headers.index("Предпочтительное место обучения") + 1)
    assert list_values(workbook, place.formula1) == [home.name, others[0][1], others[1][1], "дистанционно"]
    assert place.errorStyle == "warning" and "Да" in place.error
    texts = instruction_texts(workbook)
    assert any("2 ближайших к нему" in t for t in texts)
    blank = openpyxl.load_workbook(
        write_templates(tmp_path / "blank", CONFIG, LIVE)[-1].with_name("заявки.xlsx")
    )
    sheet = blank["Заявки"]
    blank_place = validation_of(sheet, headers.index("Предпочтительное место обучения") + 1)
    assert len(list_values(blank, blank_place.formula1)) == len(CONFIG.municipalities) + 1


def test_same_inputs_write_identical_bytes(tmp_path):
    first = write_templates(tmp_path / "a", CONFIG, LIVE) + write_organisation_templates(
        tmp_path / "a" / "oo", CONFIG, LIVE, ["100012"]
    )
    second = write_templates(tmp_path / "b", CONFIG, LIVE) + write_organisation_templates(
        tmp_path / "b" / "oo", CONFIG, LIVE, ["100012"]
    )
    assert len(first) == len(KINDS) + 1
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_cli_writes_every_kind_from_the_config_alone(tmp_path, capsys):
    assert write_templates_cli(tmp_path / "out", tmp_path / "no-inputs") == 0
    printed = capsys.readouterr().out.split("\n")
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert written == sorted(f"{k.file_word}.xlsx" for k in KINDS)
    assert len([line for line in printed if line.endswith(".xlsx")]) == len(KINDS)
    workbook = openpyxl.load_workbook(tmp_path / "out" / "заявки.xlsx")
    assert [c.value for c in workbook[LISTS_SHEET][1]] == ["Места обучения", "Период"]
    assert live_lists_from_config(CONFIG).municipalities[0] == "Когалым"


def test_filled_template_keeps_text_dates_and_validations(templates, tmp_path):
    row = ["0012", "Петрова", "Анна", "", 1985, "ИРО-015", "=1+1", "II квартал", dt.date(2026, 10, 1)]
    frame_row = [
        "100012",
        "Ким",
        "Ли",
        pd.NA,
        np.int64(1990),
        "ИРО-015",
        None,
        float("nan"),
        pd.Timestamp("2026-10-02"),
    ]
    out = fill_template(
        templates["заявки"], {"Заявки": [row, frame_row]}, tmp_path / "2026-10-01 заявки 2027.xlsx"
    )
    workbook = openpyxl.load_workbook(out)
    data = workbook["Заявки"]
    assert [c.value for c in data[2]][:3] == ["0012", "Петрова", "Анна"]
    assert data["A2"].number_format == "@"
    assert data["D2"].value is None and data["E2"].value == 1985
    assert data["G2"].value == "'=1+1" and data["G2"].data_type == "s"  # never a formula
    assert data["I2"].value == dt.datetime(2026, 10, 1) and data["I2"].number_format == "dd.mm.yyyy"
    assert [c.value for c in data[3]] == [
        "100012",
        "Ким",
        "Ли",
        None,
        1990,
        "ИРО-015",
        None,
        None,
        dt.datetime(2026, 10, 2),
    ]
    assert data.max_row == 3
    assert validation_of(data, 8).type == "list"
    assert workbook[LISTS_SHEET].sheet_state == "hidden"
    with pytest.raises(KeyError):
        fill_template(templates["заявки"], {"Нет такого листа": [row]}, tmp_path / "x.xlsx")
    with pytest.raises(ValueError):
        fill_template(templates["заявки"], {"Заявки": [row + ["лишнее"]]}, tmp_path / "x.xlsx")


def test_header_cells_carry_the_column_description(templates):
    workbook = openpyxl.load_workbook(templates["работники"])
    columns = columns_of(KINDS_BY_SLUG["staff"].main_sheet.model)
    for cell, col in zip(workbook["Работники"][1], columns, strict=True):
        assert cell.comment is not None and col.description in cell.comment.text


def test_cli_reports_a_broken_region_config_in_russian(tmp_path, capsys):
    (tmp_path / "region.yaml").write_text("region: [", encoding="utf-8")
    assert write_templates_cli(tmp_path / "out", tmp_path) == 2
    assert "не читается" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_round_trip_keeps_sheets_and_headers(templates, tmp_path):
    out = tmp_path / "converted"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path}/lo-profile",
            "--headless",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(out),
            *[str(p) for p in sorted(templates.values())],
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    for kind in KINDS:
        original = openpyxl.load_workbook(templates[kind.file_word])
        converted = openpyxl.load_workbook(out / f"{kind.file_word}.xlsx")
        assert converted.sheetnames == original.sheetnames
        assert converted[LISTS_SHEET].sheet_state == "hidden"
        for sheet in kind.sheets:
            assert [c.value for c in converted[sheet.title][1]] == [c.value for c in original[sheet.title][1]]
