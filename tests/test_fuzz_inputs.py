"""Generated hostile input: refused with located problems, or evaluated; never anything else.

Valid events documents and policies (``rulebook.testing.strategies``) are mutated: a
node replaced by a huge or negative number, a float, deep nesting, long or control-laden
text, a date at the ends of the calendar, a zone name, a duration sum. Whatever comes
of it, loading raises :class:`InvalidInput` whose problems are located one-liners, or
succeeds; and a policy that loads also evaluates (README: what ``check`` accepts,
``recommend`` evaluates). Examples per run follow the hypothesis profile, divided so
that this file stays a few seconds in CI; ``make fuzz`` runs the deep profile.
"""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import available_timezones

from hypothesis import HealthCheck, given, settings, strategies as st

from rulebook import bounds
from rulebook.api import Rulebook, as_moment
from rulebook.events import load_timeline, parse_time
from rulebook.load import load_policy
from rulebook.problems import InvalidInput
from rulebook.testing.strategies import policies, timelines
from rulebook.timeexpr import parse_time_expr

SOME = settings(max_examples=max(10, settings.default.max_examples // 3), deadline=10_000,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
STANDARD = Rulebook.load("standard")
AT = "2026-03-20T12:00:00+00:00"

HOSTILE_SCALARS = st.one_of(
    st.integers(min_value=-(2**80), max_value=2**80), st.sampled_from([2**53, 2**53 - 1, -(2**63), 2**64]),
    st.floats(allow_nan=False), st.sampled_from(["", " ", "\x00", "\x1b[2J", "\u202e", "1bd",
                                                 "0001-01-01", "9999-12-31T23:59:59-01:00",
                                                 "now - 520w - 520w", "iv + 99999999999999999d",
                                                 "x" * (bounds.MAX_TEXT + 1), "Europe/Berlin\x00"]),
    st.text(max_size=30), st.booleans(), st.none())


def _nested(depth: int):
    value: object = "leaf"
    for i in range(depth):
        value = [value] if i % 2 else {"k": value}
    return value


HOSTILE = st.one_of(HOSTILE_SCALARS, st.integers(0, 60).map(_nested),
                    st.lists(HOSTILE_SCALARS, max_size=3),
                    st.dictionaries(st.text(max_size=5), HOSTILE_SCALARS, max_size=3))


def _paths(data, path=()):
    yield path
    if isinstance(data, dict):
        for k, v in data.items():
            yield from _paths(v, path + (k,))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from _paths(v, path + (i,))


def _mutate(data, path, value):
    if not path:
        return value
    data = json.loads(json.dumps(data))
    node = data
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return data


def _as_text(data) -> str:
    """The document as a file: JSON, with numbers Python's json can write (big ints too)."""
    return json.dumps(data, allow_nan=False)


def _assert_located(exc: InvalidInput) -> None:
    assert exc.problems
    for p in exc.problems:
        line = str(p)
        assert "\n" not in line and p.line >= 0 and p.col >= 0, line


@SOME
@given(doc=timelines(max_events=6), data=st.data())
def test_mutated_events_are_refused_located_or_evaluated(doc, data):
    path = data.draw(st.sampled_from(list(_paths(doc))), label="path")
    mutated = _mutate(doc, path, data.draw(HOSTILE, label="value"))
    try:
        text = _as_text(mutated)
    except ValueError:
        return  # not writable as JSON (an infinite float): no file can hold it
    try:
        timeline = load_timeline("events.json", text=text)
    except InvalidInput as exc:
        _assert_located(exc)
        return
    for at in (AT, "1970-01-01T00:00:00+00:00", "2200-12-31T23:59:59+00:00"):
        try:
            STANDARD.recommend(timeline, at)
        except InvalidInput as exc:  # the join limit: located in the policy
            _assert_located(exc)


@SOME
@given(policy=policies(max_derive=2, max_rules=2, max_limits=1), data=st.data())
def test_mutated_policies_are_refused_located_or_evaluate(policy, data):
    path = data.draw(st.sampled_from(list(_paths(policy))), label="path")
    mutated = _mutate(policy, path, data.draw(HOSTILE, label="value"))
    try:
        text = _as_text(mutated)
    except ValueError:
        return
    try:
        book = Rulebook.load("policy.json", text=text)
    except InvalidInput as exc:
        _assert_located(exc)
        return
    try:
        events = data.draw(timelines(policy=book.loaded.policy, max_events=6), label="events")
        for at in (AT, "2200-12-31T23:59:59+00:00"):
            try:
                book.recommend(events, at)
            except InvalidInput as exc:
                _assert_located(exc)
    finally:
        book.close()


OFFSET = st.tuples(st.sampled_from("+-"), st.integers(0, 10**6), st.sampled_from(
    ["m", "h", "d", "w", "bd"]))


@settings(max_examples=max(20, settings.default.max_examples), deadline=2000)
@given(terms=st.lists(OFFSET, max_size=40), anchor=st.sampled_from(["iv", "now", "n.due"]))
def test_time_expressions_stay_in_the_calendar(terms, anchor):
    """A time expression that parses moves a time by at most ten years: times built from
    the calendar's limits (1970-2200) stay representable."""
    text = anchor + "".join(f" {s} {n}{u}" for s, n, u in terms)
    try:
        expr = parse_time_expr(text)
    except ValueError:
        return
    days = sum(o.amount * (7 / 5 if o.unit == "bd" else {"m": 1 / 1440, "h": 1 / 24, "d": 1,
                                                         "w": 7}[o.unit]) for o in expr.offsets)
    assert days <= 10 * 366
    for year in bounds.YEARS:  # the worst case: every offset in one direction
        dt.datetime(year, 6, 1) + dt.timedelta(days=days)
        dt.datetime(year, 6, 1) - dt.timedelta(days=days)


ZONES = sorted(available_timezones())


@settings(max_examples=max(20, settings.default.max_examples), deadline=2000)
@given(moment=st.datetimes(min_value=dt.datetime(1, 1, 2), max_value=dt.datetime(9999, 12, 30)),
       offset=st.integers(-23 * 60 - 59, 23 * 60 + 59), zone=st.sampled_from(ZONES),
       date_only=st.booleans())
def test_times_at_any_date_and_zone_are_in_range_or_refused(moment, offset, zone, date_only):
    from zoneinfo import ZoneInfo

    tz = dt.timezone(dt.timedelta(minutes=offset))
    text = moment.date().isoformat() if date_only else moment.replace(tzinfo=tz).isoformat()
    try:
        parsed = parse_time(text, ZoneInfo(zone))
    except ValueError as exc:
        assert "\n" not in str(exc)
        return
    assert bounds.YEARS[0] <= parsed.year <= bounds.YEARS[1]
    parsed.timestamp()  # representable
    try:
        as_moment(text if not date_only else text + "T12:00:00+00:00")
    except InvalidInput as exc:
        _assert_located(exc)


@settings(max_examples=max(10, settings.default.max_examples // 4), deadline=5000)
@given(depth=st.integers(0, 80), where=st.sampled_from(["application", "note", "events"]))
def test_nesting_is_refused_beyond_the_limit_only(depth, where):
    doc = {"events": [{"type": "materials_sent", "at": "2026-03-02T10:00:00Z"}]}
    if where == "application":
        doc["application"] = {"x": _nested(depth)}
        deepest = depth + 2  # the document, application, x
    elif where == "note":
        doc["events"][0]["note"] = _nested(depth)
        deepest = depth + 3
    else:
        doc["events"] = _nested(depth)
        deepest = depth + 1
    try:
        load_timeline("deep.json", text=json.dumps(doc))
        refused = None
    except InvalidInput as exc:
        _assert_located(exc)
        refused = exc
    too_deep = refused is not None and "levels deep" in str(refused)
    assert too_deep == (deepest > bounds.MAX_NESTING)


def test_shipped_policies_evaluate_the_largest_timelines_they_accept():
    """Timelines at the events limit, on the joins the shipped policy makes (contacts in
    pairs, follow-ups in pairs), evaluate: the join limit does not refuse them."""
    iv = {"type": "interview", "at": "2026-03-02T10:00:00Z", "interviewers": [{"name": "A"}]}
    n = bounds.MAX_EVENTS - 1

    def at(i):
        return f"2026-03-{3 + i // 24:02d}T{i % 24:02d}:{i % 60:02d}:00Z"

    for other in ({"type": "follow_up_sent", "channel": "email"},
                  {"type": "call", "outcome": "no_answer"}):
        events = {"events": [iv] + [dict(other, at=at(i)) for i in range(n)]}
        advice = STANDARD.recommend(events, AT)
        assert advice.actions or advice.upcoming or advice.held_back
