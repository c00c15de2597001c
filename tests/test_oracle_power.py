"""The differential suite catches mistakes in the engine path: each test plants one bug
in the engine's fact building, time arithmetic or outcome stage (with monkeypatch) and
shows that the engine then disagrees with the reference evaluator on generated inputs.

The reference shares none of that code, so a bug planted there cannot cancel itself out.
The inputs are a corpus drawn once (derandomized, so the same every run) from the
differential suite's generators, each case evaluated at a generated moment and at a
moment where the reference's advice may change; without a planted bug the engine agrees
with the reference on every case. Each planted bug must show on some case.
"""

from __future__ import annotations

import datetime as dt
import functools
import os

import pytest
from hypothesis import HealthCheck, Phase, given, reject, settings, strategies as st

import rulebook.engine.facts as facts
import rulebook.engine.outcome as outcome
import rulebook.engine.runtime as runtime
import rulebook.engine.timing as timing
from differential_cases import (boundary_moments, moments_for, rich_policies, rich_timelines,
                                spread)
from rulebook.advice import Advice
from rulebook.api import as_timeline
from rulebook.engine.reference import ReferenceEvaluator
from rulebook.engine.runtime import DurableEvaluator
from rulebook.problems import TooMuchWork
from test_differential import STANDARD, _program

CORPUS = int(os.environ.get("ORACLE_CORPUS", "300"))  # generated cases
BOUNDARIES = 12  # moments per case where its advice may change, besides a generated one


@st.composite
def cases(draw):
    """A program, a timeline and a moment: a shipped policy or a generated one."""
    if draw(st.booleans()):
        program = STANDARD[draw(st.sampled_from(sorted(STANDARD)))]
        story = draw(st.sampled_from([None, True]))  # True: how stories start and end
        doc = draw(rich_timelines(max_events=12, interview_first=story))
    else:
        program = _program(draw(rich_policies()))
        doc = draw(rich_timelines(policy=program.loaded.policy, min_events=3, max_events=10))
    return program, as_timeline(doc), draw(moments_for(doc))


_ENGINES: dict[int, tuple] = {}


def _engine(program) -> DurableEvaluator:
    """One engine evaluator per program (the shipped ones recur), kept for the session."""
    if id(program) not in _ENGINES:
        _ENGINES[id(program)] = (program, DurableEvaluator(program))
    return _ENGINES[id(program)][1]


@pytest.fixture(scope="module", autouse=True)
def _close_engines():
    yield
    for _, engine in _ENGINES.values():
        engine.close()
    _ENGINES.clear()
    corpus.cache_clear()


@functools.cache
def corpus() -> list[tuple]:
    """(engine evaluator, timeline, moment, the reference's advice JSON), with the engine
    checked to agree on each (the control); a second moment per case where it may change."""
    out = []

    @settings(max_examples=CORPUS, phases=[Phase.generate], derandomize=True, database=None,
              deadline=None, suppress_health_check=list(HealthCheck))
    @given(case=cases(), data=st.data())
    def collect(case, data):
        program, timeline, at = case
        reference = ReferenceEvaluator(program)
        engine = _engine(program)
        points = boundary_moments(program.policy, timeline, reference.advise(timeline, at))
        for moment in [at] + spread(points, BOUNDARIES):
            want = reference.advise(timeline, moment).to_json()
            try:
                got = engine.advise(timeline, moment).to_json()
            except TooMuchWork:  # over the documented join bound: refused, not a case
                reject()
            assert got == want  # the control
            out.append((engine, timeline, moment, want))

    collect()
    return out


def differential_finds_a_difference() -> bool:
    return any(engine.advise(timeline, at).to_json() != want
               for engine, timeline, at, want in corpus())


# -- the planted bugs -------------------------------------------------------------------

def drop_events_at_exactly_now(mp):
    real = runtime.timeline_facts
    mp.setattr(runtime, "timeline_facts", lambda tl, at: [
        f for f in real(tl, at) if f["t"] != facts.epoch(at)])


def no_interviewer_fan_out(mp):
    real = runtime.timeline_facts
    mp.setattr(runtime, "timeline_facts", lambda tl, at: [
        f for f in real(tl, at) if not (f["type"] == "interviewer" and not f["id"].endswith("p1"))])


