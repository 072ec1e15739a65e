"""The public site built by the real pipeline from the committed demo region, checked as files and in Chromium."""

import html
import re
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pandas as pd
import pytest
from python_calamine import CalamineWorkbook

from pipeline import paths
from pipeline.config import load_config
from pipeline.publish.changes import changes_since
from pipeline.publish.figures import key_figures
from pipeline.publish.model import YearView
from pipeline.publish.open_data import open_tables
from pipeline.publish.render import slug
from pipeline.publish.sections import SECTIONS
from pipeline.publish.stage import previous_open_data
from pipeline.run import RunContext, run_stages
from tests.browser import static_server

# One worker builds the site once; every test of the module reads that build.
pytestmark = pytest.mark.xdist_group("site_pipeline")

TEXT_SUFFIXES = {".html", ".json", ".csv", ".ics", ".xml", ".js", ".txt", ".md", ".yml"}


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """The whole cycle on inputs/ into temporary folders, the site included."""
    root = tmp_path_factory.mktemp("pipeline-site")
    config = load_config(paths.INPUTS)
    ctx = RunContext(
        config=config,
        inputs=paths.INPUTS,
        reports=root / "reports",
        site=root / "site",
        as_of=config.as_of or date.min,
        build_site=True,
    )
    ctx.reports.mkdir()
    state = run_stages(ctx)
    return ctx, state


@pytest.fixture(scope="module")
def site(run) -> Path:
    return run[0].site


@pytest.fixture(scope="module")
def model(run):
    return run[1]["site_model"]


