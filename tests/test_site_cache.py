"""Incremental site builds: a warm build reuses kept pages and still gives the very bytes of a build without cache."""

from dataclasses import replace
from pathlib import Path

import pytest

from pipeline.publish import build_site
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
    assert {year: stats[year].rendered for year in YEARS} == {year: 0 for year in YEARS}
    assert all(stats[year].hits > 10 for year in YEARS)

    changed, stats = build(changed_model(), tmp_path, "changed", memo, monkeypatch)
    assert_same_tree(changed, cold_after)
    assert stats[2026].rendered == 0  # the year whose data did not change
    # the program's page, the catalog, the open data page and the home page (it lists what changed) at most
    assert 1 <= stats[2027].rendered <= 4
    assert stats[2027].hits > 10


def test_a_damaged_cache_entry_is_rendered_again(cold_builds, tmp_path, monkeypatch):
    _, cold_before, _ = cold_builds
    memo = tmp_path / "memo"
    build(site_model(), tmp_path, "first", str(memo), monkeypatch)
    entries = sorted(memo.rglob("*.pickle"))
    assert entries
    entries[0].write_bytes(entries[0].read_bytes()[:-7])
    again, stats = build(site_model(), tmp_path, "again", str(memo), monkeypatch)
    assert_same_tree(again, cold_before)
    assert sum(s.rendered for s in stats.values()) == 1
