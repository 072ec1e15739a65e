"""ICS calendars of the plan-schedule: one all-day event per group, deterministic to the byte."""

from datetime import UTC, date, datetime, timedelta

import icalendar
import pandas as pd

from pipeline.publish.render import slug

PRODID = "-//ASUPK//План-график ПК педагогов//RU"


def schedule_ics(groups: pd.DataFrame, name: str, region: str, as_of: date, year: int) -> bytes:
    """A VCALENDAR with a VEVENT per group, spanning start..end inclusive; UIDs from the year and group code."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Asia/Yekaterinburg")
    stamp = datetime(as_of.year, as_of.month, as_of.day, tzinfo=UTC)
    for g in groups.sort_values(["start_date", "group_code"], kind="stable").itertuples():
        if pd.isna(g.start_date) or pd.isna(g.end_date):
            continue
        event = icalendar.Event()
        event.add("uid", f"{year}-{slug(g.group_code)}@asupk.{slug(region)}")
        event.add("dtstamp", stamp)
        event.add("dtstart", g.start_date.date())
        event.add("dtend", g.end_date.date() + timedelta(days=1))  # DTEND of an all-day event is exclusive
        event.add("summary", f"{g.title} (группа {g.group_code})")
        event.add("location", g.place)
        event.add(
            "description",
            f"Программа {g.program_code}, оператор ПК: {g.provider_name}. Мест: {_count(g.capacity)}. "
            f"Статус плана-графика: {g.status}.",
        )
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return calendar.to_ical()


def _count(value: object) -> str:
    return "" if pd.isna(value) else str(int(value))


def ics_files(view, schedule: pd.DataFrame) -> dict[str, bytes]:
    """schedule/ics/: the whole region, each municipality where groups meet (and distance groups), each program."""
    region, as_of, year = view.config.short_name, view.model.as_of, view.year
    files = {
        "schedule/ics/region.ics": schedule_ics(
            schedule, f"ПК педагогов {year}: {region}", region, as_of, year
        )
    }
    for m in view.config.municipalities:
        held = schedule[schedule["place_code"] == m.code]
        files[f"schedule/ics/{m.code}.ics"] = schedule_ics(
            held, f"ПК педагогов {year}: {m.name}", region, as_of, year
        )
    distant = schedule[schedule["place_code"] == "дистанционно"]
    if not distant.empty:
        files["schedule/ics/distance.ics"] = schedule_ics(
            distant, f"ПК педагогов {year}: дистанционно", region, as_of, year
        )
    for code, groups in sorted(schedule.groupby("program_code")):
        files[f"schedule/ics/{slug(code)}.ics"] = schedule_ics(
            groups, f"ПК педагогов {year}: {code}", region, as_of, year
        )
    return files
