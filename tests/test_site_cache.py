"""Incremental site builds: a warm build reuses kept pages and still gives the very bytes of a build without cache."""

import shutil
from dataclasses import replace
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from pipeline.publish import build_site
from pipeline.publish.model import YearView
from pipeline.publish.section_cache import cached_section, section_memo
from pipeline.publish.sections import data_pages
from tests.test_site import YEARS, site_model

CACHES = ("ASUPK_MEMO_CACHE", "ASUPK_INTAKE_CACHE", "ASUPK_WORKBOOK_CACHE")


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def assert_same_tree(built: Path, expected: Path) -> None:
    have, want = tree(built), tree(expected)
    assert sorted(have) == sorted(want)
    differing = [name for name in want if have[name] != want[name]]
    assert differing == []


def changed_model():
    """One program's annotation edited in the latest year: its page, the catalog and open data change."""
    model = site_model()
    frames = {year: dict(f) for year, f in model.frames.items()}
    catalog = frames[2027]["catalog"].copy()
    catalog.loc[catalog["program_code"] == "СурГПУ-010", "annotation"] = "Новая аннотация: работа с семьёй."
    frames[2027]["catalog"] = catalog
    return replace(model, frames=frames)


def build(model, root: Path, name: str, memo: str, monkeypatch) -> tuple[Path, dict]:
    for variable in CACHES:
        monkeypatch.setenv(variable, "off")
    monkeypatch.setenv("ASUPK_MEMO_CACHE", memo)
    stats = build_site(model, root / name, root / f"work-{name}")
    return root / name, stats


@pytest.fixture(scope="module")
def cold_builds(tmp_path_factory):
    root = tmp_path_factory.mktemp("site-cache")
    with pytest.MonkeyPatch.context() as mp:
        before = build(site_model(), root, "cold-before", "off", mp)[0]
        after = build(changed_model(), root, "cold-after", "off", mp)[0]
    return root, before, after


def test_a_build_without_cache_renders_every_page(cold_builds, tmp_path, monkeypatch):
    _, stats = build(site_model(), tmp_path, "site", "off", monkeypatch)
    assert sum(s.hits for s in stats.values()) == 0
    assert all(s.rendered > 10 for s in stats.values())


def test_warm_builds_reuse_pages_and_equal_cold_builds_byte_for_byte(cold_builds, tmp_path, monkeypatch):
    _, cold_before, cold_after = cold_builds
    memo = str(tmp_path / "memo")

    first, stats = build(site_model(), tmp_path, "first", memo, monkeypatch)
    assert_same_tree(first, cold_before)
    assert sum(s.hits for s in stats.values()) == 0

    again, stats = build(site_model(), tmp_path, "again", memo, monkeypatch)
    assert_same_tree(again, cold_before)
    assert all(stats[year].whole_year and stats[year].rendered == 0 for year in YEARS)

    changed, stats = build(changed_model(), tmp_path, "changed", memo, monkeypatch)
    assert_same_tree(changed, cold_after)
    assert_same_tree(tmp_path / "work-changed" / "2027", cold_builds[0] / "work-cold-after" / "2027")
    assert stats[2026].whole_year  # the year whose data did not change is copied from its kept build
    assert not stats[2027].whole_year
    # the program's page, the catalog, the open data page and the home page (it lists what changed) at most
    assert 1 <= stats[2027].rendered <= 4
    assert stats[2027].hits > 10
    # the theme's templates were compiled once and kept for the later builds
    assert list((tmp_path / "memo" / "jinja-bytecode").glob("__jinja2_*"))


def test_a_damaged_cache_entry_is_rendered_again(cold_builds, tmp_path, monkeypatch):
    _, cold_before, _ = cold_builds
    memo = tmp_path / "memo"
    build(site_model(), tmp_path, "first", str(memo), monkeypatch)
    entries = sorted((memo / "site-pages").rglob("*.pickle"))
    assert entries
    entries[0].write_bytes(entries[0].read_bytes()[:-7])
    shutil.rmtree(memo / "site-years")  # else each year's whole build is copied and no page is looked at
    again, stats = build(site_model(), tmp_path, "again", str(memo), monkeypatch)
    assert_same_tree(again, cold_before)
    assert sum(s.rendered for s in stats.values()) == 1