def names_match_with_case(mp):
    mp.setattr(facts, "person_key", lambda name: " ".join(name.split()))


def date_only_today_not_clamped(mp):
    mp.setattr(facts, "counted_epoch", lambda event, at, tz: facts.epoch(event.at))


def business_days_off_by_one(mp):
    real = timing.add_business_days
    mp.setattr(timing, "add_business_days",
               lambda moment, days, *calendar: real(moment, days + (1 if days > 0 else 0),
                                                    *calendar))


def a_day_of_23_hours(mp):
    real = timing.add_calendar_days
    mp.setattr(timing, "add_calendar_days", lambda moment, days: real(moment, days)
               - dt.timedelta(hours=days))


def office_end_not_clamped(mp):
    mp.setattr(timing.OfficeClock, "last_open", lambda self, moment: moment)


def limit_except_ignored(mp):
    real = outcome._blocking

    class NoExcept:
        def __init__(self, lim):
            self._lim = lim

        def __getattr__(self, name):
            return [] if name == "except_" else getattr(self._lim, name)

    mp.setattr(outcome, "_blocking", lambda blockers, *rest: real(
        [(m, NoExcept(lim), until) for m, lim, until in blockers], *rest))


def limit_in_force_at_its_until(mp):
    real = outcome._blocking
    mp.setattr(outcome, "_blocking", lambda blockers, action, opens, *rest: real(
        [(m, lim, None if until is not None and until == opens else until)
         for m, lim, until in blockers], action, opens, *rest))


def stated_channel_for_everyone(mp):
    real = outcome._stated_channels
    mp.setattr(outcome, "_stated_channels",
               lambda tl, at: [(None, channel) for _, channel in real(tl, at)])


def fallback_channels_ignored(mp):
    real = outcome._channel

    def channel(rule, to, stated, allowed):
        got = real(rule, to, stated, allowed)
        return rule.channel.default if got is not None else None
    mp.setattr(outcome, "_channel", channel)


def priority_ignored_in_ties(mp):
    real = outcome.advise

    def advise(program, timeline, at, matches, lang=None) -> Advice:
        advice = real(program, timeline, at, matches, lang)
        actions = sorted(advice.actions, key=lambda r: (r.window.due, r.action, r.to or ""))
        return advice.model_copy(update={"actions": actions})
    mp.setattr(outcome, "advise", advise)


def end_placeholder_shows_start(mp):
    real = outcome._RuleWords.special
    mp.setattr(outcome._RuleWords, "special", lambda self, name: real(
        self, "start" if name == "end" else name))


def overdue_not_due_now(mp):
    real = outcome._built

    def built(cls, fields):
        if cls is outcome.Window:
            fields = dict(fields, due=min(fields["due"], fields["start"]))
        return real(cls, fields)
    mp.setattr(outcome, "_built", built)


def ideal_due_clamped_to_now(mp):
    """window.ideal_due written as the clamped due (what a calendar would then show)."""
    real = outcome._built

    def built(cls, fields):
        if cls is outcome.Window:
            fields = dict(fields, ideal_due=fields["due"])
        return real(cls, fields)
    mp.setattr(outcome, "_built", built)


PLANTED = [drop_events_at_exactly_now, no_interviewer_fan_out, names_match_with_case,
           date_only_today_not_clamped, business_days_off_by_one, a_day_of_23_hours,
           office_end_not_clamped, limit_except_ignored, limit_in_force_at_its_until,
           stated_channel_for_everyone, fallback_channels_ignored, priority_ignored_in_ties,
           end_placeholder_shows_start, overdue_not_due_now, ideal_due_clamped_to_now]


@pytest.mark.parametrize("plant", PLANTED, ids=[p.__name__ for p in PLANTED])
def test_a_planted_engine_bug_is_caught(plant, monkeypatch):
    corpus()  # drawn and checked before anything is planted
    plant(monkeypatch)
    assert differential_finds_a_difference(), f"planted bug not caught: {plant.__name__}"


def test_without_a_planted_bug_the_engine_agrees_on_the_whole_corpus():
    assert len(corpus()) >= 2 * CORPUS and not differential_finds_a_difference()
