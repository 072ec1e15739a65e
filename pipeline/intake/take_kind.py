"""Taking in one kind of submission shard by shard of its senders, each shard's outcome kept in the memo: a
re-run after one school's new staff list validates and folds that school's shard, not the whole kind."""

import zlib
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from pipeline.config import RegionConfig
from pipeline.intake.authority import SCOPES, Authority, allowed_titles, out_of_scope, scope_of
from pipeline.intake.cache import code_version as read_version
from pipeline.intake.discover import Submission
from pipeline.intake.layout import MappedFile
from pipeline.intake.snapshots import FileCounts, merge_snapshots, rows_by_file
from pipeline.intake.validate import contextual_checks, duplicate_keys, validate_sheet
from pipeline.issues import ERROR, IssueLog
from pipeline.memo import Memo, fingerprint
from schemas.columns import columns_of
from schemas.kinds import Sheet, SubmissionKind
from schemas.parse import ParseContext

META_COLUMNS = ("file", "row", "sender", "submitted", "plan_year", "quarter")
# Every check and fold works within one sender's files (the snapshots of a sender and period, the scope of
# its rows, duplicates within a file), so a shard of senders is taken in alone. A changed file costs its
# shard: about 1/64 of its kind.
SHARDS = 64
# What shapes taking in a kind once its files are read: validation, snapshots, scopes, issue texts, schemas.
KIND_SOURCES = ("pipeline/intake", "pipeline/issues.py", "pipeline/config.py", "schemas")


@dataclass
class KindOutcome:
    """What taking in a kind, or a shard of its senders, yields: a pure function of the files, their senders'
    roles, the programs' providers (for the kinds whose scope goes through a program) and the settings."""

    records: dict[str, pd.DataFrame]  # Sheet.name -> records in force, sorted as _frame sorts them
    archive: dict[str, pd.DataFrame]
    counts: dict[str, FileCounts]
    read_issues: dict[str, list[dict]]  # file -> what reading it found, so a recalled shard needs no file
    issues: list[dict]  # what taking the files in found
    # file -> Sheet.name -> (the sheet's title, schema column -> letter): where an issue of a later stage points,
    # without loading the file's read again
    layouts: dict[str, dict[str, tuple[str, dict[str, str]]]] = field(default_factory=dict)


def shard_of(login: str) -> int:
    """A sender's shard: the same on every run and machine (hash() of a str is salted per process)."""
    return zlib.crc32(login.encode()) % SHARDS


def take_kind(
    kind: SubmissionKind,
    of_kind: list[Submission],
    reads: Mapping[str, MappedFile],
    keys: Mapping[str, str],
    context: ParseContext,
    authority: Authority,
    programs_of: dict[str, str],
    config: RegionConfig,
) -> KindOutcome:
    """The kind's records, archive, counts and issues. `keys[file]` is the key of the file's cached read (its
    bytes and what its path says). A kind kept whole for the same shards is recalled; otherwise the unchanged
    shards are recalled, the others taken in together in one batch, and the kind put together."""
    shard_memo = Memo("intake-shards", KIND_SOURCES)
    kind_memo = Memo("intake-kinds", KIND_SOURCES)
    shards: dict[int, list[Submission]] = defaultdict(list)
    for sub in of_kind:
        shards[shard_of(sub.login)].append(sub)
    common = _common_key(kind, programs_of, config) if shard_memo.enabled else ""
    shard_keys = {n: _shard_key(common, shards[n], keys, authority) for n in sorted(shards)} if common else {}
    kind_key = fingerprint(common, sorted(shard_keys.items())) if shard_keys else ""
    found, whole = kind_memo.recall(kind_key) if kind_key else (False, None)
    if found:
        return whole
    outcomes, pending = {}, set()
    for number in sorted(shards):
        found, outcome = shard_memo.recall(shard_keys[number]) if shard_keys else (False, None)
        if found:
            outcomes[number] = outcome
        else:
            pending.add(number)
    whole = None
    if pending:
        batch = [s for s in of_kind if shard_of(s.login) in pending]
        fresh, whole = take_shards(kind, batch, reads, context, authority, programs_of, config)
        for number in sorted(pending):
            outcomes[number] = fresh[number]
            if shard_keys:
                shard_memo.keep(shard_keys[number], fresh[number])
    if len(pending) < len(shards) or whole is None:  # the batch was not the whole kind
        whole = _combined(kind, [outcomes[n] for n in sorted(outcomes)])
    # A kind taken in afresh, or put together from shards all kept, is kept whole for the runs that leave it
    # be. After a change to some of its shards it is not: the next upload most likely changes it again, and
    # a big kind's entry (the staff lists: ~20 MB) would be written on every such run for nothing.
    if kind_key and len(pending) in (0, len(shards)):
        kind_memo.keep(kind_key, whole)
    return whole