def test_a_year_is_built_again_when_a_kept_file_of_it_was_altered_or_removed(
    cold_builds, tmp_path, monkeypatch
):
    """A year's build is kept as its files by content; one altered or pruned file means building it again,
    never copying a wrong site."""
    _, cold_before, _ = cold_builds
    memo = tmp_path / "memo"
    build(site_model(), tmp_path, "first", str(memo), monkeypatch)
    kept = sorted(p for p in (memo / "site-years").rglob("files/*/*") if p.is_file())
    assert kept
    html = next(p for p in kept if b"<html" in p.read_bytes()[:2000])
    html.write_bytes(html.read_bytes().replace(b"<html", b"<html data-x", 1))
    again, stats = build(site_model(), tmp_path, "again", str(memo), monkeypatch)
    assert_same_tree(again, cold_before)
    assert sorted(y for y in YEARS if not stats[y].whole_year)  # the year holding that file was built
    assert not html.exists() or b"data-x" not in html.read_bytes()
    for path in (memo / "site-years").rglob("files/*/*"):
        path.unlink()
    third, stats = build(site_model(), tmp_path, "third", str(memo), monkeypatch)
    assert_same_tree(third, cold_before)
    assert not any(s.whole_year for s in stats.values())
    fourth, stats = build(site_model(), tmp_path, "fourth", str(memo), monkeypatch)
    assert_same_tree(fourth, cold_before)
    assert all(s.whole_year for s in stats.values())  # kept again by the builds before


def test_a_page_edited_in_a_published_site_is_not_carried_into_the_next_build(
    cold_builds, tmp_path, monkeypatch
):
    """A year restored whole shares its files with the kept build; someone editing a page of the published site
    in place edits the kept file with it, and the next build sees it no longer matches and builds the year."""
    _, cold_before, _ = cold_builds
    memo = str(tmp_path / "memo")
    build(site_model(), tmp_path, "first", memo, monkeypatch)
    second, stats = build(site_model(), tmp_path, "second", memo, monkeypatch)
    assert all(s.whole_year for s in stats.values())
    page = second / str(YEARS[0]) / "index.html"
    with page.open("r+b") as handle:  # in place, as an editor that keeps the file might
        handle.write(b"<!-- edited -->")
    third, stats = build(site_model(), tmp_path, "third", memo, monkeypatch)
    assert_same_tree(third, cold_before)
    assert not stats[YEARS[0]].whole_year


def test_a_section_is_written_again_only_when_what_it_read_changed(tmp_path, monkeypatch):
    monkeypatch.setenv("ASUPK_MEMO_CACHE", str(tmp_path / "memo"))
    calls = []

    def catalog_titles(view) -> dict[str, str]:
        calls.append(view.year)
        titles = view.frame("catalog")["title"] if view.has("catalog") else []
        return {"titles.md": "\n".join(titles) + f"\n{view.model.as_of}\n"}

    model = site_model()
    view = YearView(model, 2027, model.frames_of(2027))
    first = cached_section(section_memo(), "titles", catalog_titles, view)
    assert cached_section(section_memo(), "titles", catalog_titles, view) == first
    assert len(calls) == 1

    schedule = view.frames["schedule"].assign(place="Когалым")  # a frame the section never looked at
    assert (
        cached_section(
            section_memo(),
            "titles",
            catalog_titles,
            replace(view, frames=view.frames | {"schedule": schedule}),
        )
        == first
    )
    assert len(calls) == 1

    catalog = view.frames["catalog"].assign(title="Другое название")
    changed = cached_section(
        section_memo(), "titles", catalog_titles, replace(view, frames=view.frames | {"catalog": catalog})
    )
    assert len(calls) == 2 and "Другое название" in changed["titles.md"]

    without = {k: v for k, v in view.frames.items() if k != "catalog"}
    assert cached_section(section_memo(), "titles", catalog_titles, replace(view, frames=without)) != first
    later = replace(view, model=replace(model, as_of=date(2027, 1, 9)))
    assert "2027-01-09" in cached_section(section_memo(), "titles", catalog_titles, later)["titles.md"]
    assert len(calls) == 4


