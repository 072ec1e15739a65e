"""The intake stage: discover every file, read it, authorise its sender, validate it, fold snapshots."""

import os
import sys
from collections.abc import Callable, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pipeline.config import RegionConfig
from pipeline.intake.authority import Authority
from pipeline.intake.cache import IntakeCache, cached_read, entry_key
from pipeline.intake.discover import Places, Submission, describe
from pipeline.intake.layout import MappedFile
from pipeline.intake.snapshots import FileCounts
from pipeline.intake.take_kind import META_COLUMNS, take_kind
from pipeline.issues import IssueLog
from schemas.columns import columns_of
from schemas.kinds import KINDS
from schemas.parse import ParseContext

__all__ = ["META_COLUMNS", "IntakeResult", "deadline_of", "take_in"]
PARALLEL_FROM = 40  # files; below this, worker processes cost more than they save
CLUSTER_ENV = "ASUPK_DASK_SCHEDULER"  # a Dask scheduler's address: its workers read the files (README, Scale)
CLUSTER_TIMEOUT = "5s"


@dataclass
class IntakeResult:
    """The region's accepted submissions: records in force and archived, per sheet, with every issue."""

    submissions: list[Submission]
    records: dict[str, pd.DataFrame]  # Sheet.name -> records in force: META_COLUMNS + the schema's columns
    archive: dict[str, pd.DataFrame]  # Sheet.name -> archived records, plus archived_on, archived_by
    counts: dict[str, FileCounts]  # file -> rows in, accepted, kept, refused
    log: IssueLog
    mapped: Mapping[str, MappedFile] = field(default_factory=dict)  # file -> what was read, for feedback
    # file -> Sheet.name -> (title, column letters), kept with the kinds: see place_of
    layouts: dict[str, dict[str, tuple[str, dict[str, str]]]] = field(default_factory=dict)

    def place_of(self, file: str, sheet_name: str) -> tuple[str, dict[str, str]] | None:
        """The title and column letters of a file's sheet, or None when the file has no such sheet. Known
        without loading the file's read: a re-run that refuses a row of an unchanged file loads nothing."""
        return self.layouts.get(file, {}).get(sheet_name)

    def refuse(
        self,
        sheet_name: str,
        mask: pd.Series,
        code: str,
        column: str,
        params: Callable[[pd.Series], dict] | None = None,
    ) -> None:
        """Refuse records in force that a later stage finds wrong: they leave the records, the file's counts
        move from accepted to refused, and the issue names the file, sheet, row and cell."""
        frame = self.records[sheet_name]
        if frame.empty or not mask.any():
            return
        for record in self._note(sheet_name, mask, code, column, params):
            counts = self.counts[record["file"]]
            counts.accepted -= 1
            counts.refused += 1
        self.records[sheet_name] = frame[~mask].reset_index(drop=True)

    def warn(
        self,
        sheet_name: str,
        mask: pd.Series,
        code: str,
        column: str,
        params: Callable[[pd.Series], dict] | None = None,
    ) -> None:
        """An issue on records in force that stay accepted (the code's template is a warning)."""
        if not self.records[sheet_name].empty and mask.any():
            list(self._note(sheet_name, mask, code, column, params))

    def _note(self, sheet_name, mask, code, column, params):
        frame = self.records[sheet_name]
        kind, sheet = next((k, s) for k in KINDS for s in k.sheets if s.name == sheet_name)
        info = next(i for i in columns_of(sheet.model) if i.name == column)
        for _, record in frame[mask].iterrows():
            place = self.place_of(record["file"], sheet_name)
            letter = place[1].get(column, "") if place else ""
            title = place[0] if place else sheet.title
            extra = params(record) if params else {}
            value = extra.pop("value", record[column])
            self.log.add(
                code,
                file=record["file"],
                login=record["sender"],
                kind=kind.slug,
                sheet=title,
                row=int(record["row"]),
                column=info.header,
                cell=f"{letter}{int(record['row'])}",
                value=value,
                **extra,
            )
            yield record


