"""The outcome stage's shortcuts give what the long way gave.

Reason templates are parsed once, office-hours bounds are memoised per zone and day,
entries are de-duplicated by a tuple instead of their JSON, and the output models are
built without validating their parts again. Each shortcut is checked here against the
long way it replaced.
"""

from __future__ import annotations

import datetime as dt
import string
from zoneinfo import ZoneInfo

from rulebook.advice import HeldBack, Recommendation, Window
from rulebook.engine.outcome import _parsed, _same_json
from rulebook.engine.timing import OfficeClock, localize, words_time
from rulebook.policy import OfficeHours

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


def _long_way(template: str):
    out = []
    for literal, name, spec, _ in string.Formatter().parse(template):
        if name is None:
            out.append((literal, None, "", ""))
        else:
            name, _, default = name.partition("|")
            # an empty default: the word for "(unknown)" follows the language
            out.append((literal, name.strip(), spec or "", default.strip()))
    return tuple(out)


def test_templates_parse_as_the_formatter_parses_them():
    for template in ("plain", "{p.name} on {p:date}", "{p.role|interviewer} {{literal}}",
                     "{ due } and {until_offset|}", "{a}{b}{c:date}"):
        assert _parsed(template) == _long_way(template)
        assert _parsed(template) is _parsed(template)  # parsed once


def test_office_bounds_on_a_dst_change_day_are_those_worked_out_each_time():
    hours = OfficeHours(days=["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
                        start="01:30", end="17:00")
    for tz, day in ((BERLIN, dt.date(2026, 3, 29)), (NEW_YORK, dt.date(2026, 11, 1)),
                    (BERLIN, dt.date(2026, 6, 1))):
        clock = OfficeClock(hours, tz)
        start = localize(dt.datetime.combine(day, dt.time(1, 30)), tz)
        end = localize(dt.datetime.combine(day, dt.time(17, 0)), tz)
        assert clock._bounds(day) == (start, end)
        assert clock._bounds(day)[0].utcoffset() == start.utcoffset()


def test_words_time_reads_as_before():
    moment = dt.datetime(2026, 3, 3, 9, 5, tzinfo=BERLIN)
    assert words_time(moment) == "Tue 3 Mar 2026, 09:05"
    assert words_time(moment, True) == "Tue 3 Mar 2026"
    assert words_time(moment) == f"Tue 3 {moment:%b %Y}, {moment:%H:%M}"
    assert words_time(None) == "no fixed end"


def _entry(start: dt.datetime, cls=Recommendation, **more):
    fields = dict(action="check_in", to=None, channel="email",
                  window=Window.model_construct(start=start, due=start, end=None),
                  rule="check_in", sources=["G14"], reason="r", **more)
    return fields, cls(**fields)


def test_de_duplication_keys_are_equal_exactly_when_the_json_is():
    first = dt.datetime(2026, 11, 1, 1, 30, tzinfo=NEW_YORK)  # 01:30 EDT
    second = first.replace(fold=1)                            # 01:30 EST, an hour later
    assert first == second  # same zone: Python ignores the offset
    cases = [first, second, first.replace(microsecond=500_000),
             first + dt.timedelta(seconds=1), first.astimezone(dt.timezone.utc)]
    built = [_entry(c) for c in cases]
    built += [_entry(first, HeldBack, limit="gap", until=None),
              _entry(first, HeldBack, limit="gap", until=second)]
    for fa, a in built:
        for fb, b in built:
            same_json = a.model_dump_json() == b.model_dump_json()
            assert (_same_json(fa) == _same_json(fb)) == same_json, (a, b)


def test_constructed_models_serialise_like_validated_ones():
    moment = dt.datetime(2026, 3, 3, 9, 5, 7, 123, tzinfo=BERLIN)
    fields, validated = _entry(moment, HeldBack, limit="gap", until=moment)
    constructed = HeldBack.model_construct(**fields)
    assert constructed.model_dump_json() == validated.model_dump_json()
    assert constructed == validated
