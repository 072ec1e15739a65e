"""The intake stage: discover every file, read it, authorise its sender, validate it, fold snapshots."""

import os
from collections import defaultdict
from collections.abc import Callable, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pipeline.config import RegionConfig
from pipeline.intake.authority import Authority, allowed_titles, out_of_scope, scope_of
from pipeline.intake.cache import IntakeCache, cached_read, entry_key
from pipeline.intake.cache import code_version as read_version
from pipeline.intake.discover import Submission, describe
from pipeline.intake.layout import MappedFile
from pipeline.intake.snapshots import FileCounts, merge_snapshots, rows_by_file
from pipeline.intake.validate import contextual_checks, duplicate_keys, validate_sheet
from pipeline.issues import ERROR, IssueLog
from pipeline.memo import Memo, fingerprint
from schemas.columns import columns_of
from schemas.kinds import KINDS, SubmissionKind
from schemas.parse import ParseContext

META_COLUMNS = ("file", "row", "sender", "submitted", "plan_year", "quarter")
PARALLEL_FROM = 40  # files; below this, worker processes cost more than they save
# What shapes taking in a kind once its files are read: validation, snapshots, scopes, issue texts, schemas.
KIND_SOURCES = ("pipeline/intake", "pipeline/issues.py", "pipeline/config.py", "schemas")


@dataclass
class IntakeResult:
    """The region's accepted submissions: records in force and archived, per sheet, with every issue."""

    submissions: list[Submission]
    records: dict[str, pd.DataFrame]  # Sheet.name -> records in force: META_COLUMNS + the schema's columns
    archive: dict[str, pd.DataFrame]  # Sheet.name -> archived records, plus archived_on, archived_by
    counts: dict[str, FileCounts]  # file -> rows in, accepted, kept, refused
    log: IssueLog
    mapped: Mapping[str, MappedFile] = field(default_factory=dict)  # file -> what was read, for feedback

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
            mapped = self.mapped.get(record["file"])
            part = mapped.sheets.get(sheet_name) if mapped else None
            letter = part.letters.get(column, "") if part else ""
            title = part.title if part else sheet.title
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
    described = (describe(p, inputs, config.plan_years, log, login_for.get(p)) for p in files)
    submissions = [s for s in described if s]
    mapped = _read_all(submissions, progress)
    context = ParseContext({m.code: m.name for m in config.municipalities})
    authority = Authority(config.regional_login)
    records, archive, counts = {}, {}, {}
    read_issues: dict[str, list[dict]] = {}
    kind_issues: list[dict] = []
    programs_of: dict[str, str] = {}
    taken = Memo("intake-kinds", KIND_SOURCES)
    for kind in KINDS:
        of_kind = [s for s in submissions if s.kind is kind]
        key = _kind_key(kind, of_kind, authority, programs_of, config) if taken.enabled else ""
        found, outcome = taken.recall(key) if key else (False, None)
        if not found:
            # The files' own reading issues go first: validation leaves rows with an error out of the fold.
            kind_log = IssueLog([row for s in of_kind for row in mapped[s.name].log.rows])
            outcome = _take_kind(kind, of_kind, mapped, context, authority, programs_of, config, kind_log)
            if key:
                taken.keep(key, outcome)
        else:  # what _take_kind would have done to the senders' roles
            for name, frame in outcome.records.items():
                authority.learn(name, frame)
        read_issues.update(outcome.read_issues)
        kind_issues.extend(outcome.issues)
        records.update(outcome.records)
        archive.update(outcome.archive)
        counts.update(outcome.counts)
        programs_of = outcome.programs_of if outcome.programs_of is not None else programs_of
    for sub in submissions:
        log.rows.extend(read_issues[sub.name])
    log.rows.extend(kind_issues)
    return IntakeResult(submissions, records, archive, counts, log, mapped)


@dataclass
class KindOutcome:
    """What taking in one kind of submission yields; a pure function of its files, the senders' roles
    known so far, the programs' providers and the region's settings."""

    records: dict[str, pd.DataFrame]
    archive: dict[str, pd.DataFrame]
    counts: dict[str, FileCounts]
    read_issues: dict[str, list[dict]]  # file -> what reading it found, so a recalled kind needs no file
    issues: list[dict]  # what taking the kind in found
    programs_of: dict[str, str] | None  # set by the programs' kind, read by the later ones