def _common_key(kind: SubmissionKind, programs_of: dict[str, str], config: RegionConfig) -> str:
    """What every shard of the kind depends on besides its own files and senders. The programs' providers
    matter only where a row's scope goes through its program (schedule, execution)."""
    through_programs = any(SCOPES.get(s.name, (None, None, None))[2] is not None for s in kind.sheets)
    programs = sorted(programs_of.items()) if through_programs else None
    return fingerprint(kind.slug, programs, config, read_version())


def _shard_key(common: str, subs: list[Submission], keys: Mapping[str, str], authority: Authority) -> str:
    """The shard's files (by the keys of their cached reads) and the roles of its senders, the only roles
    authorising and scoping its rows read (sets sorted: their order is not stable between runs)."""
    roles = []
    for login in sorted({s.login for s in subs}):
        r = authority.of(login)
        held = (
            (r.region, *map(sorted, (r.municipalities, r.providers, r.organisations)))
            if r is not None
            else None
        )
        roles.append((login, held))
    return fingerprint(common, "\n".join(keys[s.name] for s in subs), roles)


def take_shards(
    kind: SubmissionKind,
    batch: list[Submission],
    reads: Mapping[str, MappedFile],
    context: ParseContext,
    authority: Authority,
    programs_of: dict[str, str],
    config: RegionConfig,
) -> tuple[dict[int, KindOutcome], KindOutcome]:
    """Authorise, validate and fold the files of some shards in one batch (validation pays a fixed cost per
    call), then split what it yields by shard: each shard's outcome, and the batch's as a whole. Each shard's
    issues keep the order the batch found them in."""
    # The files' own reading issues go first: validation leaves rows with an error out of the fold.
    log = IssueLog([row for s in batch for row in reads[s.name].log.rows])
    first_issue = len(log.rows)
    numbers = sorted({shard_of(s.login) for s in batch})
    records = {n: {} for n in numbers}
    archive = {n: {} for n in numbers}
    whole_records, whole_archive = {}, {}
    counts: dict[str, FileCounts] = {}
    allowed = _authorise(kind, batch, authority, log)
    files_ok = [reads[s.name] for s in batch if s.name in allowed and reads[s.name].readable]
    by_period = defaultdict(list)
    for sub in batch:
        by_period[sub.period_key].append(sub)
    for sheet in kind.sheets:
        frame = validate_sheet(sheet, files_ok, context, log)
        contextual_checks(sheet, frame, files_ok, log)
        duplicate_keys(sheet, frame, files_ok, log)
        _check_scope(sheet.name, sheet.title, frame, files_ok, authority, programs_of, log)
        error_rows = _error_rows(log, kind, sheet.title, files_ok)
        usable = {m.submission.name: sheet.name in m.sheets for m in files_ok}
        rows_of = rows_by_file(frame)
        in_force, gone = [], []
        for group in by_period.values():
            merged = merge_snapshots(sheet, group, rows_of, error_rows, usable, counts, log)
            in_force.extend(merged.records)
            gone.extend(merged.archive)
        # One frame for the batch, cut by shard (a frame per shard costs more than the rows in it).
        (columns, kinds), (columns_gone, kinds_gone) = _shapes(sheet)
        whole_records[sheet.name] = _frame(in_force, columns, sheet.key, kinds)
        whole_archive[sheet.name] = _frame(gone, columns_gone, sheet.key, kinds_gone)
        cut = _by_shard(whole_records[sheet.name], numbers)
        cut_gone = _by_shard(whole_archive[sheet.name], numbers)
        for number in numbers:
            records[number][sheet.name] = cut[number]
            archive[number][sheet.name] = cut_gone[number]
    _flag_late(kind, batch, allowed, config, log)
    for sub in batch:
        counts.setdefault(sub.name, FileCounts())
    shard_of_file = {s.name: shard_of(s.login) for s in batch}
    issues = {n: [] for n in numbers}
    for issue in log.rows[first_issue:]:
        # Every issue of taking files in names its file; anything else would stay with the first shard.
        issues[shard_of_file.get(issue["file"], numbers[0])].append(issue)
    outcomes = {n: KindOutcome(records[n], archive[n], {}, {}, issues[n]) for n in numbers}
    layouts = {s.name: layout_of(reads[s.name]) for s in batch}
    for sub in batch:
        outcome = outcomes[shard_of_file[sub.name]]
        outcome.counts[sub.name] = counts[sub.name]
        outcome.read_issues[sub.name] = list(reads[sub.name].log.rows)
        outcome.layouts[sub.name] = layouts[sub.name]
    read_issues = {s.name: list(reads[s.name].log.rows) for s in batch}
    whole = KindOutcome(whole_records, whole_archive, counts, read_issues, log.rows[first_issue:], layouts)
    return outcomes, whole


