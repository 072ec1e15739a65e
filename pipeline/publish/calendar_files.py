"""ICS calendars of the plan-schedule: one all-day event per group, written as RFC 5545 text, deterministic to the byte."""

from datetime import date, timedelta

import pandas as pd

from pipeline.publish.render import slug

PRODID = "-//ASUPK//План-график ПК педагогов//RU"
LIMIT = 75  # octets of a content line before it folds (RFC 5545 3.1)


def schedule_ics(groups: pd.DataFrame, name: str, region: str, as_of: date, year: int) -> bytes:
    """A VCALENDAR with a VEVENT per group, spanning start..end inclusive; UIDs from the year and group code."""
    ordered = groups.sort_values(["start_date", "group_code"], kind="stable")
    return calendar_text(name, group_events(ordered, region, as_of, year))


def calendar_text(name: str, events: list[str]) -> bytes:
    """The calendar around already written events. Properties stand in the order icalendar writes them
    (its canonical order, then alphabetical), so the bytes are those icalendar's to_ical gave."""
    head = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"
        + _line(f"PRODID:{_text(PRODID)}")
        + "CALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\n"
        + _line(f"X-WR-CALNAME:{_text(name)}")
        + "X-WR-TIMEZONE:Asia/Yekaterinburg\r\n"
    )
    return (head + "".join(events) + "END:VCALENDAR\r\n").encode("utf-8")


def group_events(groups: pd.DataFrame, region: str, as_of: date, year: int) -> list[str]:
    """The VEVENT text of each group with both dates, in the frame's order."""
    stamp = f"{as_of:%Y%m%d}T000000Z"
    host = slug(region)
    events = []
    for g in groups.itertuples():
        if pd.isna(g.start_date) or pd.isna(g.end_date):
            continue
        end = g.end_date.date() + timedelta(days=1)  # DTEND of an all-day event is exclusive
        description = (
            f"Программа {g.program_code}, оператор ПК: {g.provider_name}. Мест: {_count(g.capacity)}. "
            f"Статус плана-графика: {g.status}."
        )
        events.append(
            "BEGIN:VEVENT\r\n"
            + _line(f"SUMMARY:{_text(f'{g.title} (группа {g.group_code})')}")
            + f"DTSTART;VALUE=DATE:{g.start_date:%Y%m%d}\r\n"
            + f"DTEND;VALUE=DATE:{end:%Y%m%d}\r\n"
            + f"DTSTAMP:{stamp}\r\n"
            + _line(f"UID:{_text(f'{year}-{slug(g.group_code)}@asupk.{host}')}")
            + _line(f"DESCRIPTION:{_text(description)}")
            + _line(f"LOCATION:{_text(g.place)}")
            + "TRANSP:TRANSPARENT\r\nEND:VEVENT\r\n"
        )
    return events


def _text(value: object) -> str:
    """A TEXT value escaped as RFC 5545 3.3.11 asks (the same replacements, in the same order, as icalendar)."""
    return (
        str(value)
        .replace(r"\N", "\n")
        .replace("\\", "\\\\")
        .replace(";", r"\;")
        .replace(",", r"\,")
        .replace("\r\n", r"\n")
        .replace("\n", r"\n")
        .replace("\r", r"\n")
    )


def _line(line: str) -> str:
    """A content line folded before 75 octets with CRLF and a space, never splitting an escape in two."""
    if len(line.encode("utf-8")) < LIMIT:
        return line + "\r\n"
    folded, current, size = [], [], 0
    for char in line:
        width = len(char.encode("utf-8"))
        if current and size + width >= LIMIT:
            if len(current) > 1 and current[-1] in "\\^":
                carried = current.pop()
                folded.append("".join(current))
                current, size = [carried], len(carried.encode("utf-8"))
            else:
                folded.append("".join(current))
                current, size = [], 0
        current.append(char)
        size += width
    folded.append("".join(current))
    return "\r\n ".join(folded) + "\r\n"


def _count(value: object) -> str:
    return "" if pd.isna(value) else str(int(value))


def ics_files(view, schedule: pd.DataFrame) -> dict[str, bytes]:
    """schedule/ics/: the whole region, each municipality where groups meet (and distance groups), each program.
    Each group's event is written once; a calendar joins the events of its groups in schedule order."""
    region, as_of, year = view.config.short_name, view.model.as_of, view.year
    ordered = schedule.sort_values(["start_date", "group_code"], kind="stable").reset_index(drop=True)
    dated = ordered[ordered["start_date"].notna() & ordered["end_date"].notna()]
    events = group_events(dated, region, as_of, year)
    places = list(dated["place_code"])
    programs = list(dated["program_code"])
    by_place: dict[object, list[str]] = {}
    by_program: dict[object, list[str]] = {}
    for place, program, event in zip(places, programs, events, strict=True):
        by_place.setdefault(place, []).append(event)
        by_program.setdefault(program, []).append(event)
    title = f"ПК педагогов {year}"
    files = {"schedule/ics/region.ics": calendar_text(f"{title}: {region}", events)}
    for m in view.config.municipalities:
        files[f"schedule/ics/{m.code}.ics"] = calendar_text(f"{title}: {m.name}", by_place.get(m.code, []))
    if (ordered["place_code"] == "дистанционно").any():
        files["schedule/ics/distance.ics"] = calendar_text(
            f"{title}: дистанционно", by_place.get("дистанционно", [])
        )
    for code in sorted(set(ordered["program_code"].dropna())):
        files[f"schedule/ics/{slug(code)}.ics"] = calendar_text(f"{title}: {code}", by_program.get(code, []))
    return files