def page_text(path: Path) -> str:
    raw = path.read_text(encoding="utf-8")
    raw = re.sub(r"<(script|style)\b.*?</\1>", " ", raw, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", raw)).split())


# --- open data, calendars, personal data: files


def test_every_plan_year_has_every_section(site, model):
    for year in model.plan_years:
        for section in SECTIONS:
            if all(name in model.frames_of(year) for name in section.needs):
                index = Path(section.index)
                built = (
                    site / str(year) / (index.parent if index.name == "index.md" else index.with_suffix(""))
                )
                assert (built / "index.html").exists(), (year, section.title)


def test_datapackage_of_every_year_passes_frictionless_validate(site, model):
    from frictionless import validate

    for year in model.plan_years:
        report = validate(site / str(year) / "data" / "datapackage.json")
        assert report.valid, report.flatten(["resourcePath", "rowNumber", "fieldName", "type", "note"])[:10]
        tables = {t.name for t in report.tasks}
        assert tables >= {"catalog", "schedule", "providers"}
        # The staff registry's present state is published in the current plan year's version only.
        assert ("municipality_stats" in tables) == (year == model.latest_year)


def test_open_data_holds_the_frames_rows_with_iso_dates(site, model):
    year = model.latest_year
    frames = model.frames_of(year)
    catalog = pd.read_csv(site / str(year) / "data" / "catalog.csv", dtype=str)
    assert sorted(catalog["program_code"]) == sorted(frames["catalog"]["program_code"])
    schedule = pd.read_json(site / str(year) / "data" / "schedule.json", dtype=False)
    assert len(schedule) == len(frames["schedule"])
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", d) for d in schedule["start_date"])


def _vobject_calendar(path: Path):
    vobject = pytest.importorskip("vobject")  # an independent reader; the site writes with icalendar
    return vobject.readOne(path.read_text(encoding="utf-8"))


def test_ics_files_parse_with_an_independent_reader_and_match_the_schedule(site, model):
    year = model.latest_year
    schedule = model.frames_of(year)["schedule"]
    folder = site / str(year) / "schedule" / "ics"
    region = _vobject_calendar(folder / "region.ics")
    events = {e.uid.value: e for e in region.vevent_list}
    assert len(events) == len(schedule)
    for g in schedule.itertuples():
        event = events[f"{year}-{slug(g.group_code)}@asupk.{slug(model.config.short_name)}"]
        assert event.dtstart.value == g.start_date.date()
        assert event.dtend.value == g.end_date.date() + timedelta(days=1)  # exclusive end of an all-day event
        assert g.group_code in event.summary.value
    for code, groups in schedule.groupby("program_code"):
        program = _vobject_calendar(folder / f"{slug(code)}.ics")
        assert sorted(e.summary.value for e in program.vevent_list) == sorted(
            f"{t} (группа {c})" for t, c in zip(groups["title"], groups["group_code"], strict=True)
        )
    for m in model.config.municipalities:
        held = schedule[schedule["place_code"] == m.code]
        assert len(getattr(_vobject_calendar(folder / f"{m.code}.ics"), "vevent_list", [])) == len(held)


def _people_of_inputs() -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """(surname, first name) and (surname, birth year) of everyone the input workbooks name."""
    names, years = set(), set()
    for path in sorted(paths.INPUTS.rglob("*.xlsx")):
        workbook = CalamineWorkbook.from_path(str(path))
        for sheet_name in workbook.sheet_names:
            rows = workbook.get_sheet_by_name(sheet_name).to_python()
            if not rows:
                continue
            header = [str(h).strip() for h in rows[0]]
            if "Фамилия" in header and "Имя" in header:
                s, f = header.index("Фамилия"), header.index("Имя")
                y = header.index("Год рождения") if "Год рождения" in header else None
                for row in rows[1:]:
                    surname, first = _norm(row[s]), _norm(row[f])
                    if surname and first:
                        names.add((surname, first))
                    if surname and y is not None and str(row[y]).strip():
                        years.add((surname, str(row[y]).strip().removesuffix(".0")))
            if "ФИО ответственного лица" in header:
                column = header.index("ФИО ответственного лица")
                for row in rows[1:]:
                    parts = _norm(row[column]).split()
                    if len(parts) >= 2:
                        names.add((parts[0], parts[1]))
    return names, years


def _norm(value: object) -> str:
    return " ".join(str(value or "").lower().replace("ё", "е").split())


def _readable(path: Path) -> str:
    """What the file says, whatever its format: ICS lines unfolded, entities and tags undone, spaces folded."""
    raw = path.read_text(encoding="utf-8", errors="replace")
    raw = re.sub(r"\r?\n[ \t]", "", raw)
    raw = html.unescape(re.sub(r"<[^>]+>", " ", raw)).replace("\\n", " ")
    return " ".join(re.sub(r"[\"\\,;:|()\[\]{}]", " ", raw).lower().replace("ё", "е").split())


def _people_by_surname() -> dict[str, list[tuple[str, str]]]:
    names, years = _people_of_inputs()
    assert len(names) > 300 and len(years) > 300  # the demo region names its teachers
    by_surname: dict[str, list] = {}
    for surname, first in names:
        by_surname.setdefault(surname, []).append(("name", first))
    for surname, year in years:
        by_surname.setdefault(surname, []).append(("year", year))
    return by_surname


def _leaks(path: Path, by_surname: dict[str, list[tuple[str, str]]]) -> list[tuple[str, str]]:
    """(surname, first name or birth year) of every person the file names."""
    text = _readable(path)
    words = set(re.findall(r"[а-яa-z0-9-]+", text))
    found = []
    for surname in sorted(by_surname.keys() & words):
        for what, other in by_surname[surname]:
            if other not in words:
                continue
            if what == "name" and (f"{surname} {other}" in text or f"{other} {surname}" in text):
                found.append((surname, other))
            near = rf"\b{re.escape(surname)}\b.{{0,120}}\b{other}\b|\b{other}\b.{{0,120}}\b{re.escape(surname)}\b"
            if what == "year" and re.search(near, text):
                found.append((surname, other))
    return found


def test_no_staff_name_or_birth_year_of_the_inputs_anywhere_in_the_site(site, tmp_path):
    by_surname = _people_by_surname()
    surname, (what, first) = next(
        (s, p) for s, people in sorted(by_surname.items()) for p in people if p[0] == "name"
    )
    planted = tmp_path / "planted.html"  # the scan must see a name however a page spells it
    planted.write_text(f"<td>{surname.title()}&nbsp;<b>{first.title()}</b></td>", encoding="utf-8")
    assert _leaks(planted, by_surname) == [(surname, first)]
    files = [p for p in site.rglob("*") if p.is_file() and p.suffix in TEXT_SUFFIXES]
    assert any(p.name == "search_index.json" for p in files) and any(p.suffix == ".ics" for p in files)
    assert any(p.suffix == ".csv" for p in files) and any(p.name == "datapackage.json" for p in files)
    found = [(str(p.relative_to(site)), *leak) for p in files for leak in _leaks(p, by_surname)]
    assert found == []


def test_the_first_build_says_so_and_the_same_data_again_changes_nothing(site, model):
    year = model.latest_year
    assert "Это первая публикация сведений" in page_text(site / str(year) / "index.html")
    previous = previous_open_data(site, model.plan_years)
    assert sorted(previous) == sorted(model.plan_years)
    view = YearView(model, year, model.frames_of(year))
    tables = open_tables(view, key_figures(view))
    assert changes_since(tables, previous[year]) == []
    moved = {name: [dict(r) for r in rows] for name, rows in previous[year].items()}
    moved["schedule"][0]["start_date"] = "2000-01-01"
    moved["catalog"] = moved["catalog"][1:]
    lines = changes_since(tables, moved)
    assert any(
        line.startswith(f"Группа {moved['schedule'][0]['group_code']}: начало 01.01.2000") for line in lines
    )
    assert any("добавлена" in line and previous[year]["catalog"][0]["program_code"] in line for line in lines)


def test_schedule_page_states_its_approval(site, model):
    for year in model.plan_years:
        status = model.frames_of(year)["schedule_status"].iloc[0]
        text = page_text(site / str(year) / "schedule" / "index.html")
        if status["status"] == "утверждён":
            assert f"утверждён приказом № {status['order_number']} от {status['order_date']:%d.%m.%Y}" in text
        else:
            assert "Статус: проект" in text


# --- in the browser


@pytest.fixture(scope="module")
def server(site):
    with static_server(site) as base:
        yield base


@pytest.mark.browser
def test_catalog_filter_by_municipality_narrows_the_list(page, model):
    year = model.latest_year
    catalog = model.frames_of(year)["catalog"]
    name = "Когалым"
    expected = sorted(
        catalog.loc[
            catalog["places"].map(
                lambda v: bool({name, "все муниципалитеты"} & {p.strip() for p in v.split(";")})
            ),
            "program_code",
        ]
    )
    assert 0 < len(expected) < len(catalog)
    page.goto(f"{page.base}/{year}/catalog/")
    rows = page.locator(".md-content table tbody tr:not([hidden])")
    assert rows.count() == len(catalog)
    page.select_option("select[data-column='Где проходит']", name)
    shown = sorted(rows.nth(i).locator("td").first.inner_text().strip() for i in range(rows.count()))
    assert shown == expected
    page.select_option("select[data-column='Часов']", "0-36")
    short = sorted(
        catalog.loc[catalog["program_code"].isin(expected) & (catalog["hours"] <= 36), "program_code"]
    )
    assert rows.count() == len(short)


@pytest.mark.browser
def test_a_municipality_page_shows_the_groups_held_there_and_those_its_teachers_attend(page, model):
    year = model.latest_year
    frames = model.frames_of(year)
    schedule = frames["schedule"]
    code = schedule.loc[schedule["place_code"] != "дистанционно", "place_code"].value_counts().index[0]
    held = sorted(schedule.loc[schedule["place_code"] == code, "group_code"])
    attended = sorted(frames["group_municipalities"].query("municipality == @code")["group_code"])
    page.goto(f"{page.base}/{year}/municipalities/{code}/")
    assert sorted(_first_cells_after(page, "Учебные группы в муниципальном образовании")) == held
    # The groups its teachers attend, wherever they meet: counted here, listed on a page of their own.
    assert f": {len(attended)}." in page.locator(".md-content").inner_text()
    page.get_by_role("link", name="Список групп с местом, датами и числом педагогов").click()
    page.wait_for_url(f"**/{year}/municipalities/{code}-groups/")
    assert sorted(_first_cells_after(page, "Группы, в которых учатся педагоги")) == attended


def _first_cells_after(page, heading: str) -> list[str]:
    """The first column of the table under the h2 that starts with heading (up to the next h2)."""
    return page.evaluate(
        """heading => {
            const h2 = [...document.querySelectorAll('.md-content h2')]
                .find(h => h.textContent.trim().startsWith(heading));
            for (let el = h2 && h2.nextElementSibling; el && el.tagName !== 'H2'; el = el.nextElementSibling) {
                const table = el.tagName === 'TABLE' ? el : el.querySelector('table');
                if (table) return [...table.tBodies[0].rows].map(r => r.cells[0].textContent.trim());
            }
            return null;
        }""",
        heading,
    )


@pytest.mark.browser
def test_schedule_calendar_shows_every_group_in_its_months(page, model):
    """Each month's page draws the groups that meet in it; together the tables list every group once."""
    year = model.latest_year
    schedule = model.frames_of(year)["schedule"]
    page.goto(f"{page.base}/{year}/schedule/")
    linked = page.eval_on_selector_all(
        "article table a[href]", "links => links.map(a => a.getAttribute('href'))"
    )
    bars, listed, expected = [], [], 0
    for month in range(1, 13):
        first = pd.Timestamp(year, month, 1)
        last = first + pd.offsets.MonthEnd(0)
        active = int(((schedule["start_date"] <= last) & (schedule["end_date"] >= first)).sum())
        expected += active
        if not active:
            continue
        assert f"{month:02d}/" in linked
        page.goto(f"{page.base}/{year}/schedule/{month:02d}/")
        assert page.locator("svg.schedule-month").first.is_visible()
        bars += page.eval_on_selector_all(
            "svg.schedule-month a text", "labels => labels.map(t => t.textContent)"
        )
        listed += page.eval_on_selector_all(
            "article table tbody tr td:first-child", "cells => cells.map(c => c.textContent)"
        )
    assert len(bars) == expected and set(bars) == set(schedule["group_code"])
    assert sorted(listed) == sorted(schedule["group_code"])
    catalog = page.eval_on_selector("svg.schedule-month a[href]", "a => a.getAttribute('href')")
    page.goto(urljoin(page.url, catalog))
    assert page.locator("h1").count() == 1 and "/catalog/" in page.url


@pytest.mark.browser
def test_version_selector_switches_between_plan_years(page, model):
    newest, older = model.latest_year, sorted(model.plan_years)[-2]
    page.goto(f"{page.base}/{newest}/schedule/")
    page.wait_for_selector(".md-version__current")
    assert page.inner_text(".md-version__current").startswith(str(newest))
    page.hover(".md-version")
    with page.expect_navigation():
        page.click(f".md-version__link:has-text('{older}')")
    page.wait_for_selector(".md-version__current")
    assert f"/{older}/" in page.url and page.inner_text(".md-version__current").startswith(str(older))


@pytest.mark.browser
def test_no_request_leaves_the_local_server_on_any_section(page, browser_context, model):
    year = model.latest_year
    visited = ["/"]
    for section in SECTIONS:
        index = Path(section.index)
        visited.append(f"/{year}/" + ("" if str(index.parent) == "." else f"{index.parent}/"))
    for path in visited:
        page.goto(page.base + path)
        page.wait_for_load_state("networkidle")
        assert page.locator("h1").count() == 1, path
    seen = browser_context.requests
    assert len(seen) > 30
    foreign = [
        u for u in seen if urlsplit(u).scheme not in ("data", "blob") and urlsplit(u).hostname != "127.0.0.1"
    ]
    assert foreign == []
