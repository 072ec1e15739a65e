"""The memo store: results kept by the hash of inputs and code, damaged entries recomputed, switchable off."""

import pandas as pd
import pytest

from pipeline.memo import ENV, Memo, fingerprint


@pytest.fixture
def memo_dir(tmp_path, monkeypatch):
    monkeypatch.setenv(ENV, str(tmp_path / "memo"))
    return tmp_path / "memo"


def test_a_result_is_computed_once_and_recalled(memo_dir):
    calls = []

    def compute():
        calls.append(1)
        return {"answer": 42}

    memo = Memo("sums", ["pipeline/memo.py"])
    assert memo.get("k1", compute) == {"answer": 42}
    assert Memo("sums", ["pipeline/memo.py"]).get("k1", compute) == {"answer": 42}
    assert len(calls) == 1
    assert memo.get("k2", compute) == {"answer": 42}
    assert len(calls) == 2


def test_a_damaged_entry_is_computed_again_and_replaced(memo_dir):
    memo = Memo("sums", ["pipeline/memo.py"])
    memo.keep("k", [1, 2, 3])
    (entry,) = memo_dir.rglob("k.pickle")
    entry.write_bytes(entry.read_bytes()[:-3] + b"xyz")
    assert memo.recall("k") == (False, None)
    assert not entry.exists()
    assert memo.get("k", lambda: [4]) == [4]
    assert memo.recall("k") == (True, [4])


def test_switched_off_keeps_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv(ENV, "off")
    memo = Memo("sums", ["pipeline/memo.py"])
    calls = []
    for _ in range(2):
        memo.get("k", lambda: calls.append(1))
    assert len(calls) == 2
    assert not memo.enabled


def test_frames_are_told_apart_by_values_order_and_types():
    frame = pd.DataFrame({"a": ["1", "2"], "b": [1, 2]})
    same = pd.DataFrame({"a": ["1", "2"], "b": [1, 2]})
    assert fingerprint(frame) == fingerprint(same)
    assert fingerprint(frame) != fingerprint(frame[["b", "a"]])
    assert fingerprint(frame) != fingerprint(frame.astype({"b": "float64"}))
    assert fingerprint(frame) != fingerprint(frame.assign(a=["1", "3"]))
    assert fingerprint(frame) != fingerprint(frame.iloc[::-1])
    assert fingerprint(frame, 1) != fingerprint(frame, 2)
    assert fingerprint({"x": 1, "y": 2}) == fingerprint({"y": 2, "x": 1})


def test_entries_unused_for_a_month_are_pruned_and_a_hit_counts_as_use(memo_dir):
    import os
    import time

    from pipeline.intake.cache import prune_stale

    memo = Memo("sums", ["pipeline/memo.py"])
    for key in ("used", "unused", "recent"):
        memo.keep(key, key)
    month_ago = time.time() - 31 * 86400
    for key in ("used", "unused"):
        (entry,) = memo_dir.rglob(f"{key}.pickle")
        os.utime(entry, (month_ago, month_ago))
    assert memo.recall("used") == (True, "used")  # touched now
    assert prune_stale(memo_dir, 30) == 1
    assert memo.recall("unused") == (False, None)
    memo.keep("unused", "again")
    (entry,) = memo_dir.rglob("unused.pickle")
    os.utime(entry, (month_ago, month_ago))
    assert prune_stale(memo_dir, 30) == 0  # once a day is enough
    assert memo.recall("unused") == (True, "again")
    assert memo.recall("used") == (True, "used") and memo.recall("recent") == (True, "recent")


def test_a_store_tells_whether_it_holds_anything_of_its_code_version(memo_dir):
    memo = Memo("sums", ["pipeline/memo.py"])
    assert not memo.holds_any()
    memo.keep("k", 1)
    assert memo.holds_any()
    assert not Memo("sums", ["pipeline/memo.py", "pipeline/run.py"]).holds_any()
