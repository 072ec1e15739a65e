"""The public site: built for real with mkdocs (strict), then read in headless Chromium from a local server."""

import html
import re
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import pandas as pd
import pytest
from mkdocs.exceptions import Abort

from pipeline import paths
from pipeline.config import load_config
from pipeline.publish import PersonalDataError, SiteModel, assert_public, build_site, small_count
from pipeline.publish.home import CURRENT, DONE, UPCOMING, cycle_stages
from pipeline.publish.sections import SECTIONS, Section
from schemas.columns import columns_of
from schemas.kinds import KINDS
from tests.browser import static_server

YEARS = (2026, 2027)


def region():
    return load_config(paths.ROOT / "no-such-folder")


def catalog_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "program_code": ["ИРО-001", "ИРО-002", "СурГПУ-010"],
            "title": [
                "Цифровое образование в современной школе",
                "Методическая копилка: учитель начальных классов и читательская грамотность",
                "Психолого-педагогическое сопровождение обучающихся",
            ],
            "provider_code": ["ИРО", "ИРО", "СурГПУ"],
            "provider_name": ["Институт развития образования", "Институт развития образования", "СурГПУ"],
            "hours": [72, 36, 260],
            "distance": ["да", "да", "нет"],
            "applications": [12, 3, 0],
            "form": ["очная", "заочная", "очно-заочная"],
            "audience": ["учитель; заместитель руководителя", "учитель", "педагог-психолог"],
            "annotation": [
                "Программа о цифровых инструментах урока и электронном журнале.",
                "Приёмы смыслового чтения на уроках в первом-четвёртом классах.",
                "Переподготовка для работы педагогом-психологом в школе и детском саду.",
            ],
            "places": ["Сургут; дистанционно", "все муниципалитеты", "Сургут"],
            "program_type": [
                "повышение квалификации",
                "повышение квалификации",
                "профессиональная переподготовка",
            ],
        }
    )


def schedule_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "group_code": ["ИРО-001-1", "ИРО-002-1", "ИРО-002-2"],
            "program_code": ["ИРО-001", "ИРО-002", "ИРО-002"],
            "title": [
                "Цифровое образование в современной школе",
                "Методическая копилка",
                "Методическая копилка",
            ],
            "provider_code": ["ИРО", "ИРО", "ИРО"],
            "provider_name": ["Институт развития образования"] * 3,
            "place": ["Сургут", "Нижневартовск", "Сургут"],
            "place_code": ["10", "05", "10"],
            "start_date": pd.to_datetime(["2027-02-01", "2027-03-01", "2027-09-06"]),
            "end_date": pd.to_datetime(["2027-02-10", "2027-03-05", "2027-09-10"]),
            "capacity": pd.array([25, 20, 3], dtype="Int64"),
            "listeners": pd.array([20, 2, 3], dtype="Int64"),
            "status": ["проект"] * 3,
        }
    )


def site_model(templates_dir: Path | None = None) -> SiteModel:
    config = region()
    stats = pd.DataFrame(
        {
            "municipality_code": [m.code for m in config.municipalities],
            "name": [m.name for m in config.municipalities],
            "organisations": [10 + i for i in range(22)],
            "staff": [100 + i for i in range(22)],
            "due": [30 + i for i in range(22)],
            "applied": [i * 2 for i in range(22)],
            "applications": [i * 3 for i in range(22)],
            "share_applied": [0.1] * 22,
        }
    )
    frames = {
        2026: {
            "catalog": catalog_frame().iloc[:1],
            "placement": pd.DataFrame({"municipality": ["10"], "placed": [7], "unplaced": [2]}),
        },
        2027: {"catalog": catalog_frame(), "schedule": schedule_frame(), "municipality_stats": stats},
    }
    return SiteModel(config, date(2026, 11, 2), YEARS, frames, templates_dir)