def _take_kind(
    kind: SubmissionKind,
    of_kind: list[Submission],
    mapped: dict[str, MappedFile],
    context: ParseContext,
    authority: Authority,
    programs_of: dict[str, str],
    config: RegionConfig,
    log: IssueLog,
) -> KindOutcome:
    first_issue = len(log.rows)
    read_issues = {s.name: list(mapped[s.name].log.rows) for s in of_kind}
    records, archive, counts = {}, {}, {}
    new_programs = None
    allowed = _authorise(kind, of_kind, authority, log)
    files_ok = [mapped[s.name] for s in of_kind if s.name in allowed and mapped[s.name].readable]
    for sheet in kind.sheets:
        frame = validate_sheet(sheet, files_ok, context, log)
        contextual_checks(sheet, frame, files_ok, log)
        duplicate_keys(sheet, frame, files_ok, log)
        _check_scope(sheet.name, sheet.title, frame, files_ok, authority, programs_of, log)
        error_rows = _error_rows(log, kind, sheet.title, files_ok)
        usable = {m.submission.name: sheet.name in m.sheets for m in files_ok}
        by_period = defaultdict(list)
        for sub in of_kind:
            by_period[sub.period_key].append(sub)
        in_force, gone = [], []
        rows_of = rows_by_file(frame)
        for group in by_period.values():
            merged = merge_snapshots(sheet, group, rows_of, error_rows, usable, counts, log)
            in_force.extend(merged.records)
            gone.extend(merged.archive)
        kinds = {i.name: i.kind for i in columns_of(sheet.model)}
        columns = [*META_COLUMNS, *kinds]
        records[sheet.name] = _frame(in_force, columns, sheet.key, kinds)
        kinds_gone = {**kinds, "archived_on": "date"}
        archive[sheet.name] = _frame(gone, [*columns, "archived_on", "archived_by"], sheet.key, kinds_gone)
        authority.learn(sheet.name, records[sheet.name])
        if sheet.name == "programs":
            new_programs = programs_of = dict(
                zip(records["programs"]["program_code"], records["programs"]["provider_code"], strict=True)
            )
    _flag_late(kind, of_kind, allowed, config, log)
    for sub in of_kind:
        counts.setdefault(sub.name, FileCounts())
    return KindOutcome(records, archive, counts, read_issues, log.rows[first_issue:], new_programs)


def _kind_key(kind, of_kind, authority: Authority, programs_of, config: RegionConfig) -> str:
    """Everything _take_kind reads: the files (by the key of their cached read: the same bytes and path read
    by the same code), the roles it checks them against (sets sorted: their order is not stable between
    runs), the programs' providers, the settings."""
    files = [entry_key(s) for s in of_kind]
    roles = sorted(
        (login, r.region, sorted(r.municipalities), sorted(r.providers), sorted(r.organisations))
        for login, r in authority.roles.items()
    )
    return fingerprint(kind.slug, files, roles, sorted(programs_of.items()), config, read_version())


def _read_all(submissions: list[Submission], progress) -> "Reads":
    """Reads the files the cache does not hold, in parallel; the others are loaded only when asked for."""
    if progress:
        progress(f"Чтение файлов: {len(submissions)}")
    cache = IntakeCache.default()
    missing = [s for s in submissions if cache is None or not cache.holds(s)]
    workers = min(os.cpu_count() or 1, 4)
    if len(missing) < PARALLEL_FROM or workers < 2:
        fresh = {s.name: cached_read(s, cache) for s in missing}
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            results = pool.map(cached_read, missing, [cache] * len(missing), chunksize=8)
            fresh = {m.submission.name: m for m in results}
    return Reads(submissions, cache, fresh)


class Reads(Mapping):
    """Every file's read by name. A cached read is loaded on first use: a re-run whose kinds are recalled
    whole never loads the grids of unchanged files (the feedback stage asks only for the files it writes)."""

    def __init__(
        self, submissions: list[Submission], cache: IntakeCache | None, fresh: dict[str, MappedFile]
    ):
        self._submissions = {s.name: s for s in submissions}
        self._cache = cache
        self._loaded = dict(fresh)

    def __getitem__(self, name: str) -> MappedFile:
        if name not in self._loaded:
            submission = self._submissions[name]
            found = self._cache.load(submission) if self._cache is not None else None
            # An entry damaged since it was listed is read again from the file.
            self._loaded[name] = found if found is not None else cached_read(submission, self._cache)
        return self._loaded[name]

    def __iter__(self):
        return iter(self._submissions)

    def __len__(self) -> int:
        return len(self._submissions)


