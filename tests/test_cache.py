"""The intake cache: a file read once is not read again, a changed or corrupt entry is read afresh, and a run
through the cache writes the very bytes a run without it writes."""

import shutil
from pathlib import Path

import pandas as pd
import pytest

from pipeline.config import load_config
from pipeline.intake import layout as layout_module
from pipeline.intake import take_kind as take_kind_module
from pipeline.intake.cache import ENV, MAGIC, IntakeCache, code_version, entry_key
from pipeline.intake.discover import describe, list_input_files
from pipeline.intake.take_in import take_in
from pipeline.issues import IssueLog
from pipeline.memo import ENV as MEMO_ENV
from pipeline.workbook_cache import ENV as WORKBOOK_ENV
from pipeline.workbook_cache import entry_path, writer_version
from pipeline.workbooks import SheetSpec, write_workbook
from tests.intake_cases import STAFF, base_region, cold_intake, put, same_intake, staff_row
from tests.whole_runs import assert_same_files, run_into


@pytest.fixture(scope="module")
def region(tmp_path_factory) -> Path:
    return base_region(tmp_path_factory.mktemp("region") / "inputs")


@pytest.fixture
def counted_reads(monkeypatch):
    """The names of the files actually read (not taken from the cache) during a test."""
    names = []
    real = layout_module.read_submission

    def reading(submission):
        names.append(submission.name)
        return real(submission)

    monkeypatch.setattr(layout_module, "read_submission", reading)
    return names


def intake(root: Path, cache: Path, monkeypatch):
    monkeypatch.setenv(ENV, str(cache))
    monkeypatch.setenv(MEMO_ENV, str(cache.with_name(cache.name + "-memo")))
    return take_in(list_input_files(root), root, load_config(root))


def same_result(a, b) -> None:
    same_intake(a, b, exact=False)


def test_a_second_intake_reads_nothing_and_gives_the_same_result(
    region, tmp_path, monkeypatch, counted_reads
):
    cache = tmp_path / "cache"
    first = intake(region, cache, monkeypatch)
    files = len(first.submissions)
    assert len(counted_reads) == files > 0
    assert len(list((cache / code_version()).rglob("*.pickle"))) == files
    second = intake(region, cache, monkeypatch)
    assert len(counted_reads) == files  # all from the cache
    same_result(first, second)
    same_result(cold_intake(region, monkeypatch), second)


def test_only_the_changed_file_is_read_again(region, tmp_path, monkeypatch, counted_reads):
    root = tmp_path / "inputs"
    shutil.copytree(region, root)
    cache = tmp_path / "cache"
    intake(root, cache, monkeypatch)
    counted_reads.clear()
    changed = put(root, "oo-100012", "2026-09-01 работники.xlsx", "staff", [*STAFF, staff_row("Новикова")])
    warm = intake(root, cache, monkeypatch)
    assert counted_reads == [changed.relative_to(root).as_posix()]
    same_result(warm, cold_intake(root, monkeypatch))


def test_only_the_changed_kind_is_validated_and_folded_again(region, tmp_path, monkeypatch):
    """Kinds whose files, senders' roles and settings are unchanged are recalled whole (records, archive,
    counts, issues); a school's new staff list takes in that school's shard of the staff lists again, and the
    result is a cold one's."""
    root = tmp_path / "inputs"
    shutil.copytree(region, root)
    cache = tmp_path / "cache"
    taken = []
    real = take_kind_module.take_shards
    monkeypatch.setattr(
        take_kind_module, "take_shards", lambda kind, *rest: taken.append(kind.slug) or real(kind, *rest)
    )
    intake(root, cache, monkeypatch)
    kinds = len(taken)
    assert kinds > 5
    taken.clear()
    put(root, "oo-100012", "2026-09-01 работники.xlsx", "staff", [*STAFF, staff_row("Новикова")])
    warm = intake(root, cache, monkeypatch)
    assert taken == ["staff"]
    same_result(warm, cold_intake(root, monkeypatch))
    assert len(taken) == 1 + kinds


