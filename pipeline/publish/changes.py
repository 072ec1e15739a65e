"""What changed since the previous run: this build's open data against the open data of the site it replaces."""

import pandas as pd

from pipeline.publish.open_data import records
from pipeline.publish.render import ru_date

SCHEDULE_FIELDS = (
    ("start_date", "начало"),
    ("end_date", "окончание"),
    ("place", "место"),
    ("capacity", "мест"),
)


def changes_since(
    tables: dict[str, pd.DataFrame], previous: dict[str, list[dict]] | None
) -> list[str] | None:
    """Russian sentences, one per change, in a fixed order; [] when nothing changed; None without a previous run."""
    if not previous:
        return None
    now = {name: records(table) for name, table in tables.items()}
    lines: list[str] = []
    lines += _figures(now.get("key_figures", []), previous.get("key_figures", []))
    lines += _keyed(now, previous, "catalog", "program_code", "title", "Программа")
    lines += _status(now.get("schedule", []), previous.get("schedule", []))
    lines += _keyed(now, previous, "schedule", "group_code", "title", "Группа")
    lines += _moved_groups(now.get("schedule", []), previous.get("schedule", []))
    lines += _submissions(now.get("submissions", []), previous.get("submissions", []))
    return lines


def _figures(now: list[dict], before: list[dict]) -> list[str]:
    old = {r["indicator"]: r["value"] for r in before}
    lines = []
    for row in now:
        was = old.get(row["indicator"])
        if row["indicator"] in old and was != row["value"]:
            lines.append(f"{row['indicator']}: было {_number(was)}, стало {_number(row['value'])}.")
    return lines


def _keyed(now: dict, previous: dict, name: str, key: str, label: str, noun: str) -> list[str]:
    if name not in now or name not in previous:
        return []
    current = {r[key]: r for r in now[name]}
    before = {r[key]: r for r in previous[name]}
    added = [
        f"{noun} {code} «{current[code][label]}»: добавлена." for code in sorted(set(current) - set(before))
    ]
    removed = [
        f"{noun} {code} «{before[code][label]}»: исключена." for code in sorted(set(before) - set(current))
    ]
    return added + removed


def _status(now: list[dict], before: list[dict]) -> list[str]:
    statuses_now = sorted({r.get("status") for r in now} - {None})
    statuses_before = sorted({r.get("status") for r in before} - {None})
    if statuses_before and statuses_now != statuses_before:
        return [
            f"Статус плана-графика: было «{', '.join(statuses_before)}», стало «{', '.join(statuses_now)}»."
        ]
    return []


def _moved_groups(now: list[dict], before: list[dict]) -> list[str]:
    old = {r["group_code"]: r for r in before}
    lines = []
    for row in sorted(now, key=lambda r: r["group_code"]):
        was = old.get(row["group_code"])
        if was is None:
            continue
        diffs = [
            f"{title} {_shown(was.get(column))} → {_shown(row.get(column))}"
            for column, title in SCHEDULE_FIELDS
            if was.get(column) != row.get(column)
        ]
        if diffs:
            lines.append(f"Группа {row['group_code']}: " + "; ".join(diffs) + ".")
    return lines


def _submissions(now: list[dict], before: list[dict]) -> list[str]:
    new_files = sorted({r["file"] for r in now} - {r["file"] for r in before})
    if not new_files:
        return []
    return [f"Новых файлов операторов: {len(new_files)}."]


def _shown(value: object) -> str:
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        return ru_date(pd.Timestamp(value))
    return "—" if value is None else str(value)


def _number(value: object) -> str:
    return "—" if value is None else str(value)