def test_years_handed_to_early_workers_give_the_same_site(cold_builds, tmp_path, monkeypatch):
    """A large run starts the build workers ahead; each year's build goes to them as soon as its pages are
    written, the latest year first. The site is the bytes of one built in this process, and a year whose
    worker was lost is built here."""
    import os
    import signal

    from pipeline.publish import build as build_module
    from pipeline.publish import builders

    if (os.cpu_count() or 1) < 2:
        pytest.skip("build workers start only on a machine of two cores or more")
    _, cold_before, cold_after = cold_builds
    handed = []
    real = builders.submit_build
    monkeypatch.setattr(
        build_module,
        "submit_build",
        lambda function, *arguments: handed.append(arguments[2]) or real(function, *arguments),
    )
    builders.start_builders(len(YEARS))
    try:
        first, _ = build(site_model(), tmp_path, "first", str(tmp_path / "memo"), monkeypatch)
        assert handed == sorted(YEARS, reverse=True)
        assert_same_tree(first, cold_before)
        for process in list(
            builders._pool._processes.values()
        ):  # the workers die: their years are built here
            os.kill(process.pid, signal.SIGKILL)
        lost, _ = build(changed_model(), tmp_path, "lost", str(tmp_path / "memo"), monkeypatch)
        assert_same_tree(lost, cold_after)
    finally:
        builders.stop_builders()


def test_a_few_changed_pages_are_built_without_worker_processes(tmp_path, monkeypatch):
    """The first build of a year renders every page (workers pay off); a rebuild with one program changed
    renders a handful and stays in this process; the site equals a cold one either way."""
    from pipeline.publish import build as build_module

    calls = []
    real = build_module.build_years
    monkeypatch.setattr(
        build_module,
        "build_years",
        lambda model, builds, parallel=True: (
            calls.append((len(builds), parallel)) or real(model, builds, parallel)
        ),
    )
    memo = str(tmp_path / "memo")
    build(site_model(), tmp_path, "first", memo, monkeypatch)
    assert calls == [(len(YEARS), True)]
    now = build_module.page_digests({"a.md": "один", "b.md": "два"})
    assert build_module.changed_pages(now, build_module.page_digests({"a.md": "один", "b.md": "три"})) == 6
    assert build_module.changed_pages(now, None) == 14
    data = build_module.page_digests({"a.md": "один", "data/a.json": b"[1]"})
    assert build_module.changed_pages(data, build_module.page_digests({"a.md": "один"})) == 0
    site, _ = build(changed_model(), tmp_path, "site", memo, monkeypatch)  # another work folder: a fresh CI
    assert calls[1] == (1, False)
    cold, _ = build(changed_model(), tmp_path, "cold", "off", monkeypatch)
    assert_same_tree(site, cold)


def test_search_stems_are_kept_between_runs_and_give_the_same_index(tmp_path, monkeypatch):
    """A fresh process (a build worker) starts with the stems of the words seen before; the index it writes is
    the same as one stemmed from nothing."""
    import json

    from pipeline.publish import search_stems

    def index(folder: Path, text: str = "<p>Учителя математики и учитель физики</p>") -> Path:
        path = folder / "search" / "search_index.json"
        path.parent.mkdir(parents=True)
        docs = [{"location": "", "title": "Программы", "text": text}]
        path.write_text(json.dumps({"config": {"fields": {}}, "docs": docs}), encoding="utf-8")
        return path

    monkeypatch.setenv("ASUPK_MEMO_CACHE", str(tmp_path / "memo"))
    monkeypatch.setattr(search_stems, "_STEMS", {})
    monkeypatch.setattr(search_stems, "_TEXTS", {})
    search_stems.add_stems(index(tmp_path / "first").parent.parent)
    words, texts = search_stems.stems_memo().recall(search_stems.KNOWN)[1]
    assert words["учителя"] == words["учитель"] == "учител" and len(texts) == 1

    monkeypatch.setattr(search_stems, "_STEMS", {})
    monkeypatch.setattr(search_stems, "_TEXTS", {})
    stemmed = []
    real = search_stems._stemmer

    class Counting:
        def stemWord(self, word):
            stemmed.append(word)
            return real().stemWord(word)

    monkeypatch.setattr(search_stems, "_stemmer", lambda: Counting())
    search_stems.add_stems(index(tmp_path / "second").parent.parent)
    assert stemmed == []
    first = (tmp_path / "first" / "search" / "search_index.json").read_bytes()
    assert (tmp_path / "second" / "search" / "search_index.json").read_bytes() == first
    assert '"stems":"программ учител математик и физик"' in first.decode()
    search_stems.add_stems(index(tmp_path / "third", "Физики и математики").parent.parent)  # known words
    assert stemmed == [] and '"stems":"программ физик и математик"' in (
        tmp_path / "third" / "search" / "search_index.json"
    ).read_text(encoding="utf-8")


