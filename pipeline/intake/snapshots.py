"""Snapshots with history: the newest file of a submitter is in force, a broken row keeps its earlier valid
version, a record that disappears goes to the archive with the date it left (order, item 3.2)."""

from collections import defaultdict
from dataclasses import dataclass, field

import pandas as pd

from pipeline.intake.discover import Submission
from pipeline.issues import IssueLog
from schemas.columns import columns_of
from schemas.kinds import Sheet


@dataclass
class FileCounts:
    rows_in: int = 0
    accepted: int = 0
    kept: int = 0
    refused: int = 0


@dataclass
class Merged:
    records: list[dict] = field(default_factory=list)
    archive: list[dict] = field(default_factory=list)


def record_label(sheet: Sheet, record: dict) -> str:
    """A short label of a record for messages; personal keys are shown as their row, never printed whole."""
    parts = [
        str(record.get(k) or "")
        for k in sheet.key
        if k not in ("surname", "first_name", "patronymic", "birth_year")
    ]
    if len(parts) < len(sheet.key):
        parts.append(f"строка {record.get('row')} файла {record.get('file')}")
    return ", ".join(p for p in parts if p)


def rows_by_file(frame: pd.DataFrame) -> dict[str, list[dict]]:
    """Every validated row of a sheet as a record, by file: one pass over the frame for all its submitters."""
    grouped: dict[str, list[dict]] = defaultdict(list)
    if not frame.empty:
        for row in frame.to_dict("records"):
            grouped[row["file"]].append(row)
    return grouped


def merge_snapshots(
    sheet: Sheet,
    submissions: list[Submission],
    rows_of: dict[str, list[dict]],
    error_rows: set[tuple],
    usable: dict[str, bool],
    counts: dict[str, FileCounts],
    log: IssueLog,
) -> Merged:
    """Fold the files of one submitter and period, oldest first, into the records in force and the archive.

    `rows_of[file]` holds the file's validated rows of this sheet (file, row and the schema's); `error_rows` the
    (file, row) pairs with an error; `usable[file]` is False when the file changes nothing (unreadable, refused,
    or without this sheet)."""
    required_key = [k for k in sheet.key if next(i for i in columns_of(sheet.model) if i.name == k).required]
    state: dict[tuple, dict] = {}
    merged = Merged()
    previous_digest, previous_name = None, ""
    for sub in sorted(submissions, key=lambda s: s.order_key):
        where = {"file": sub.name, "login": sub.login, "kind": sub.kind.slug}
        count = counts.setdefault(sub.name, FileCounts())
        rows = rows_of.get(sub.name, [])
        if not usable.get(sub.name, False):
            count.rows_in += len(rows)
            count.refused += len(rows)
            continue
        if sub.digest == previous_digest and sheet is sub.kind.main_sheet:
            log.add("file_unchanged", value=previous_name, **where)
        previous_digest, previous_name = sub.digest, sub.name
        meta = {
            "sender": sub.login,
            "submitted": pd.Timestamp(sub.submitted),
            "plan_year": sub.plan_year,
            "quarter": sub.quarter,
        }
        new_state: dict[tuple, dict] = {}
        unkeyed = False
        for row in rows:
            count.rows_in += 1
            if any(_missing(row.get(k)) for k in required_key):
                unkeyed = True
                count.refused += 1
                continue
            key = tuple("" if _missing(row.get(k)) else row[k] for k in sheet.key)
            if (sub.name, row["row"]) not in error_rows and key not in new_state:
                new_state[key] = {**row, **meta}
                count.accepted += 1
            elif key in state and key not in new_state:
                new_state[key] = state[key]
                count.kept += 1
                log.add(
                    "row_kept_from_before",
                    sheet=sheet.title,
                    row=int(row["row"]),
                    value=state[key]["file"],
                    **where,
                )
            else:
                count.refused += 1
        for key, record in state.items():
            if key in new_state:
                continue
            label = record_label(sheet, record)
            if unkeyed:
                new_state[key] = record
                log.add("record_kept_unreadable", sheet=sheet.title, value=label, **where)
            else:
                merged.archive.append(
                    {**record, "archived_on": pd.Timestamp(sub.submitted), "archived_by": sub.name}
                )
                log.add("record_archived", sheet=sheet.title, value=label, **where)
        state = new_state
    merged.records.extend(state.values())
    return merged


def _missing(value) -> bool:
    if type(value) is str:  # most key cells: the fast path
        return not value.strip()
    return (
        value is None
        or value is pd.NA
        or value is pd.NaT
        or (isinstance(value, float) and value != value)
        or (isinstance(value, str) and not value.strip())
    )
