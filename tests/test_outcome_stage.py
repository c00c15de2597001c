"""The shortcuts of the outcome stage (and of reading events into facts) give what the
long way gave.

Reason templates are parsed once, office-hours bounds are memoised per zone and day,
entries are de-duplicated by a tuple instead of their JSON, and the output models are
built without validating their parts again. Each shortcut is checked here against the
long way it replaced.
"""

from __future__ import annotations

import datetime as dt
import string
from zoneinfo import ZoneInfo

from hypothesis import given, settings

from rulebook.advice import HeldBack, Recommendation, Window
from rulebook.api import as_timeline
from rulebook.engine.facts import _event_fields, _text, epoch
from rulebook.engine.outcome import _built, _parsed, _same_json
from rulebook.engine.timing import OfficeClock, localize, words_time
from rulebook.policy import OfficeHours
from rulebook.testing.strategies import timelines

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


def test_models_built_from_valid_parts_equal_validated_ones():
    moment = dt.datetime(2026, 3, 3, 9, 5, 7, tzinfo=BERLIN)
    fields, validated = _entry(moment, HeldBack, limit="gap", until=moment)
    built = _built(HeldBack, dict(fields))
    assert built == validated and built.model_dump_json() == validated.model_dump_json()
    assert built.model_fields_set == validated.model_fields_set
    partial = {k: v for k, v in fields.items() if k != "reason"}  # not every field:
    assert _built(HeldBack, partial) == HeldBack.model_construct(**partial)  # the long way


@settings(max_examples=60)
@given(doc=timelines(max_events=12))
def test_event_fields_are_the_models_dump(doc):
    """The fast read of an event's fields gives pydantic's dump, key order included."""
    for event in as_timeline(doc).events:
        want = event.model_dump(by_alias=True, exclude_none=True)
        want.pop("note", None)
        want = {k: epoch(v) if isinstance(v, dt.datetime) else _text(v) for k, v in want.items()}
        got = _event_fields(event)
        assert got == want and list(got) == list(want)
        for a, b in zip(got.get("interviewers", []), want.get("interviewers", [])):
            assert list(a) == list(b)
