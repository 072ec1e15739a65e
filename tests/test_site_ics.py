"""The schedule's ICS calendars: written directly as RFC 5545 text, the same bytes icalendar writes, and parseable."""

from datetime import UTC, date, datetime, timedelta

import icalendar
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.publish.calendar_files import PRODID, schedule_ics
from pipeline.publish.render import slug

AS_OF = date(2026, 11, 2)


def icalendar_ics(groups: pd.DataFrame, name: str, region: str, as_of: date, year: int) -> bytes:
    """The calendar as the icalendar library builds it: the reference the direct writer must match."""
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
        event.add("dtend", g.end_date.date() + timedelta(days=1))
        event.add("summary", f"{g.title} (группа {g.group_code})")
        event.add("location", g.place)
        capacity = "" if pd.isna(g.capacity) else str(int(g.capacity))
        event.add(
            "description",
            f"Программа {g.program_code}, оператор ПК: {g.provider_name}. Мест: {capacity}. "
            f"Статус плана-графика: {g.status}.",
        )
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return calendar.to_ical()


def groups_frame(titles: list[str], places: list[str]) -> pd.DataFrame:
    n = len(titles)
    return pd.DataFrame(
        {
            "group_code": [f"ИРО-{i % 3:03d}-{i}" for i in range(n)],
            "program_code": [f"ИРО-{i % 3:03d}" for i in range(n)],
            "title": titles,
            "provider_name": ["Институт развития образования, г. Ханты-Мансийск; АУ"] * n,
            "place": places,
            "start_date": pd.to_datetime([f"2027-0{1 + i % 9}-0{1 + i % 7}" for i in range(n)]),
            "end_date": pd.to_datetime([f"2027-0{1 + i % 9}-1{i % 9}" for i in range(n)]),
            "capacity": pd.array([25 if i % 4 else None for i in range(n)], dtype="Int64"),
            "status": ["утверждён"] * n,
        }
    )


TRICKY = [
    "Цифровое образование; в, современной школе \\ длинное название программы повышения квалификации",
    "Строка с переводом\nстроки и \\N и \r\n возвратом каретки",
    "ASCII only title that is long enough to fold at seventy five octets exactly here ok",
    "Эмодзи 📚 и «кавычки» — тире… " * 4,
    "слеш в конце длинной строки перед самым переносом строки здесь\\\\\\\\\\\\\\\\\\\\",
]


def test_direct_writer_gives_the_bytes_icalendar_gives():
    groups = groups_frame(TRICKY, ["Сургут", "Ханты-Мансийск, ул. Мира; 1", "дистанционно", "x", "y"])
    name = "ПК педагогов 2027: Ханты-Мансийский автономный округ – Югра и так далее до конца строки и дальше"
    assert schedule_ics(groups, name, "ХМАО", AS_OF, 2027) == icalendar_ics(groups, name, "ХМАО", AS_OF, 2027)


def test_a_group_without_dates_is_left_out_and_the_rest_parse():
    groups = groups_frame(TRICKY[:3], ["a", "b", "c"])
    groups.loc[1, "end_date"] = pd.NaT
    written = schedule_ics(groups, "ПК", "ХМАО", AS_OF, 2027)
    assert written == icalendar_ics(groups, "ПК", "ХМАО", AS_OF, 2027)
    parsed = icalendar.Calendar.from_ical(written)
    events = parsed.walk("VEVENT")
    assert len(events) == 2
    assert {str(e["SUMMARY"]) for e in events} == {
        f"{t} (группа {c})"
        for t, c in zip(groups["title"], groups["group_code"], strict=True)
        if c != "ИРО-001-1"
    }


def test_an_empty_calendar_matches_too():
    groups = groups_frame([], [])
    assert schedule_ics(groups, "ПК: пусто", "ХМАО", AS_OF, 2027) == icalendar_ics(
        groups, "ПК: пусто", "ХМАО", AS_OF, 2027
    )


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.text(min_size=1, max_size=120).filter(lambda s: s.strip()), min_size=1, max_size=4),
    st.text(max_size=90),
)
def test_any_text_is_written_as_icalendar_writes_it(titles, place):
    groups = groups_frame(titles, [place] * len(titles))
    name = "ПК педагогов 2027: " + "".join(ch for ch in place if ch not in "\\,;\r\n")
    assert schedule_ics(groups, name, "ХМАО", AS_OF, 2027) == icalendar_ics(groups, name, "ХМАО", AS_OF, 2027)


def test_a_calendar_name_with_commas_is_escaped_text_and_reads_back():
    """icalendar writes X-WR-CALNAME raw; RFC 5545 TEXT escaping keeps a name with «,» «;» or a line break valid."""
    name = "ПК: Сургут, Нефтеюганск; и\nдалее"
    written = schedule_ics(groups_frame(TRICKY[:1], ["a"]), name, "ХМАО", AS_OF, 2027)
    assert "X-WR-CALNAME:ПК: Сургут\\, Нефтеюганск\\; и\\nдалее\r\n" in written.decode()
    parsed = icalendar.Calendar.from_ical(written)
    assert "\n" not in str(parsed["X-WR-CALNAME"])  # the line break stays escaped, within one content line
    assert len(parsed.walk("VEVENT")) == 1