def test_a_change_in_one_municipality_renders_its_page_and_one_table_only(tmp_path, monkeypatch):
    """Within a section written again, a municipality's page and an open-data table are taken from the memo
    when what they show is unchanged."""
    from pipeline.publish import municipality_pages as pages_module
    from pipeline.publish import open_data

    monkeypatch.setenv("ASUPK_MEMO_CACHE", str(tmp_path / "memo"))
    rendered, tables = [], []
    real_render, real_files = pages_module.render, open_data.table_files
    monkeypatch.setattr(
        pages_module, "render", lambda name, **k: rendered.append(name) or real_render(name, **k)
    )
    monkeypatch.setattr(open_data, "table_files", lambda t: tables.append(len(t)) or real_files(t))
    model = site_model()
    view = YearView(model, 2027, model.frames_of(2027))
    first = pages_module.municipality_pages(view)
    data = data_pages(view)
    assert rendered.count("municipality.md.j2") == len(model.config.municipalities) and len(tables) > 2
    rendered.clear(), tables.clear()

    stats = view.frames["municipality_stats"].copy()
    first_code = stats["municipality_code"].astype(str).iloc[0]
    stats.loc[stats.index[0], "applications"] = stats["applications"].iloc[0] + 7
    changed = replace(view, frames=view.frames | {"municipality_stats": stats})
    again = pages_module.municipality_pages(changed)
    assert rendered.count("municipality.md.j2") == 1
    assert [p for p in again if again[p] != first[p]] == [
        "municipalities/index.md",
        f"municipalities/{first_code}.md",
    ]
    assert data_pages(changed) != data
    assert len(tables) == 2  # the municipalities' table and the key figures (their sum) alone

    monkeypatch.setenv("ASUPK_MEMO_CACHE", "off")
    assert pages_module.municipality_pages(changed) == again


def test_a_groups_digest_follows_its_rows_not_their_labels_or_other_groups():
    from pipeline.publish.grouping import RowsBy

    frame = pd.DataFrame(
        {"place": ["01", "02", "01", "03"], "group": ["Б", "А", "А", "В"], "listeners": [5, 7, 9, 1]}
    )
    by_place = RowsBy(frame, "place", ["group"])
    # the same rows at other labels, with another place's row changed: 01's digest stays, 03's moves
    moved = frame.set_axis([10, 11, 12, 13]).assign(listeners=[5, 7, 9, 2])
    again = RowsBy(moved, "place", ["group"])
    assert by_place.digest("01") == again.digest("01") and by_place.digest("02") == again.digest("02")
    assert by_place.digest("03") != again.digest("03")
    assert by_place.digest("01") != by_place.digest("02")
    # order matters (a page lists rows in order), and a place with no rows has a digest of its own
    swapped = RowsBy(frame.assign(group=["А", "А", "Б", "В"]), "place", ["group"])
    assert swapped.digest("01") != by_place.digest("01")
    assert by_place.digest("99") == again.digest("99") != by_place.digest("01")
    assert RowsBy(None, "place", []).digest("01") == "none"