def page_text(path: Path) -> str:
    """What a reader sees of a built page: tags dropped, entities decoded, whitespace folded."""
    raw = path.read_text(encoding="utf-8")
    raw = re.sub(r"<(script|style)\b.*?</\1>", " ", raw, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", raw)).split())


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("site")
    templates = root / "templates-in"
    templates.mkdir()
    (templates / "заявки.xlsx").write_bytes(b"PK\x03\x04 template of applications")
    (templates / "утверждение плана-графика.xlsx").write_bytes(b"PK\x03\x04 template of approval")
    build_site(site_model(templates), root / "site", root / "work")
    return root / "site"


# --- guards and pieces, no browser


def test_a_frame_with_a_personal_column_is_refused():
    frame = pd.DataFrame({"org_code": ["100012"], "surname": ["Петрова"], "birth_year": [1985]})
    with pytest.raises(PersonalDataError, match="birth_year"):
        assert_public(frame, "staff")
    with pytest.raises(PersonalDataError, match="Год рождения"):
        assert_public(pd.DataFrame({"Год рождения": [1985]}))
    assert assert_public(frame[["org_code"]]) is not None


def test_build_refuses_a_model_carrying_personal_data(tmp_path):
    model = site_model()
    model.frames[2027]["staff"] = pd.DataFrame({"first_name": ["Анна"], "staff": [1]})
    with pytest.raises(PersonalDataError):
        build_site(model, tmp_path / "site", tmp_path / "work")
    assert not (tmp_path / "site").exists()


def test_small_counts_of_people_are_hidden():
    assert [small_count(n) for n in (0, 1, 4, 5, 1234)] == ["0", "<5", "<5", "5", "1\u00a0234"]
    assert small_count(2, threshold=3) == "<3" and small_count(None) == ""


def test_cycle_stands_at_applications_in_early_autumn():
    stages = cycle_stages(region(), 2027, date(2026, 9, 1))
    assert [s.status for s in stages] == [DONE, CURRENT, UPCOMING, UPCOMING]
    assert stages[0].deadlines == (date(2026, 6, 15),)
    assert stages[3].deadlines[-1] == date(2028, 1, 10)


def test_home_page_shows_the_cycle_and_key_figures(built):
    text = page_text(built / "2027" / "index.html")
    assert "Ханты-Мансийский автономный округ – Югра" in text and "02.11.2026" in text
    assert "15.10.2026 идёт сейчас" not in text  # applications closed on 15.10, schedule is current
    assert "15.12.2026 идёт сейчас" in text and "15.06.2026 выполнено" in text
    assert "Программ в каталоге 3" in text and "Муниципальных образований 22" in text


def test_absent_frames_leave_their_section_out(built):
    assert (built / "2027" / "catalog" / "iro-002" / "index.html").exists()
    assert not (built / "2026" / "catalog" / "iro-002").exists()
    assert "Учебные группы" not in page_text(built / "2026" / "municipalities" / "10" / "index.html")


def test_small_counts_on_municipality_pages(built):
    text = page_text(built / "2027" / "municipalities" / "index.html")
    # organisations, staff, due, applied, applications, three-year coverage: Когалым has 0 applications,
    # Лангепас 2 applicants and 3 applications (both hidden), Мегион 4 applicants (hidden) and 6 applications
    assert "Когалым городской округ Когалым 10 100 30 0 0 70 %" in text
    assert "Лангепас городской округ Лангепас 11 101 31 <5 <5 69 %" in text
    assert "Мегион городской округ Мегион 12 102 32 <5 6 69 %" in text


def test_an_earlier_years_municipality_page_points_to_the_current_version_for_the_staff(built):
    earlier = page_text(built / "2026" / "municipalities" / "10" / "index.html")
    assert "Заявок с местом в группе 7" in earlier and "Заявок без места в группе <5" in earlier
    assert "Педагогических работников" not in earlier
    assert "показаны в версии сайта текущего планового года" in earlier
    assert "показаны в версии сайта текущего планового года" in page_text(
        built / "2026" / "municipalities" / "index.html"
    )
    current = page_text(built / "2027" / "municipalities" / "10" / "index.html")
    assert re.search(r"Педагогических работников \d+", current)
    assert "показаны в версии сайта текущего планового года" not in current


def test_help_page_holds_every_column_of_every_schema(built):
    text = page_text(built / "2027" / "help" / "index.html")
    missing = [
        (kind.slug, info.header)
        for kind in KINDS
        for sheet in kind.sheets
        for info in columns_of(sheet.model)
        if info.header not in text or " ".join(info.description.split()) not in text
    ]
    assert missing == []
    assert "Выберите значение из списка: …" in text  # a common error, placeholders shown as «…»
    assert "педагог-психолог" in text  # the closed list of positions


def test_help_page_links_the_templates_to_their_kinds(built):
    page = (built / "2027" / "help" / "index.html").read_text(encoding="utf-8")
    assert (built / "2027" / "help" / "templates" / "заявки.xlsx").read_bytes().startswith(b"PK")
    assert page.count('href="templates/%D0%B7%D0%B0%D1%8F%D0%B2%D0%BA%D0%B8.xlsx"') >= 2  # list and kind


def test_versions_json_is_what_mike_writes(built):
    import json

    versions = json.loads((built / "versions.json").read_text(encoding="utf-8"))
    assert versions == [
        {"version": "2027", "title": "2027 (плановый год)", "aliases": ["latest"]},
        {"version": "2026", "title": "2026 (плановый год)", "aliases": []},
    ]
    assert "url=2027/" in (built / "index.html").read_text(encoding="utf-8")


def test_no_external_reference_in_any_built_file(built):
    pattern = re.compile(r"""(?:src|href)\s*=\s*["'](?:https?:)?//""")
    offenders = [
        str(p.relative_to(built))
        for p in built.rglob("*.html")
        if pattern.search(p.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_rebuild_is_byte_identical(tmp_path):
    build_site(site_model(), tmp_path / "a", tmp_path / "work-a")
    build_site(site_model(), tmp_path / "b", tmp_path / "work-b")
    files_a = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*") if p.is_file())
    assert files_a == files_b
    assert [
        f for f in files_a if (tmp_path / "a" / f).read_bytes() != (tmp_path / "b" / f).read_bytes()
    ] == []


def _broken_link_pages(view):
    return {"broken/index.md": "# Сломано\n\n[нет такой страницы](nowhere.md)\n"}


def test_a_failed_build_leaves_the_previous_site_intact(tmp_path):
    site = tmp_path / "site"
    build_site(site_model(), site, tmp_path / "work")
    before = (site / "2027" / "index.html").read_bytes()
    broken = SECTIONS + (Section("Сломано", "broken/index.md", (), _broken_link_pages),)
    with pytest.raises(Abort, match="strict"):  # mkdocs aborts on the warning about the broken link
        build_site(site_model(), site, tmp_path / "work", broken)
    assert (site / "2027" / "index.html").read_bytes() == before
    assert not (site / "2027" / "broken").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


# --- in the browser


@pytest.fixture(scope="module")
def server(built):
    with static_server(built) as base:
        yield base


def _search(page, query: str) -> list[str]:
    page.goto(f"{page.base}/2027/")
    page.wait_for_load_state("networkidle")  # the search worker has loaded its index
    page.fill("input.md-search__input", query)
    page.press("input.md-search__input", "End")  # Material reads the query on keyup; Cyrillic text sends none
    page.wait_for_selector(".md-search-result__item")
    links = page.eval_on_selector_all(".md-search-result__link", "links => links.map(a => a.href)")
    return [urlsplit(link).path for link in links]  # search.highlight appends ?h=<terms>


@pytest.mark.browser
def test_search_finds_education_through_inflection(page):
    links = _search(page, "образования")
    assert any(link == "/2027/catalog/iro-001/" for link in links), links


@pytest.mark.browser
def test_search_finds_primary_school_teacher_through_inflection(page):
    links = _search(page, "учителей начальных классов")
    assert any(link == "/2027/catalog/iro-002/" for link in links), links


@pytest.mark.browser
def test_catalog_filter_narrows_the_list(page):
    page.goto(f"{page.base}/2027/catalog/")
    rows = page.locator(".md-content table tbody tr:not([hidden])")
    assert rows.count() == 3
    page.select_option("select[data-column='Форма обучения']", "заочная")
    assert rows.count() == 1 and "ИРО-002" in rows.first.inner_text()
    page.select_option("select[data-column='Форма обучения']", "")
    page.select_option("select[data-column='Категория слушателей']", "учитель")
    assert rows.count() == 2
    page.fill("input[data-column='Программа']", "цифровое")
    assert rows.count() == 1 and "ИРО-001" in rows.first.inner_text()


@pytest.mark.browser
def test_version_selector_switches_between_plan_years(page):
    page.goto(f"{page.base}/2027/municipalities/")
    page.wait_for_selector(".md-version__current")
    assert page.inner_text(".md-version__current").startswith("2027")
    titles = page.eval_on_selector_all(".md-version__link", "links => links.map(a => a.textContent.trim())")
    assert titles[:2] == ["2027 (плановый год)", "2026 (плановый год)"]
    page.hover(".md-version")
    with page.expect_navigation():
        page.click(".md-version__link:has-text('2026')")
    page.wait_for_selector(".md-version__current")
    assert "/2026/" in page.url and page.inner_text(".md-version__current").startswith("2026")


@pytest.mark.browser
def test_municipality_index_links_all_pages_and_a_page_shows_its_groups(page):
    page.goto(f"{page.base}/2027/municipalities/")
    map_links = page.eval_on_selector_all("svg.municipal-map a", "links => links.map(a => a.href.baseVal)")
    assert sorted(map_links) == [f"{code:02d}/" for code in range(1, 23)]
    table_links = page.eval_on_selector_all(".md-content table a", "links => links.map(a => a.href)")
    assert len(set(table_links)) == 22
    page.click("svg.municipal-map a[href='10/']")
    page.wait_for_selector("h1")
    assert page.inner_text("h1").rstrip("¶").strip() == "Сургут"  # the heading's permalink sign
    groups = page.inner_text(".md-content")
    assert "ИРО-001-1" in groups and "ИРО-002-2" in groups and "ИРО-002-1" not in groups
    page.click("text=Цифровое образование в современной школе")
    assert page.url.endswith("/2027/catalog/iro-001/")


@pytest.mark.browser
def test_no_request_leaves_the_local_server(page, browser_context):
    for path in ("/", "/2027/", "/2026/", "/2027/catalog/", "/2027/help/", "/2027/municipalities/05/"):
        page.goto(page.base + path)
        page.wait_for_load_state("networkidle")
    _search(page, "программа")
    seen = browser_context.requests
    assert len(seen) > 20
    foreign = [
        u for u in seen if urlsplit(u).scheme not in ("data", "blob") and urlsplit(u).hostname != "127.0.0.1"
    ]
    assert foreign == []


@pytest.mark.browser
def test_browser_stemmer_agrees_with_snowballstemmer(page, built):
    """The query side (assets/russian-stemmer.js) and the index side (snowballstemmer) must stem alike."""
    import snowballstemmer

    words = set()
    for name in ("help", "catalog", "municipalities"):
        words.update(re.findall(r"[а-яё]+", page_text(built / "2027" / name / "index.html").lower()))
    words.update(["образования", "учителей", "начальных", "классов", "красивейшая", "стеклянного", "ёлками"])
    words = sorted(words)
    assert len(words) > 500
    page.goto(f"{page.base}/2027/")
    in_browser = page.evaluate("words => words.map(w => window.russianStem(w))", words)
    expected = snowballstemmer.stemmer("russian").stemWords(words)
    assert [(w, b) for w, b, e in zip(words, in_browser, expected, strict=True) if b != e] == []


def test_submission_status_has_a_page_per_municipality_and_the_regional_files_on_its_summary():
    from pipeline.publish.model import YearView
    from pipeline.publish.municipality_pages import municipality_pages
    from pipeline.publish.submission_pages import submission_pages

    model = site_model()
    first, second = (m.code for m in model.config.municipalities[:2])
    row = {"plan_year": 2027, "quarter": pd.NA, "deadline": pd.Timestamp("2026-10-15"), "status": "принят"}
    submissions = pd.DataFrame(
        [
            row
            | {
                "file": "a.xlsx",
                "login": "oo-1",
                "kind_title": "Заявки",
                "submitted": pd.Timestamp("2026-10-01"),
                "late": False,
                "accepted": 40,
                "refused": 2,
            },
            row
            | {
                "file": "b.xlsx",
                "login": "oo-1",
                "kind_title": "Заявки",
                "submitted": pd.Timestamp("2026-10-20"),
                "late": True,
                "accepted": 5,
                "refused": 0,
            },
            row
            | {
                "file": "c.xlsx",
                "login": "pk-iro",
                "kind_title": "Программы",
                "submitted": pd.Timestamp("2026-06-01"),
                "late": False,
                "accepted": 12,
                "refused": 0,
            },
        ]
    )
    organisations = pd.DataFrame(
        {
            "org_code": ["100001"],
            "name": ["Школа № 1"],
            "org_type": ["школа"],
            "municipality": [first],
            "login": ["oo-1"],
        }
    )
    view = YearView(model, 2027, {"submissions": submissions, "organisations": organisations})
    pages = submission_pages(view)
    assert set(pages) == {"submissions/index.md"} | {
        f"submissions/{m.code}.md" for m in model.config.municipalities
    }
    index = pages["submissions/index.md"]
    assert f"]({first}.md) | 1 | 2 | 1 | 1 | 45 | 2 |" in index
    assert f"]({second}.md) | 0 | 0 | 0 | 0 | 0 | 0 |" in index
    assert "| pk-iro | Программы |" in index and "| oo-1 |" not in index
    mine = pages[f"submissions/{first}.md"]
    assert mine.count("| oo-1 | Заявки |") == 2 and "20.10.2026 | 15.10.2026 | с опозданием" in mine
    assert "Файлов нет." in pages[f"submissions/{second}.md"]
    page = municipality_pages(view)[f"municipalities/{first}.md"]
    assert "файлов: **2** (в срок:\n1, с опозданием: 1)" in page and f"(../submissions/{first}.md)" in page
