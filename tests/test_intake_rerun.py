"""A warm intake after one change: only the shard of senders whose files or roles changed is validated and
folded again, and the result is the one a run without caches gives."""

import shutil
from pathlib import Path

import pandas as pd
import pytest

from pipeline.config import load_config
from pipeline.intake import take_kind as take_kind_module
from pipeline.intake.cache import ENV
from pipeline.intake.discover import list_input_files
from pipeline.intake.take_in import take_in
from pipeline.intake.take_kind import _stacked, shard_of
from pipeline.memo import ENV as MEMO_ENV
from tests.intake_cases import ORGANISATIONS, STAFF, base_region, cold_intake, put, same_intake, staff_row

SCHOOL_2 = [staff_row("Лебедева", "Ольга", "Ивановна", 1980, org="100013")]


@pytest.fixture(scope="module")
def region(tmp_path_factory) -> Path:
    root = base_region(tmp_path_factory.mktemp("rerun") / "inputs")
    put(root, "oo-100013", "2026-09-02 работники.xlsx", "staff", SCHOOL_2)
    return root


@pytest.fixture
def batches(monkeypatch):
    """(kind, the batch's senders) for every batch taken in afresh during a test."""
    seen = []
    real = take_kind_module.take_shards

    def taking(kind, batch, *rest):
        seen.append((kind.slug, sorted({s.login for s in batch})))
        return real(kind, batch, *rest)

    monkeypatch.setattr(take_kind_module, "take_shards", taking)
    return seen


def intake(root: Path, caches: Path, monkeypatch):
    monkeypatch.setenv(ENV, str(caches / "reads"))
    monkeypatch.setenv(MEMO_ENV, str(caches / "memo"))
    return take_in(list_input_files(root), root, load_config(root))


def same_result(a, b) -> None:
    same_intake(a, b, exact=True)


@pytest.fixture
def copy(region, tmp_path) -> Path:
    root = tmp_path / "inputs"
    shutil.copytree(region, root)
    return root


def test_the_two_schools_lie_in_different_shards():
    assert shard_of("oo-100012") != shard_of("oo-100013")  # the tests below rely on it


def test_a_school_s_new_staff_list_takes_in_its_shard_only(copy, tmp_path, monkeypatch, batches):
    intake(copy, tmp_path / "caches", monkeypatch)
    assert {slug for slug, _ in batches} >= {"staff", "organisations", "programs"}
    batches.clear()
    # The school sends a newer list without one person: that person goes to the archive.
    put(copy, "oo-100012", "2026-09-20 работники.xlsx", "staff", [*STAFF[:2], staff_row("Новикова")])
    warm = intake(copy, tmp_path / "caches", monkeypatch)
    staff_batches = [logins for slug, logins in batches if slug == "staff"]
    assert staff_batches == [["oo-100012"]]
    assert [slug for slug, _ in batches] == ["staff"]
    cold = cold_intake(copy, monkeypatch)
    same_result(warm, cold)
    assert "Ершова" in set(warm.archive["staff"]["surname"])
    assert set(warm.records["staff"]["org_code"]) == {"100012", "100013"}
    # Nothing changed since: every kind is recalled whole.
    batches.clear()
    again = intake(copy, tmp_path / "caches", monkeypatch)
    assert batches == []
    same_result(again, cold)


def test_a_sender_s_lost_role_is_picked_up_by_its_shard(copy, tmp_path, monkeypatch, batches):
    """The staff lists of both schools are unchanged, but the municipality no longer registers one school:
    its shard is taken in again (its sender is now unknown), the other school's shard is recalled."""
    intake(copy, tmp_path / "caches", monkeypatch)
    batches.clear()
    put(copy, "uo-surgut", "2024-03-01 организации.xlsx", "organisations", ORGANISATIONS[:1])
    warm = intake(copy, tmp_path / "caches", monkeypatch)
    staff_batches = [logins for slug, logins in batches if slug == "staff"]
    assert staff_batches == [["oo-100013"]]
    same_result(warm, cold_intake(copy, monkeypatch))
    issues = warm.log.to_frame()
    unknown = issues[issues["code"] == "submitter_unknown"]
    assert "oo-100013/2026-09-02 работники.xlsx" in set(unknown["file"])
    assert set(warm.records["staff"]["org_code"]) == {"100012"}