def _authorise(
    kind: SubmissionKind, submissions: list[Submission], authority: Authority, log: IssueLog
) -> set[str]:
    allowed = set()
    for sub in submissions:
        where = {"file": sub.name, "login": sub.login, "kind": kind.slug}
        roles = authority.of(sub.login)
        if roles is None:
            log.add("submitter_unknown", value=sub.login, **where)
        elif not roles.levels & set(kind.levels):
            log.add(
                "submitter_not_allowed",
                kind_title=kind.title,
                level_title=roles.level_title(),
                allowed=allowed_titles(kind),
                **where,
            )
        else:
            allowed.add(sub.name)
    return allowed


def _check_scope(
    sheet_name: str,
    title: str,
    frame: pd.DataFrame,
    files: list[MappedFile],
    authority: Authority,
    programs_of: dict[str, str],
    log: IssueLog,
) -> None:
    if frame.empty:
        return
    roles_by_file = {m.submission.name: authority.of(m.submission.login) for m in files}
    outside = out_of_scope(sheet_name, frame, roles_by_file, programs_of)
    by_name = {m.submission.name: m for m in files}
    column = _scope_column(sheet_name)
    for index in frame.index[outside != ""]:
        mapped = by_name[frame.at[index, "file"]]
        roles = roles_by_file[mapped.submission.name]
        sheet_part = mapped.sheets.get(sheet_name)
        row = int(frame.at[index, "row"])
        info = next(i for i in columns_of(sheet_part.sheet.model) if i.name == column)
        letter = sheet_part.letters.get(column, "")
        log.add(
            "row_out_of_scope",
            sheet=sheet_part.title,
            row=row,
            column=info.header,
            cell=f"{letter}{row}",
            value=outside[index],
            expected=scope_of(roles, sheet_name),
            **mapped.where,
        )


def _scope_column(sheet_name: str) -> str:
    return {
        "organisations": "municipality",
        "programs": "provider_code",
        "schedule_groups": "program_code",
    }.get(sheet_name, "group_code" if sheet_name.startswith(("schedule_", "execution_")) else "org_code")


def _error_rows(log: IssueLog, kind: SubmissionKind, title: str, files: list[MappedFile]) -> set[tuple]:
    names = {m.submission.name: m for m in files}
    rows = set()
    for issue in log.rows:
        if issue["severity"] != ERROR or issue["row"] is None or issue["file"] not in names:
            continue
        mapped = names[issue["file"]]
        titles = {part.title for part in mapped.sheets.values() if part.sheet.title == title}
        if issue["sheet"] in titles:
            rows.add((issue["file"], issue["row"]))
    return rows


def _flag_late(
    kind: SubmissionKind,
    submissions: list[Submission],
    allowed: set[str],
    config: RegionConfig,
    log: IssueLog,
) -> None:
    if kind.deadline is None:
        return
    for sub in submissions:
        if sub.name not in allowed:
            continue
        deadline = config.deadline(kind.deadline, sub.plan_year, sub.quarter)
        if sub.submitted > deadline:
            log.add(
                "file_late",
                file=sub.name,
                login=sub.login,
                kind=kind.slug,
                value=sub.submitted.strftime("%d.%m.%Y"),
                expected=deadline.strftime("%d.%m.%Y"),
            )


def deadline_of(sub: Submission, config: RegionConfig):
    return config.deadline(sub.kind.deadline, sub.plan_year, sub.quarter) if sub.kind.deadline else None


# The schema's value kinds as the dtypes records in force carry, empty or not.
KIND_DTYPES = {
    "int": "Int64",
    "year": "Int64",
    "date": "datetime64[s]",
    "date_or_indefinite": "datetime64[s]",
}


def _frame(rows: list[dict], columns: list[str], key: tuple[str, ...], kinds: dict[str, str]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=columns)
    for column in ("row", "plan_year", "quarter"):
        frame[column] = pd.array(frame[column], dtype="Int64")
    for column, kind in kinds.items():
        if kind in KIND_DTYPES:
            frame[column] = frame[column].astype(KIND_DTYPES[kind])
        elif frame[column].isna().all():
            frame[column] = frame[column].astype("object")  # an empty text column stays text, not float
    if frame.empty:
        return frame
    return frame.sort_values(["sender", *key, "file"], kind="stable", na_position="first").reset_index(
        drop=True
    )