def layout_of(mapped: MappedFile) -> dict[str, tuple[str, dict[str, str]]]:
    """Each sheet's title and column letters as the file has them."""
    return {name: (part.title, dict(part.letters)) for name, part in mapped.sheets.items()}


def _by_shard(frame: pd.DataFrame, numbers: list[int]) -> dict[int, pd.DataFrame]:
    """The frame's rows by their sender's shard, in the frame's order; an empty frame for a shard without."""
    empty = frame.iloc[:0]
    if frame.empty:
        return dict.fromkeys(numbers, empty)
    senders = frame["sender"]
    shard = senders.map({login: shard_of(login) for login in senders.unique()}).to_numpy()
    pieces = {n: piece.reset_index(drop=True) for n, piece in frame.groupby(shard, sort=True)}
    return {n: pieces.get(n, empty) for n in numbers}


def _combined(kind: SubmissionKind, parts: list[KindOutcome]) -> KindOutcome:
    """The shards' outcomes as one: each sheet's frames stacked as _frame would build them from all rows."""
    records, archive, counts, read_issues, issues, layouts = {}, {}, {}, {}, [], {}
    for sheet in kind.sheets:
        (columns, kinds), (columns_gone, kinds_gone) = _shapes(sheet)
        records[sheet.name] = _stacked([p.records[sheet.name] for p in parts], columns, sheet.key, kinds)
        archive[sheet.name] = _stacked(
            [p.archive[sheet.name] for p in parts], columns_gone, sheet.key, kinds_gone
        )
    for part in parts:
        counts.update(part.counts)
        read_issues.update(part.read_issues)
        issues.extend(part.issues)
        layouts.update(part.layouts)
    return KindOutcome(records, archive, counts, read_issues, issues, layouts)


def _shapes(sheet: Sheet) -> tuple[tuple[list[str], dict[str, str]], tuple[list[str], dict[str, str]]]:
    """The columns and value kinds of a sheet's records in force and of its archive."""
    kinds = {i.name: i.kind for i in columns_of(sheet.model)}
    columns = [*META_COLUMNS, *kinds]
    return (columns, kinds), ([*columns, "archived_on", "archived_by"], {**kinds, "archived_on": "date"})


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
    return _sorted(frame, key)


def _sorted(frame: pd.DataFrame, key: tuple[str, ...]) -> pd.DataFrame:
    return frame.sort_values(["sender", *key, "file"], kind="stable", na_position="first").reset_index(
        drop=True
    )


def _stacked(
    frames: list[pd.DataFrame], columns: list[str], key: tuple[str, ...], kinds: dict[str, str]
) -> pd.DataFrame:
    """The shards' frames (each cut from a frame _frame made) as _frame makes one from all their rows. The
    columns _frame leaves to inference depend on the batch a piece was cut from (text where the batch had a
    value, object where it had none), so they are inferred again over all rows."""
    filled = [f for f in frames if not f.empty]
    if not filled:
        return _frame([], columns, key, kinds)
    frame = pd.concat(filled, ignore_index=True) if len(filled) > 1 else filled[0].copy()
    for column in columns:
        if column in ("row", "plan_year", "quarter") or kinds.get(column) in KIND_DTYPES:
            continue  # typed by _frame whatever the rows
        if frame[column].isna().all():
            frame[column] = frame[column].astype("object")
        elif frame[column].dtype == object:
            frame[column] = frame[column].infer_objects()
    if len(filled) == 1:
        return frame
    # Every piece is in _frame's order and a sender's rows lie in one piece: ordering the pieces' rows by
    # sender alone, stably, gives _frame's order over all rows.
    return frame.sort_values("sender", kind="stable").reset_index(drop=True)