def test_a_kind_without_files_and_a_switched_off_memo_give_the_cold_result(copy, tmp_path, monkeypatch):
    for path in copy.glob("oo-*/*работники*"):
        path.unlink()
    warm = intake(copy, tmp_path / "caches", monkeypatch)
    assert warm.records["staff"].empty
    same_result(warm, cold_intake(copy, monkeypatch))
    same_result(intake(copy, tmp_path / "caches", monkeypatch), warm)


def test_stacked_shards_are_typed_and_ordered_as_one_frame_of_all_rows():
    """A text column empty in one shard's batch (object) and filled in another's (text) stacks as text; a
    column empty everywhere stays object; rows come in the order of sender, key and file."""
    columns = ["file", "row", "sender", "submitted", "plan_year", "quarter", "code", "note", "empty"]
    kinds = {"code": "code", "note": "text", "empty": "text"}
    rows = [
        {"file": "b/1.xlsx", "row": 2, "sender": "b", "submitted": pd.Timestamp("2026-09-01"), "code": "2"},
        {"file": "a/1.xlsx", "row": 3, "sender": "a", "submitted": pd.Timestamp("2026-09-01"), "code": "9"},
        {"file": "a/1.xlsx", "row": 2, "sender": "a", "submitted": pd.Timestamp("2026-09-01"), "code": "1"},
        {"file": "c/1.xlsx", "row": 2, "sender": "c", "submitted": pd.Timestamp("2026-09-01"), "code": "3"},
    ]
    rows[0]["note"] = "текст"
    whole = take_kind_module._frame(rows, columns, ("code",), kinds)
    pieces = [
        take_kind_module._frame([rows[0]], columns, ("code",), kinds),
        take_kind_module._frame(rows[1:3], columns, ("code",), kinds),
        take_kind_module._frame([], columns, ("code",), kinds),
        take_kind_module._frame([rows[3]], columns, ("code",), kinds),
    ]
    assert pieces[1]["note"].dtype == object and whole["note"].dtype != object
    stacked = _stacked(pieces, columns, ("code",), kinds)
    pd.testing.assert_frame_equal(stacked, whole, check_exact=True)
    assert list(stacked["code"]) == ["1", "9", "2", "3"]
    assert stacked["empty"].dtype == object
    # One piece holding a column with no value cut from a batch where it had some: object, as _frame gives.
    alone = _stacked([whole.iloc[1:2].reset_index(drop=True)], columns, ("code",), kinds)
    pd.testing.assert_frame_equal(alone, take_kind_module._frame(rows[1:2], columns, ("code",), kinds))


def test_the_programs_providers_key_the_kinds_whose_scope_goes_through_a_program(region):
    """A schedule or execution row is in its sender's scope through its program's provider: those kinds' keys
    follow the programs; the staff lists' do not (a new program must not take every school in again)."""
    from schemas.kinds import KINDS_BY_SLUG

    config = load_config(region)
    before, after = {"ИРО-001": "ИРО"}, {"ИРО-001": "ИРО", "ОБЩ-001": "ИРО"}
    for slug in ("schedule", "execution"):
        kind = KINDS_BY_SLUG[slug]
        assert take_kind_module._common_key(kind, before, config) != take_kind_module._common_key(
            kind, after, config
        )
    staff = KINDS_BY_SLUG["staff"]
    assert take_kind_module._common_key(staff, before, config) == take_kind_module._common_key(
        staff, after, config
    )