def take_in(
    files: list[Path],
    inputs: Path,
    config: RegionConfig,
    login_for: dict[Path, str] | None = None,
    progress: Callable[[str], None] | None = None,
) -> IntakeResult:
    """Read, authorise, validate and fold every file into the records in force. `login_for` names the sender
    of a file that lies outside inputs/<login>/ (pipeline check --login)."""
    log = IssueLog()
    login_for = login_for or {}
    places = Places(inputs)
    described = (describe(p, inputs, config.plan_years, log, login_for.get(p), places) for p in files)
    submissions = [s for s in described if s]
    keys = {s.name: entry_key(s) for s in submissions}  # worked out once: the reads and the memo use them
    mapped = _read_all(submissions, keys, progress)
    context = ParseContext({m.code: m.name for m in config.municipalities})
    authority = Authority(config.regional_login)
    records, archive, counts, layouts = {}, {}, {}, {}
    read_issues: dict[str, list[dict]] = {}
    kind_issues: list[dict] = []
    programs_of: dict[str, str] = {}
    for kind in KINDS:
        of_kind = [s for s in submissions if s.kind is kind]
        outcome = take_kind(kind, of_kind, mapped, keys, context, authority, programs_of, config)
        for name, frame in outcome.records.items():  # the roles later kinds' senders are checked against
            authority.learn(name, frame)
        if "programs" in outcome.records:
            programs = outcome.records["programs"]
            programs_of = dict(zip(programs["program_code"], programs["provider_code"], strict=True))
        read_issues.update(outcome.read_issues)
        kind_issues.extend(outcome.issues)
        records.update(outcome.records)
        archive.update(outcome.archive)
        counts.update(outcome.counts)
        layouts.update(outcome.layouts)
    for sub in submissions:
        log.rows.extend(read_issues[sub.name])
    log.rows.extend(kind_issues)
    return IntakeResult(submissions, records, archive, counts, log, mapped, layouts)


def _read_all(submissions: list[Submission], keys: dict[str, str], progress) -> "Reads":
    """Reads the files the cache does not hold, in parallel; the others are loaded only when asked for."""
    if progress:
        progress(f"Чтение файлов: {len(submissions)}")
    cache = IntakeCache.default()
    missing = [s for s in submissions if cache is None or not cache.holds(s, keys[s.name])]
    address = os.environ.get(CLUSTER_ENV, "").strip()
    fresh = _read_on_cluster(address, missing, cache) if address and missing else None
    if fresh is None:
        fresh = _read_here(missing, cache)
    return Reads(submissions, cache, fresh, keys)


def _read_here(missing: list[Submission], cache: IntakeCache | None) -> dict[str, MappedFile]:
    """Read the files in worker processes of this machine, or in this process when they are few."""
    workers = min(os.cpu_count() or 1, 4)
    if len(missing) < PARALLEL_FROM or workers < 2:
        return {s.name: cached_read(s, cache) for s in missing}
    with ProcessPoolExecutor(max_workers=workers) as pool:
        results = pool.map(cached_read, missing, [cache] * len(missing), chunksize=8)
        return {m.submission.name: m for m in results}


def _read_on_cluster(
    address: str, missing: list[Submission], cache: IntakeCache | None
) -> dict[str, MappedFile] | None:
    """Read the files on the workers of the Dask cluster at `address`: one task per file, as the local worker
    processes do. The workers must see the files at the same paths (and the cache, for it to fill). None when
    dask.distributed is not installed or the cluster does not answer: the files are then read on this machine."""
    try:
        from distributed import Client
    except ImportError:
        _warn(
            f"задан кластер Dask ({CLUSTER_ENV}={address}), но пакет distributed не установлен (pip install distributed)"
        )
        return None
    try:
        with Client(address, timeout=CLUSTER_TIMEOUT, set_as_default=False) as client:
            results = client.get_executor(pure=False).map(cached_read, missing, [cache] * len(missing))
            return {m.submission.name: m for m in results}
    except (OSError, TimeoutError) as error:
        _warn(f"кластер Dask по адресу {address} ({CLUSTER_ENV}) не отвечает: {error}")
        return None


def _warn(problem: str) -> None:
    print(f"Внимание: {problem}. Файлы читаются на этой машине.", file=sys.stderr)


class Reads(Mapping):
    """Every file's read by name. A cached read is loaded on first use: a re-run whose shards are recalled
    never loads the grids of unchanged files (the feedback stage asks only for the files it writes)."""

    def __init__(
        self,
        submissions: list[Submission],
        cache: IntakeCache | None,
        fresh: dict[str, MappedFile],
        keys: dict[str, str] | None = None,
    ):
        self._submissions = {s.name: s for s in submissions}
        self._cache = cache
        self._loaded = dict(fresh)
        self._keys = keys or {}

    def __getitem__(self, name: str) -> MappedFile:
        if name not in self._loaded:
            submission = self._submissions[name]
            key = self._keys.get(name)
            found = self._cache.load(submission, key) if self._cache is not None else None
            # An entry damaged since it was listed is read again from the file.
            self._loaded[name] = found if found is not None else cached_read(submission, self._cache)
        return self._loaded[name]

    def __iter__(self):
        return iter(self._submissions)

    def __len__(self) -> int:
        return len(self._submissions)


def deadline_of(sub: Submission, config: RegionConfig):
    return config.deadline(sub.kind.deadline, sub.plan_year, sub.quarter) if sub.kind.deadline else None
