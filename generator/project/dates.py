"""Dates the project's rules and pages share: meeting occurrences, time zones, countries, holidays.

Pure functions of the project data (and the installed time zone and holiday databases):
no clock is read here, so the same file always gives the same answers.
"""

from __future__ import annotations

import hashlib
import json
import zoneinfo
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from functools import cache
from importlib import resources
from itertools import count
from pathlib import Path

from generator import keep
from generator.project.model import Meeting

STEP_DAYS = {"weekly": 7, "biweekly": 14}
HOME_COUNTRY = "DE"  # the spec's default: public holidays of Germany
MAX_OCCURRENCES = 1000  # a recurring meeting without an end is looked at this far ahead, at most
OPEN_END_DAYS = 366  # ... and for at most a year when neither `until` nor the period's end is known
Span = tuple[date, date]  # first and last day, both included


def first_day(d: date | datetime) -> date:
    return d.date() if isinstance(d, datetime) else d


def occurrences(m: Meeting, first: date, last: date) -> Iterator[date | datetime]:
    """The meeting's dates in [first, last], recurrences expanded as the calendar's RRULE does."""
    if m.date is None:
        return
    start = first_day(m.date)
    if not m.recurrence:
        if first <= start <= last:
            yield m.date
        return
    end = min(last, m.until) if m.until else last
    for k in count(_skip(m.recurrence, start, first)):
        day = _nth(m.recurrence, start, k)
        if day is None:
            continue  # monthly on the 31st: no such day this month (RFC 5545 skips it too)
        if day > end:
            return
        if day >= first:
            yield datetime.combine(day, m.date.time()) if isinstance(m.date, datetime) else day


def _skip(recurrence: str, start: date, first: date) -> int:
    """How many repetitions surely lie before ``first``."""
    if recurrence in STEP_DAYS:
        return max(0, (first - start).days // STEP_DAYS[recurrence])
    return max(0, (first.year - start.year) * 12 + first.month - start.month - 1)


def _nth(recurrence: str, start: date, k: int) -> date | None:
    if recurrence in STEP_DAYS:
        try:
            return start + timedelta(days=k * STEP_DAYS[recurrence])
        except OverflowError:
            return date.max
    month = start.month - 1 + k
    year = start.year + month // 12
    if year > date.max.year:
        return date.max
    try:
        return start.replace(year=year, month=month % 12 + 1)
    except ValueError:
        return None


def planned_days(m: Meeting, period_end: date | None) -> list[date]:
    """Every day the meeting takes place: a recurring one up to `until`, else the period's end,
    else a year ahead, and never more than MAX_OCCURRENCES of them."""
    if m.date is None:
        return []
    start = first_day(m.date)
    if m.recurrence and not m.until:
        last = period_end if period_end and period_end >= start else _plus_days(start, OPEN_END_DAYS)
    else:
        last = m.until or start
    days = []
    for when in occurrences(m, start, last):
        days.append(first_day(when))
        if len(days) >= MAX_OCCURRENCES:
            break
    return days


def _plus_days(d: date, n: int) -> date:
    try:
        return d + timedelta(days=n)
    except OverflowError:
        return date.max


# time zones and countries ----------------------------------------------------------------------


def zone(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name)


@cache
def _zone_countries() -> dict[str, str]:
    """IANA zone -> ISO 3166 country code, from the time zone database's zone.tab."""
    text = ""
    try:
        text = resources.files("tzdata").joinpath("zoneinfo", "zone.tab").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        system = Path("/usr/share/zoneinfo/zone.tab")
        text = system.read_text(encoding="utf-8") if system.is_file() else ""
    out = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            parts = line.split("\t")
            if len(parts) >= 3:
                out[parts[2]] = parts[0]
    return out


def zone_country(name: str) -> str | None:
    """The country an IANA zone belongs to (Europe/London -> GB), or None (UTC, Etc/...)."""
    return _zone_countries().get(name)


def holiday_country(zone_name: str) -> str:
    """Whose public holidays count for meetings in this zone: its country where the holiday
    library knows it, else Germany."""
    country = zone_country(zone_name)
    return country if country and country in _holiday_countries() else HOME_COUNTRY


_KEPT = keep.Store("holidays", limit=2_000)  # the library's answers, kept between runs


@cache
def _holiday_countries() -> frozenset[str]:
    """The ISO codes the holiday library has a calendar for, from its registry: asking
    ``list_supported_countries()`` imports all of its 250 country modules (70 ms a process).
    Kept for the next run like the tables below (importing the library takes 25 ms)."""
    key = _key("countries")
    kept = _KEPT.get(key)
    if kept is not None:
        try:
            return frozenset(str(code) for code in json.loads(kept))
        except (ValueError, TypeError):  # written by another release of this code
            pass
    import holidays

    try:
        from holidays.registry import COUNTRIES

        codes = frozenset(code for entry in COUNTRIES.values() for code in entry[1:3])
    except (ImportError, AttributeError, TypeError, IndexError):  # a release laid out otherwise
        codes = frozenset(holidays.list_supported_countries())
    _KEPT.put(key, json.dumps(sorted(codes)).encode())
    return codes


def _key(*what: object) -> str:
    return hashlib.sha256(json.dumps(["holidays", keep.installed("holidays"), *what]).encode()).hexdigest()


@cache
def _holiday_table(country: str, year: int) -> dict[date, str]:
    """The public holidays of ``country`` in ``year``. Importing any of the library's calendars
    imports all of them (~80 ms a process), so a table once computed is kept for the next run
    (generator/keep.py), keyed by the library's release."""
    key = _key(country, year)
    kept = _KEPT.get(key)
    if kept is not None:
        try:
            return {date.fromisoformat(day): name for day, name in json.loads(kept).items()}
        except (ValueError, TypeError, AttributeError):  # written by another release of this code
            pass
    import holidays

    try:
        table = dict(holidays.country_holidays(country, years=year).items())
    except (NotImplementedError, KeyError):
        table = {}
    _KEPT.put(key, json.dumps({day.isoformat(): name for day, name in sorted(table.items())}).encode())
    return table


def holiday(country: str, day: date) -> str | None:
    """The name of the public holiday on ``day`` in ``country`` (nationwide), or None."""
    return _holiday_table(country, day.year).get(day)


def phone_region(zone_name: str) -> str:
    """The region a phone number written without a country code most likely belongs to."""
    return zone_country(zone_name) or HOME_COUNTRY


# day spans ---------------------------------------------------------------------------------------


def merged(spans: list[Span]) -> list[Span]:
    """Sorted, with overlapping or touching spans joined."""
    out: list[Span] = []
    for a, b in sorted(spans):
        if out and a <= _plus_days(out[-1][1], 1):
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def intersection(left: list[Span], right: list[Span]) -> list[Span]:
    """The days both lists of spans cover, as merged spans."""
    out = []
    for a1, b1 in merged(left):
        for a2, b2 in merged(right):
            a, b = max(a1, a2), min(b1, b2)
            if a <= b:
                out.append((a, b))
    return merged(out)


def span_text(span: Span) -> str:
    a, b = span
    return a.isoformat() if a == b else f"{a.isoformat()} – {b.isoformat()}"