@pytest.mark.parametrize(
    "damage",
    [
        lambda blob: blob[: len(blob) // 2],  # truncated by a killed writer
        lambda blob: blob[:-1] + bytes([blob[-1] ^ 1]),  # one flipped bit
        lambda blob: b"not a cache entry",
        lambda blob: MAGIC + b"\x00" * 32 + b"garbage",
    ],
    ids=["truncated", "bit-flip", "foreign", "bad-checksum"],
)
def test_a_corrupt_entry_is_ignored_and_rebuilt(region, tmp_path, monkeypatch, counted_reads, damage):
    cache = tmp_path / "cache"
    first = intake(region, cache, monkeypatch)
    entries = sorted((cache / code_version()).rglob("*.pickle"))
    victim = entries[0]
    good = victim.read_bytes()
    victim.write_bytes(damage(good))
    counted_reads.clear()
    second = intake(region, cache, monkeypatch)
    assert all(second.mapped[name].submission.name == name for name in second.mapped)  # load every read
    assert len(counted_reads) == 1
    assert victim.read_bytes() == good  # rebuilt from the file, byte for byte
    same_result(first, second)


def test_the_key_follows_the_bytes_and_what_the_path_says(region):
    config = load_config(region)
    path = next(p for p in list_input_files(region) if p.parent.name == "oo-100012")
    sub = describe(path, region, config.plan_years, IssueLog())
    same = describe(path, region, config.plan_years, IssueLog())
    assert entry_key(sub) == entry_key(same)
    assert entry_key(sub) != entry_key(sub.__class__(**{**sub.__dict__, "digest": "0" * 64}))
    assert entry_key(sub) != entry_key(sub.__class__(**{**sub.__dict__, "login": "oo-100013"}))


def test_entries_of_an_older_code_version_are_removed(region, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    stale = cache / "0123456789abcdef" / "ab"
    stale.mkdir(parents=True)
    (stale / "x.pickle").write_bytes(b"old")
    intake(region, cache, monkeypatch)
    assert not (cache / "0123456789abcdef").exists()
    assert (cache / code_version()).is_dir()


def test_the_cache_can_be_switched_off(monkeypatch):
    monkeypatch.setenv(ENV, "off")
    assert IntakeCache.default() is None
    monkeypatch.setenv(ENV, "/somewhere")
    assert IntakeCache.default() == IntakeCache(Path("/somewhere"))


@pytest.mark.slow
def test_a_warm_run_writes_the_bytes_of_a_cold_run(tmp_path, monkeypatch):
    """The demo region, run without the caches and then twice through them: every report byte-identical."""
    from pipeline.demo import generate_demo

    inputs = tmp_path / "inputs"
    generate_demo("demo", 86, inputs)
    outputs = {}
    for name, cache in (("off", "off"), ("cold", str(tmp_path / "cache")), ("warm", str(tmp_path / "cache"))):
        monkeypatch.setenv(ENV, cache)
        monkeypatch.setenv(WORKBOOK_ENV, cache if cache == "off" else str(tmp_path / "workbooks"))
        monkeypatch.setenv(MEMO_ENV, cache if cache == "off" else str(tmp_path / "memo"))
        outputs[name] = run_into(inputs, tmp_path / name, site=False) / "reports"
    for name in ("cold", "warm"):
        assert_same_files(outputs["off"], outputs[name])


def sheets(text: str) -> list[SheetSpec]:
    return [SheetSpec("Лист", ["Код", "Дата"], [[text, pd.Timestamp("2026-10-15")], ["=1+1", 3]])]


def test_a_workbook_of_the_same_content_is_copied_not_encoded(tmp_path, monkeypatch):
    monkeypatch.setenv(WORKBOOK_ENV, "off")
    plain = write_workbook(tmp_path / "plain.xlsx", sheets("А-1"), title="Т").read_bytes()
    monkeypatch.setenv(WORKBOOK_ENV, str(tmp_path / "workbooks"))
    first = write_workbook(tmp_path / "first.xlsx", sheets("А-1"), title="Т").read_bytes()
    assert first == plain
    import pipeline.workbooks

    def no_encoding(*args, **kwargs):
        raise AssertionError("encoded again")

    monkeypatch.setattr(pipeline.workbooks.xlsxwriter, "Workbook", no_encoding)
    assert write_workbook(tmp_path / "again.xlsx", sheets("А-1"), title="Т").read_bytes() == plain
    with pytest.raises(AssertionError, match="encoded again"):
        write_workbook(tmp_path / "other.xlsx", sheets("А-2"), title="Т")  # other content: a miss
    with pytest.raises(AssertionError, match="encoded again"):
        write_workbook(tmp_path / "titled.xlsx", sheets("А-1"), title="другой")


def test_a_damaged_workbook_entry_is_written_afresh(tmp_path, monkeypatch):
    root = tmp_path / "workbooks"
    monkeypatch.setenv(WORKBOOK_ENV, str(root))
    good = write_workbook(tmp_path / "a.xlsx", sheets("Б"), title="").read_bytes()
    (entry,) = (root / writer_version()).rglob("*.xlsx")
    entry.write_bytes(entry.read_bytes()[:-10])
    assert write_workbook(tmp_path / "b.xlsx", sheets("Б"), title="").read_bytes() == good
    assert entry.exists() and entry == next((root / writer_version()).rglob("*.xlsx"))
    assert entry_path(root, entry.stem) == entry


def test_a_workbook_from_the_same_inputs_is_copied_without_building_its_sheets(tmp_path, monkeypatch):
    from pipeline.workbooks import write_workbook_from

    monkeypatch.setenv(WORKBOOK_ENV, "off")
    plain = write_workbook(tmp_path / "plain.xlsx", sheets("А-1"), title="Т").read_bytes()
    monkeypatch.setenv(WORKBOOK_ENV, str(tmp_path / "workbooks"))
    built = []

    def build(text="А-1"):
        built.append(text)
        return sheets(text)

    first = write_workbook_from(
        tmp_path / "first.xlsx", ["А-1", 1], build, title="Т", sources=["pipeline/memo.py"]
    )
    assert first.read_bytes() == plain and built == ["А-1"]
    again = write_workbook_from(
        tmp_path / "again.xlsx", ["А-1", 1], build, title="Т", sources=["pipeline/memo.py"]
    )
    assert again.read_bytes() == plain and built == ["А-1"]  # a hit: the sheets were not built
    nested = tmp_path / "новая" / "папка" / "again.xlsx"  # a hit into folders not made yet: they are made
    write_workbook_from(nested, ["А-1", 1], build, title="Т", sources=["pipeline/memo.py"])
    assert nested.read_bytes() == plain and built == ["А-1"]
    write_workbook_from(tmp_path / "other.xlsx", ["А-1", 2], build, title="Т", sources=["pipeline/memo.py"])
    write_workbook_from(
        tmp_path / "titled.xlsx", ["А-1", 1], build, title="другой", sources=["pipeline/memo.py"]
    )
    assert built == ["А-1"] * 3  # other inputs, another title: misses
    monkeypatch.setenv(WORKBOOK_ENV, "off")
    write_workbook_from(tmp_path / "off.xlsx", ["А-1", 1], build, title="Т", sources=["pipeline/memo.py"])
    assert len(built) == 4 and (tmp_path / "off.xlsx").read_bytes() == plain


def test_a_slice_fingerprint_follows_its_own_rows_only():
    from pipeline.workbook_cache import slice_fingerprints

    frame = pd.DataFrame(
        {"org": ["a", "b", "a"], "n": pd.array([1, 2, None], dtype="Int64"), "t": ["x", "y", "z"]}
    )
    keys = slice_fingerprints(frame, "org")
    assert keys == slice_fingerprints(frame.iloc[[0, 2]], "org") | {"b": keys["b"]}
    changed = frame.assign(t=["x", "y!", "z"])
    assert slice_fingerprints(changed, "org")["a"] == keys["a"]
    assert slice_fingerprints(changed, "org")["b"] != keys["b"]
    assert slice_fingerprints(frame.assign(n=pd.array([1, 2, 0], dtype="Int64")), "org")["a"] != keys["a"]
    assert slice_fingerprints(frame.rename(columns={"t": "u"}), "org")["a"] != keys["a"]
    by_other = slice_fingerprints(frame[["n", "t"]], frame["org"])
    assert set(by_other) == {"a", "b"}


def test_unchanged_files_feedback_is_copied_and_a_changed_one_built_afresh(region, tmp_path, monkeypatch):
    from pipeline.intake import feedback

    monkeypatch.setenv(WORKBOOK_ENV, str(tmp_path / "workbooks"))
    monkeypatch.setenv(ENV, "off")
    built = []
    real = feedback.feedback_sheets

    def counting(result, row, issues):
        built.append(row.file)
        return real(result, row, issues)

    monkeypatch.setattr(feedback, "feedback_sheets", counting)
    root = tmp_path / "inputs"
    shutil.copytree(region, root)
    config = load_config(root)
    result = take_in(list_input_files(root), root, config)
    first = feedback.write_feedback(result, feedback.status_table(result, config), tmp_path / "a")
    assert len(built) == len(first) > 2
    built.clear()
    second = feedback.write_feedback(result, feedback.status_table(result, config), tmp_path / "b")
    assert built == []
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes()
    put(root, "oo-100012", "2026-09-01 работники.xlsx", "staff", [staff_row(position="учител")])
    result = take_in(list_input_files(root), root, config)
    feedback.write_feedback(result, feedback.status_table(result, config), tmp_path / "c")
    assert built == ["oo-100012/2026-09-01 работники.xlsx"]


def test_a_restored_workbook_is_a_link_that_no_later_write_alters(tmp_path, monkeypatch):
    """A hit links the entry into the outputs; a later keep of the entry, or a workbook written afresh at a
    restored path, leaves the other file as it was."""
    from pipeline import workbook_cache

    root = tmp_path / "workbooks"
    monkeypatch.setenv(WORKBOOK_ENV, str(root))
    good = write_workbook(tmp_path / "a.xlsx", sheets("В"), title="").read_bytes()
    (entry,) = (root / writer_version()).rglob("*.xlsx")
    restored = write_workbook(tmp_path / "b.xlsx", sheets("В"), title="")
    assert restored.read_bytes() == good
    assert restored.stat().st_ino == entry.stat().st_ino  # linked, not copied

    other = write_workbook(tmp_path / "other.xlsx", sheets("Г"), title="")
    workbook_cache.keep(entry.stem, other)  # the entry replaced under the same name
    assert restored.read_bytes() == good and entry.read_bytes() == other.read_bytes()

    workbook_cache.keep(entry.stem, tmp_path / "a.xlsx")
    again = write_workbook(tmp_path / "c.xlsx", sheets("В"), title="")
    assert again.stat().st_ino == entry.stat().st_ino
    write_workbook(again, sheets("Д"), title="")  # a new workbook at a restored path
    assert entry.read_bytes() == good
    assert write_workbook(tmp_path / "d.xlsx", sheets("В"), title="").read_bytes() == good


def test_a_hit_restored_over_a_link_to_another_entry_leaves_that_entry(tmp_path, monkeypatch):
    monkeypatch.setenv(WORKBOOK_ENV, str(tmp_path / "workbooks"))
    first = write_workbook(tmp_path / "first.xlsx", sheets("Ж"), title="").read_bytes()
    second = write_workbook(tmp_path / "second.xlsx", sheets("З"), title="").read_bytes()
    target = write_workbook(tmp_path / "out.xlsx", sheets("Ж"), title="")
    assert target.stat().st_nlink > 1  # a link to the first content's entry
    write_workbook(target, sheets("З"), title="")  # the second content's entry restored at the same path
    assert target.read_bytes() == second
    assert write_workbook(tmp_path / "again.xlsx", sheets("Ж"), title="").read_bytes() == first


def test_a_workbook_is_copied_where_it_cannot_be_linked(tmp_path, monkeypatch):
    from pipeline import workbook_cache

    monkeypatch.setenv(WORKBOOK_ENV, str(tmp_path / "workbooks"))
    good = write_workbook(tmp_path / "a.xlsx", sheets("Е"), title="").read_bytes()

    def refuse(source, target):
        raise OSError(18, "Invalid cross-device link")

    monkeypatch.setattr(workbook_cache.os, "link", refuse)
    copied = write_workbook(tmp_path / "b.xlsx", sheets("Е"), title="")
    assert copied.read_bytes() == good and copied.stat().st_nlink == 1


def test_a_later_refusal_names_the_cell_without_loading_the_file(region, tmp_path, monkeypatch):
    """A re-run that refuses a row of an unchanged file (as a later stage does) names the same sheet and cell as
    a run that read the file, and loads nothing of the file's read from the cache."""
    cache = tmp_path / "cache"
    intake(region, cache, monkeypatch)
    issues, loaded = [], []
    for run in (cold_intake(region, monkeypatch), intake(region, cache, monkeypatch)):
        staff = run.records["staff"]
        file = staff["file"].iloc[-1]
        run.refuse("staff", staff["file"] == file, "unknown_organisation", "org_code")
        issues.append([row for row in run.log.rows if row["code"] == "unknown_organisation"])
        loaded.append(file in run.mapped._loaded)
    assert loaded == [True, False]  # the cold run read the file; the warm one recalled its kind
    cold, warm = issues
    assert cold and [(i["sheet"], i["cell"], i["column"]) for i in warm] == [
        (i["sheet"], i["cell"], i["column"]) for i in cold
    ]
    assert all(i["cell"][0].isalpha() and i["cell"][1:].isdigit() for i in warm)
