"""Issue 8's findings, one named test each: the shipped policies keep their own promises.

Each test failed on the code and policies before the fix. The last tests prove that the
invariant search (``rulebook test``'s, at the CI count and fixed seeds, with no example
database) finds every one of these bugs from a clean state, in a frozen copy of the
standard policy as it was (``tests/policies/standard_before_fix.yaml``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from rulebook.api import Rulebook, as_timeline
from rulebook.testing import invariants as inv

BEFORE_FIX = Path(__file__).parent / "policies" / "standard_before_fix.yaml"
BERLIN = dt.timezone(dt.timedelta(hours=1))
SHIPPED = ["standard", "classic", "modern"]
STATUS = inv.STATUS_ACTIONS


def _at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def _story(*events) -> dict:
    interview = {"type": "interview", "at": "2026-03-02T10:00:00+01:00",
                 "interviewers": [{"name": "Dana Lee", "email": "dana@northwind.example"}]}
    return {"timezone": "Europe/Berlin", "application": {"company": "Northwind"},
            "events": [interview, *events]}


THANKED = {"type": "thank_you_sent", "at": "2026-03-02T18:00:00+01:00", "to": "Dana Lee",
           "channel": "email"}


def _status_now(book, story, at) -> list[str]:
    return [r.action for r in book.recommend(story, at).actions if r.action in STATUS]


# -- 1. two status contacts at once after a stated decision date ---------------------------

DATE_A_WEEK_LATER = _story(THANKED, {"type": "next_steps", "at": "2026-03-02T11:00:00+01:00",
                                     "decision_by": "2026-03-09"})


@pytest.mark.parametrize("policy", SHIPPED)
def test_one_status_contact_the_morning_after_a_stated_decision_date(policy):
    book = Rulebook.load(policy)
    morning = _at("2026-03-10T09:30:00+01:00")
    assert len(_status_now(book, DATE_A_WEEK_LATER, morning)) <= 1
    inv.no_pestering(book, DATE_A_WEEK_LATER, _at("2026-03-02T12:00:00+01:00"))


def test_two_status_contacts_at_once_are_pestering():
    book = Rulebook.load(str(BEFORE_FIX))
    morning = _at("2026-03-10T09:30:00+01:00")
    assert sorted(_status_now(book, DATE_A_WEEK_LATER, morning)) == \
        ["check_in", "follow_up_call"]
    with pytest.raises(inv.InvariantFailure, match="no_pestering"):
        inv.no_pestering(book, DATE_A_WEEK_LATER, _at("2026-03-02T12:00:00+01:00"))


# -- 2. a follow-up before the stated decision date, when no thank-you went out ------------

NO_THANKS_DATE_IN_TEN_DAYS = _story({"type": "next_steps", "at": "2026-03-02T11:00:00+01:00",
                                     "decision_by": "2026-03-12"})


@pytest.mark.parametrize("policy", SHIPPED)
def test_no_follow_up_email_before_a_stated_decision_date(policy):
    book = Rulebook.load(policy)
    day = _at("2026-03-02T12:00:00+01:00")
    while day < _at("2026-03-13T00:00:00+01:00"):
        assert _status_now(book, NO_THANKS_DATE_IN_TEN_DAYS, day) == [], day
        day += dt.timedelta(hours=6)
    inv.no_pestering(book, NO_THANKS_DATE_IN_TEN_DAYS, _at("2026-03-09T11:00:00+01:00"))


def test_a_follow_up_email_before_the_stated_date_is_pestering():
    book = Rulebook.load(str(BEFORE_FIX))
    assert _status_now(book, NO_THANKS_DATE_IN_TEN_DAYS, _at("2026-03-09T12:00:00+01:00")) \
        == ["send_follow_up_email"]
    with pytest.raises(inv.InvariantFailure, match="before the stated decision date"):
        inv.no_pestering(book, NO_THANKS_DATE_IN_TEN_DAYS, _at("2026-03-09T11:00:00+01:00"))


# -- 3. the stated channel of a next_steps event logged with a date and no time ------------

EMAIL_PLEASE_TODAY = _story(THANKED, {"type": "next_steps", "at": "2026-03-09",
                                      "preferred_channel": "email"})


def test_a_stated_channel_logged_without_a_time_counts_the_same_day():
    book = Rulebook.load("standard")
    at = _at("2026-03-09T11:00:00+01:00")
    calls = [r for r in book.recommend(EMAIL_PLEASE_TODAY, at).actions
             if r.action == "follow_up_call"]
    assert [r.channel for r in calls] == ["email"]
    inv.follows_stated_channel(book, EMAIL_PLEASE_TODAY, at)
    # the same event with a time gave email all along (the same actions; what is coming up
    # counts from the event's time, which a date-only event has only by the end of its day)
    timed = _story(THANKED, {"type": "next_steps", "at": "2026-03-09T08:00:00+01:00",
                             "preferred_channel": "email"})
    with_time = book.recommend(timed, at).model_dump(include={"actions", "held_back"})
    assert with_time == book.recommend(EMAIL_PLEASE_TODAY, at).model_dump(
        include={"actions", "held_back"})


# -- 4. silence forever after an accepted invitation ---------------------------------------

INVITED = _story(THANKED, {"type": "reply", "at": "2026-03-05T10:00:00+01:00",
                           "kind": "second_interview", "from": "Dana Lee"})


@pytest.mark.parametrize("policy", SHIPPED)
def test_a_check_in_when_an_accepted_invitation_leads_nowhere(policy):
    book = Rulebook.load(policy)
    inv.keeps_in_touch(book, INVITED, _at("2026-03-05T12:00:00+01:00"))
    at = _at("2026-03-20T10:00:00+01:00")  # two weeks after the invitation, no interview
    advice = book.recommend(INVITED, at)
    assert "check_in" in [r.action for r in advice.actions + advice.upcoming]


def test_silence_after_an_invitation_is_abandonment():
    book = Rulebook.load(str(BEFORE_FIX))
    with pytest.raises(inv.InvariantFailure, match="keeps_in_touch"):
        inv.keeps_in_touch(book, INVITED, _at("2026-03-05T12:00:00+01:00"))


# -- 5. monthly notes for as long as a stated long wait lasts -----------------------------

LONG_WAIT = _story(THANKED, {"type": "next_steps", "at": "2026-03-02T11:00:00+01:00",
                             "long_wait": True})


@pytest.mark.parametrize("policy", SHIPPED)
def test_monthly_notes_go_on_for_as_long_as_the_wait(policy):
    book = Rulebook.load(policy)
    start = _at("2026-03-02T12:00:00+01:00")
    sim = inv.follow_advice(book, LONG_WAIT, start, days=180)
    notes = [d.at for d in sim.done if d.recommendation.action == "periodic_check_in"]
    assert len(notes) >= 5, notes
    gaps = [b - a for a, b in zip(notes, notes[1:])]
    assert max(gaps) <= dt.timedelta(days=62)
    inv.keeps_in_touch(book, LONG_WAIT, start)


def test_notes_that_stop_after_two_are_abandonment():
    book = Rulebook.load(str(BEFORE_FIX))
    with pytest.raises(inv.InvariantFailure, match="keeps_in_touch"):
        inv.keeps_in_touch(book, LONG_WAIT, _at("2026-03-02T12:00:00+01:00"))


# -- the search finds each of them from a clean state -------------------------------------

# Each finding planted back, alone, into the fixed standard policy (a layer on it), with
# the invariant that must catch it and what its message says.
PLANTED = {
    "two_status_contacts_at_once": ("no_pestering", "both to do now", """\
rules:
  follow_up_call:
    absent:
      - {fact: call, after: s}
      - {fact: follow_up_sent, after: s}
"""),
    # unblocked, the email comes before the stated date, or on the day after it beside
    # the check-in: the search may meet either first
    "follow_up_before_the_stated_date": ("no_pestering", (
        "before the stated decision date", "send_follow_up_email are both to do now"), """\
rules:
  send_follow_up_email:
    absent:
      - {fact: thank_you_sent, after: iv}
      - {fact: follow_up_sent, after: iv}
      - {fact: closed}
limits:
  stated_decision_date:
    applies_to: [follow_up_call, retry_call, check_in, periodic_check_in, final_nudge]
"""),
    "silence_after_an_invitation": ("keeps_in_touch", "no status contact", """\
rules:
  check_in_after_invitation: {enabled: false}
"""),
    # held back for good, the notes stop: under a stated long wait, or after any last word
    "monthly_notes_stop_after_two": ("keeps_in_touch", ("take a while", "no status contact"),
                                     """\
limits:
  gave_up:
    applies_to: [follow_up_call, retry_call, check_in, periodic_check_in, final_nudge,
                 send_follow_up_email]
"""),
}
SEEDS = (0, 1)


def _search(book, invariant: str, seed: int, examples: int | None = None):
    from rulebook.testing.check import EXAMPLES, check_policy

    found = check_policy(book, {invariant: inv.INVARIANTS[invariant]},
                         examples=examples or EXAMPLES, seed=seed, shrink=False)
    return found[0] if found else None


# Timelines tried until the first failure, at the CI count (300 per invariant), no example
# database, each finding alone, seeds 0-3 ("-": not found within 300):
#
#   finding                            before: 0 / 1 / 2 / 3     after: 0 / 1 / 2 / 3
#   two_status_contacts_at_once        13 / 187 / 5 / 9          12 / 16 / 80 / 21
#   follow_up_before_the_stated_date   - / - / - / -             56 / 14 / 223 / 16
#   silence_after_an_invitation        41 / 118 / 91 / 71        3 / 65 / 78 / 136
#   monthly_notes_stop_after_two       58 / 36 / 20 / 71         149 / 11 / 3 / 99
#   stated channel (date-only event)   230 / - / - / -           31 / 72 / 80 / -
#
# Before, the email before a stated date took 528 timelines at seed 0 and was not found
# within 1,500 at seeds 1 and 3. The stories are now weighted toward the corners (no
# thank-you at all, often decided against; decision dates within two weeks, asked in
# the days before them and day by day after the interview; next steps noted as a date
# with a stated channel, asked that day), and the search no longer takes constants from
# the modules the process happened to import (``check._own_constants_only``): a seed
# gives the same timelines in the whole suite as in this file alone or on the command
# line, so these counts hold in CI.


# Since a date stated before an invitation no longer holds contacts back (the policy's
# stated_decision_date and no_pestering alike), the email before the date takes 360
# timelines at seed 0 (14 / 226 / 16 at seeds 1 / 2 / 3): the search runs 400 here.
SEARCH = 400


def _cases():
    for finding in sorted(PLANTED):
        for seed in SEEDS:
            yield finding, seed


@pytest.mark.parametrize(("finding", "seed"), list(_cases()))
def test_the_search_finds_each_planted_finding(tmp_path, finding, seed):
    invariant, words, layer = PLANTED[finding]
    path = tmp_path / f"{finding}.yaml"
    path.write_text(f"policy: planted\nextends: standard\n{layer}")
    found = _search(Rulebook.load(str(path)), invariant, seed, SEARCH)
    assert found is not None, f"{finding} not found with seed {seed}"
    words = (words,) if isinstance(words, str) else words
    assert any(w in found.failure.message for w in words), found.failure.message
    FOUND_AFTER[(finding, seed)] = found.examples


@pytest.mark.parametrize("seed", SEEDS)
def test_the_search_finds_the_stated_channel_bug(monkeypatch, seed):
    """The engine's channel choice as it was: a next_steps event logged as a date only is
    not seen until the end of its day."""
    from rulebook.engine import outcome
    from rulebook.engine.facts import person_key

    def as_before(timeline, at):
        events = [e for e in timeline.events if e.type == "next_steps" and e.preferred_channel
                  and e.at <= at]
        events.sort(key=lambda e: (e.at, e.preferred_channel, e.from_ or ""), reverse=True)
        return [(person_key(e.from_) if e.from_ else None, e.preferred_channel) for e in events]

    monkeypatch.setattr(outcome, "_stated_channels", as_before)
    found = _search(Rulebook.load("standard"), "follows_stated_channel", seed)
    assert found is not None and "they asked for" in found.failure.message
    FOUND_AFTER[("stated_channel_of_a_date_only_event", seed)] = found.examples


@pytest.mark.parametrize("invariant", ["no_pestering", "keeps_in_touch"])
def test_the_search_fails_the_standard_policy_as_it_was(invariant):
    assert _search(Rulebook.load(str(BEFORE_FIX)), invariant, SEEDS[0]) is not None


FOUND_AFTER: dict = {}  # (finding, seed) -> timelines tried until the first failure


# -- counts only for what passed ---------------------------------------------------------

def test_a_failing_rulebook_test_prints_no_success_counts(tmp_path, capsys):
    """A failing run counts what failed and what passed; it prints no ``passed: ...
    (N timelines)`` line and no count for the invariant that failed."""
    from rulebook.cli import main

    invariant, _, layer = PLANTED["two_status_contacts_at_once"]
    path = tmp_path / "planted.yaml"
    path.write_text(f"policy: planted\nextends: standard\n{layer}")
    skip = [a for name in sorted(inv.INVARIANTS) if name not in (invariant, "explained")
            for a in ("--skip", name)]
    code = main(["test", str(path), "--examples", "60", "--seed", "0", *skip])
    out = capsys.readouterr().out
    assert code == 1
    assert "ok    invariant: explained (60 timelines)" in out
    assert f"FAIL  invariant: {invariant}:" in out
    assert f"invariant: {invariant} (" not in out  # no count for what failed
    assert not [line for line in out.splitlines() if line.startswith("passed:")]
    assert out.splitlines()[-1] == ("FAILED: 0 scenario(s), 1 invariant(s) failing; passed: "
                                    "0 scenarios, 1 invariants")


_FAKE_DIFFERENTIAL = '''\
RUNS = {"policies": 3, "timelines": 5, "evaluations": 7}
EXAMPLES = 2
KNOWN_DIVERGENCES = []


def test_compared():
    assert FAIL is False
'''


@pytest.mark.parametrize("fail", [False, True])
def test_the_differential_summary_counts_only_a_run_that_passed(tmp_path, fail):
    """The terminal summary of ``tests/conftest.py`` prints the differential counts only
    when every differential test passed."""
    import shutil
    import subprocess
    import sys

    shutil.copy(Path(__file__).parent / "conftest.py", tmp_path / "conftest.py")
    (tmp_path / "test_differential.py").write_text(f"FAIL = {fail}\n" + _FAKE_DIFFERENTIAL)
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                          "test_differential.py"], cwd=tmp_path, capture_output=True,
                         text=True)
    out = run.stdout
    counts = "differential: 3 random policies and 5 timelines, 7 evaluations compared"
    if fail:
        assert run.returncode == 1 and "differential: FAILED (1 test(s)); no counts" in out
        assert counts not in out and "engine == reference" not in out
    else:
        assert run.returncode == 0 and counts in out, out + run.stderr


_RECORD = '''\
import hashlib, json, sys
for name in sys.argv[1:]:
    __import__(name)
from rulebook.api import Rulebook, as_timeline
from rulebook.testing.check import check_policy
seen = []
check_policy(Rulebook.load("standard"), {"record": lambda b, doc, at: seen.append(
    json.dumps(doc, sort_keys=True) + at.isoformat())}, examples=60, seed=5, shrink=False)
print(len(seen), hashlib.sha256("\\\\n".join(seen).encode()).hexdigest())
'''


def test_a_seed_gives_the_same_timelines_whatever_the_process_imported():
    """Hypothesis mixes constants of the modules already imported into its choices; the
    search turns that off, so the counts above hold in the whole suite as in this file."""
    import subprocess
    import sys

    def run(*modules: str) -> str:
        return subprocess.run([sys.executable, "-c", _RECORD, *modules], capture_output=True,
                              text=True, check=True).stdout

    bare = run()
    assert bare.startswith("60 ")
    assert run("rulebook.calendar", "rulebook.playground", "rulebook.service",
               "engine.reference", "rulebook.describe", "rulebook.explain") == bare


# -- found at the deep count (make test-deep, seed 1) -------------------------------------

# A call that reached voicemail before a stated decision date: its retry was held back
# until the date had passed, and then was due at the same moment as the check-in (three
# days after the call, when the gap between contacts lets the check-in through and the
# retry's window closes).
VOICEMAIL_BEFORE_THE_DATE = _story(
    THANKED, {"type": "next_steps", "at": "2026-03-02T11:00:00+01:00",
              "decision_by": "2026-03-10"},
    {"type": "call", "at": "2026-03-08T10:00:00+01:00", "outcome": "voicemail"})


@pytest.mark.parametrize("policy", SHIPPED)
def test_no_retry_call_beside_the_check_in_after_a_stated_date(policy):
    book = Rulebook.load(policy)
    # three days after the call: the gap between contacts ends as the retry's window does
    at = _at("2026-03-11T10:00:00+01:00")
    assert _status_now(book, VOICEMAIL_BEFORE_THE_DATE, at) == ["check_in"]
    inv.no_pestering(book, VOICEMAIL_BEFORE_THE_DATE, _at("2026-03-08T11:00:00+01:00"))


# The modern policy's follow-up email (no thank-you sent) ended at a week after the
# interview, the very moment its check-in opened: both were to do at once.
NO_THANKS = _story()


def test_modern_never_has_the_follow_up_email_and_the_check_in_at_once():
    book = Rulebook.load("modern")
    week = _at("2026-03-09T10:00:00+01:00")
    assert _status_now(book, NO_THANKS, week) == ["check_in"]
    assert _status_now(book, NO_THANKS, week - dt.timedelta(minutes=1)) == \
        ["send_follow_up_email"]
    inv.no_pestering(book, NO_THANKS, week)


# Two follow-ups sent, then the employer states next steps with a date: the follow-ups
# were answered, yet `gave_up` held every contact back for good, and the check-in after
# the stated date never came.
ANSWERED_BY_NEXT_STEPS = _story(
    THANKED, {"type": "follow_up_sent", "at": "2026-03-02T12:00:00+01:00", "channel": "email"},
    {"type": "follow_up_sent", "at": "2026-03-09T12:00:00+01:00", "channel": "email"},
    {"type": "next_steps", "at": "2026-03-10T10:00:00+01:00", "decision_by": "2026-03-13"})


@pytest.mark.parametrize("policy", SHIPPED)
def test_next_steps_after_two_follow_ups_answer_them(policy):
    book = Rulebook.load(policy)
    advice = book.recommend(ANSWERED_BY_NEXT_STEPS, _at("2026-03-16T12:00:00+01:00"))
    assert [r.action for r in advice.actions if r.action in STATUS] == ["check_in"]
    inv.keeps_in_touch(book, ANSWERED_BY_NEXT_STEPS, _at("2026-03-10T10:01:00+01:00"))


# The classic policy, the employer asking for handwritten notes: its thank-you (stated
# channel) was done as advised as a note, and recommended again a minute later, because
# only a thank-you on another channel than a note counted (found by make test-deep).
NOTE_ASKED_FOR = {"timezone": "UTC", "events": [
    {"type": "interview", "at": "2026-03-02T09:00:00+00:00", "interviewers": [{"name": "Ana Lima"}]},
    {"type": "next_steps", "at": "2026-03-02T09:00:00+00:00", "preferred_channel": "handwritten_note"},
]}


def test_classic_does_not_ask_again_for_a_thank_you_done_as_a_note():
    book = Rulebook.load("classic")
    at = _at("2026-03-04T09:00:00+00:00")
    (thanks,) = [r for r in book.recommend(NOTE_ASKED_FOR, at).actions
                 if r.action == "send_thank_you"]
    assert thanks.channel == "handwritten_note"
    inv.done_is_done(book, NOTE_ASKED_FOR, at)


# Two follow-ups and the employer's next steps, all logged with the same date only: the
# next steps were not "after" the second follow-up (same instant, fixed lifecycle order),
# so `gave_up` held every contact back for good and the check-in after the stated date
# never came (found by make test-deep, seed 1, in all three shipped policies).
SAME_DAY = _story(
    THANKED, {"type": "follow_up_sent", "at": "2026-03-08", "channel": "email"},
    {"type": "follow_up_sent", "at": "2026-03-08", "channel": "email"},
    {"type": "next_steps", "at": "2026-03-08", "decision_by": "2026-03-14"})


@pytest.mark.parametrize("policy", SHIPPED)
def test_next_steps_logged_the_same_day_as_the_follow_ups_answer_them(policy):
    book = Rulebook.load(policy)
    # two weeks after the two unanswered follow-ups (the unanswered_contacts limit)
    advice = book.recommend(SAME_DAY, _at("2026-03-23T12:00:00+01:00"))
    assert [r.action for r in advice.actions if r.action in STATUS] == ["check_in"]
    inv.keeps_in_touch(book, SAME_DAY, _at("2026-03-02T10:01:00+01:00"))


# A decision date stated, then an invitation to another interview that never gets
# scheduled: the invitation's check-in was held back by the old date until its window had
# closed, and the check-in after the date was blocked by the invitation (a later reply):
# silence for good (found by make test-deep, seed 1, in all three shipped policies). An
# invitation opens a new round; a date stated before it was about the old one.
INVITED_AFTER_A_DATE = _story(
    THANKED, {"type": "next_steps", "at": "2026-03-03T10:00:00+01:00",
              "decision_by": "2026-04-10"},
    {"type": "reply", "at": "2026-03-04T10:00:00+01:00", "kind": "second_interview"})


@pytest.mark.parametrize("policy", SHIPPED)
def test_an_invitation_after_a_stated_date_gets_its_check_in(policy):
    book = Rulebook.load(policy)
    # two weeks after the invitation, nothing scheduled
    assert _status_now(book, INVITED_AFTER_A_DATE, _at("2026-03-18T12:00:00+01:00")) == \
        ["check_in"]
    inv.keeps_in_touch(book, INVITED_AFTER_A_DATE, _at("2026-03-04T10:01:00+01:00"))
    inv.no_pestering(book, INVITED_AFTER_A_DATE, _at("2026-03-04T10:01:00+01:00"))


def test_no_pestering_still_holds_a_date_stated_after_the_invitation():
    """The exception is narrow: a date stated after the invitation still holds contacts."""
    story = _story(THANKED, {"type": "reply", "at": "2026-03-03T10:00:00+01:00",
                             "kind": "second_interview"},
                   {"type": "next_steps", "at": "2026-03-04T10:00:00+01:00",
                    "decision_by": "2026-04-10"})
    book = Rulebook.load("standard")
    assert _status_now(book, story, _at("2026-03-18T12:00:00+01:00")) == []
    inv.no_pestering(book, story, _at("2026-03-04T10:01:00+01:00"))


def test_keeps_in_touch_leaves_a_dismissed_check_in_to_the_candidate():
    """The candidate dismissed check-ins for everyone: the policy's silence after the
    stated date is theirs, and keeps_in_touch does not count it against the policy."""
    story = _story(THANKED, {"type": "next_steps", "at": "2026-03-03T10:00:00+01:00",
                             "decision_by": "2026-03-11"},
                   {"type": "dismissed", "at": "2026-03-03T11:00:00+01:00",
                    "action": "check_in"})
    book = Rulebook.load("standard")
    inv.keeps_in_touch(book, story, _at("2026-03-03T11:01:00+01:00"))
    kept = _story(THANKED, {"type": "next_steps", "at": "2026-03-03T10:00:00+01:00",
                            "decision_by": "2026-03-11"},
                  {"type": "dismissed", "at": "2026-03-03T11:00:00+01:00",
                   "action": "check_in", "to": "Someone Else"})
    inv.keeps_in_touch(book, kept, _at("2026-03-03T11:01:00+01:00"))  # the policy checks in


# A missed call and a follow-up on one day, then the employer's next steps with a decision
# date the day after: the next steps answered the contacts, yet `unanswered_contacts`
# (only a reply answered them) held the check-in after the date until its window had
# closed, and then nothing came (found by make test-deep, seed 1, standard and modern).
NEXT_STEPS_AFTER_TWO_CONTACTS = _story(
    THANKED, {"type": "call", "at": "2026-03-03T17:00:00+01:00", "outcome": "voicemail"},
    {"type": "follow_up_sent", "at": "2026-03-03T19:00:00+01:00", "channel": "email"},
    {"type": "next_steps", "at": "2026-03-07T10:00:00+01:00",
     "decision_by": "2026-03-08T08:00:00+01:00"})


@pytest.mark.parametrize("policy", SHIPPED)
def test_next_steps_answer_unanswered_contacts(policy):
    book = Rulebook.load(policy)
    # the first office morning after the stated date
    assert _status_now(book, NEXT_STEPS_AFTER_TWO_CONTACTS,
                       _at("2026-03-09T10:00:00+01:00")) == ["check_in"]
    inv.keeps_in_touch(book, NEXT_STEPS_AFTER_TWO_CONTACTS, _at("2026-03-07T10:01:00+01:00"))


# Two follow-ups logged at the very instant of the interview: the language orders them
# after it (same-instant events keep the lifecycle order), and the policy rightly stops
# after two unanswered follow-ups; keeps_in_touch did not count them (it wanted contacts
# strictly later than the employer's last word) and called the stop abandonment (found by
# make test-deep, seed 1, classic).
FOLLOW_UPS_AT_THE_INTERVIEW = {"timezone": "UTC", "events": [
    {"type": "interview", "at": "2026-03-02T09:00:00+00:00",
     "interviewers": [{"name": "Ana Lima", "phone": "+1 555 0100"}]},
    {"type": "follow_up_sent", "at": "2026-03-02T09:00:00+00:00", "channel": "email"},
    {"type": "follow_up_sent", "at": "2026-03-02T09:00:00+00:00", "channel": "email"},
]}


def test_keeps_in_touch_counts_contacts_at_the_instant_of_the_interview():
    book = Rulebook.load("classic")
    assert _status_now(book, FOLLOW_UPS_AT_THE_INTERVIEW, _at("2026-03-20T10:00:00+00:00")) == []
    inv.keeps_in_touch(book, FOLLOW_UPS_AT_THE_INTERVIEW, _at("2026-03-02T09:01:00+00:00"))


def test_keeps_in_touch_does_not_count_contacts_at_the_instant_of_a_reply(tmp_path):
    """A reply at the same instant comes after the contacts: they were answered, and a
    policy silent after the reply abandons the candidate."""
    story = _story(THANKED, {"type": "follow_up_sent", "at": "2026-03-09T10:00:00+01:00",
                             "channel": "email"},
                   {"type": "follow_up_sent", "at": "2026-03-10T10:00:00+01:00",
                    "channel": "email"},
                   {"type": "reply", "at": "2026-03-10T10:00:00+01:00", "kind": "no_decision"})
    at = _at("2026-03-10T10:01:00+01:00")
    inv.keeps_in_touch(Rulebook.load("standard"), story, at)
    silent = tmp_path / "silent.yaml"
    silent.write_text("policy: silent\nextends: standard\nrules:\n"
                      "  check_in_after_reply: {enabled: false}\n", encoding="utf-8")
    with pytest.raises(inv.InvariantFailure, match="no status contact"):
        inv.keeps_in_touch(Rulebook.load(str(silent)), story, at)


def test_no_pestering_drops_a_date_stated_at_the_instant_of_an_invitation():
    """Next steps and an invitation logged at one instant: the invitation comes after them
    (the language's order), so the policy's check-in on the invitation does not break the
    old date, and no_pestering agrees with it."""
    story = _story(THANKED, {"type": "next_steps", "at": "2026-03-04", "decision_by": "2026-04-10"},
                   {"type": "reply", "at": "2026-03-04", "kind": "second_interview"})
    book = Rulebook.load("standard")
    assert _status_now(book, story, _at("2026-03-19T12:00:00+01:00")) == ["check_in"]
    inv.no_pestering(book, story, _at("2026-03-05T10:01:00+01:00"))


# Next steps stated without a date near the end of the check-in's window: the check-in
# counted from the interview only. In modern (a check-in a week after the interview) the
# window closed over the weekend after their word, and nothing came for good; in standard
# the check-in came the first morning after their word (found by make test-deep, seed 1).
NEXT_STEPS_ON_A_FRIDAY = _story(
    THANKED, {"type": "next_steps", "at": "2026-03-13T17:00:00+01:00", "from": "Dana Lee"})


def test_modern_checks_in_a_week_after_next_steps_without_a_date():
    book = Rulebook.load("modern")
    assert _status_now(book, NEXT_STEPS_ON_A_FRIDAY, _at("2026-03-20T17:30:00+01:00")) == []
    assert _status_now(book, NEXT_STEPS_ON_A_FRIDAY, _at("2026-03-23T10:00:00+01:00")) == \
        ["check_in"]
    inv.keeps_in_touch(book, NEXT_STEPS_ON_A_FRIDAY, _at("2026-03-13T17:01:00+01:00"))


@pytest.mark.parametrize("policy", ["standard", "classic"])
def test_the_check_in_counts_from_next_steps_without_a_date(policy):
    book = Rulebook.load(policy)
    story = _story(THANKED, {"type": "call", "at": "2026-03-09T10:00:00+01:00",
                             "outcome": "reached"},
                   {"type": "next_steps", "at": "2026-03-27T17:00:00+01:00"})
    assert _status_now(book, story, _at("2026-03-30T09:30:00+02:00")) == []
    assert _status_now(book, story, _at("2026-04-13T10:00:00+02:00")) == ["check_in"]
    inv.keeps_in_touch(book, story, _at("2026-03-27T17:01:00+01:00"))


# A decision date that passed before a second interview held the check-in after that
# interview back for good (any stated date did), while the check-in after the date had
# long closed (found by make test-deep, seed 1, classic).
DATE_PASSED_BEFORE_ROUND_TWO = _story(
    THANKED, {"type": "next_steps", "at": "2026-03-02T11:00:00+01:00",
              "decision_by": "2026-03-06"},
    {"type": "interview", "at": "2026-03-16T10:00:00+01:00", "round": 2,
     "interviewers": [{"name": "Dana Lee", "email": "dana@northwind.example"}]},
    {"type": "thank_you_sent", "at": "2026-03-16T18:00:00+01:00", "to": "Dana Lee",
     "channel": "email"})


@pytest.mark.parametrize("policy", SHIPPED)
def test_a_date_that_passed_before_the_next_interview_holds_nothing_back(policy):
    book = Rulebook.load(policy)
    # two weeks after the second interview (modern: one week)
    when = "2026-03-24T10:00:00+01:00" if policy == "modern" else "2026-03-31T10:00:00+02:00"
    assert _status_now(book, DATE_PASSED_BEFORE_ROUND_TWO, _at(when)) == ["check_in"]
    inv.keeps_in_touch(book, DATE_PASSED_BEFORE_ROUND_TWO, _at("2026-03-16T18:01:00+01:00"))
    inv.no_pestering(book, DATE_PASSED_BEFORE_ROUND_TWO, _at("2026-03-16T18:01:00+01:00"))


# An update without a decision after the employer stated a date more than four weeks out:
# the reply blocked the check-in after the date, and the reply's own check-in was held by
# the date until its window had closed: silence for good (found by make test-deep, seed 1,
# standard, with both logged as dates on the same day).
@pytest.mark.parametrize("reply_at", ["2026-03-05", "2026-03-10T10:00:00+01:00"])
@pytest.mark.parametrize("policy", SHIPPED)
def test_an_update_without_a_decision_leaves_the_stated_date_standing(policy, reply_at):
    book = Rulebook.load(policy)
    story = _story(THANKED, {"type": "next_steps", "at": "2026-03-05", "decision_by": "2026-04-20"},
                   {"type": "reply", "at": reply_at, "kind": "no_decision"})
    assert _status_now(book, story, _at("2026-04-13T10:00:00+02:00")) == []
    assert _status_now(book, story, _at("2026-04-21T10:00:00+02:00")) == ["check_in"]
    inv.keeps_in_touch(book, story, _at("2026-03-10T10:01:00+01:00"))
    inv.no_pestering(book, story, _at("2026-03-10T10:01:00+01:00"))


# Next steps logged at the very instant of the interview, with that instant as the
# decision date: the interview counted as "an interview on or after the date", which
# blocked the check-in after the date, while the check-in after the interview gave way
# to the stated date: silence for good (found by make test-deep, seed 1, standard). Only
# an interview after the next steps supersedes their date.
DATE_AT_THE_INTERVIEW = {"timezone": "UTC", "events": [
    {"type": "interview", "at": "2026-03-02T09:00:00+00:00",
     "interviewers": [{"name": "Ana Lima", "phone": "+1 555 0100"}]},
    {"type": "next_steps", "at": "2026-03-02T09:00:00+00:00",
     "decision_by": "2026-03-02T09:00:00+00:00", "from": "Ana Lima",
     "preferred_channel": "email"},
    {"type": "thank_you_sent", "at": "2026-03-03T09:00:00+00:00", "to": "Ana Lima",
     "channel": "email"}]}


@pytest.mark.parametrize("policy", SHIPPED)
def test_a_date_stated_at_the_interview_instant_still_gets_its_check_in(policy):
    inv.keeps_in_touch(Rulebook.load(policy), DATE_AT_THE_INTERVIEW,
                       _at("2026-03-02T09:00:00+00:00"))


# A check-in three calendar days after a call, across the start of daylight-saving time:
# the policy's gap (3d: calendar days, the wall time kept) allowed it, and no_pestering
# measured 3 days as 72 real hours and called it pestering (found by the CI-count run of
# `rulebook test standard --seed 3`, in New York).
CALL_BEFORE_DST = {"timezone": "America/New_York", "events": [
    {"type": "interview", "at": "2026-03-04T07:00:00-05:00", "interviewers": [{"name": "Dana Lee"}]},
    {"type": "thank_you_sent", "to": "Dana Lee", "channel": "email", "at": "2026-03-04"},
    {"type": "next_steps", "at": "2026-03-04", "decision_by": "2026-03-07"},
    {"type": "call", "at": "2026-03-07T09:00:00-05:00", "outcome": "reached"}]}


def test_no_pestering_counts_the_gap_in_calendar_days_across_daylight_saving():
    book = Rulebook.load("standard")
    at = _at("2026-03-10T09:00:00-04:00")  # three days after the call, 71 real hours
    assert _status_now(book, CALL_BEFORE_DST, at) == ["check_in"]
    inv.no_pestering(book, CALL_BEFORE_DST, _at("2026-03-04T07:01:00-05:00"))
    # a day earlier is still too soon, by the policy and by the invariant
    assert _status_now(book, CALL_BEFORE_DST, _at("2026-03-09T09:00:00-04:00")) == []
    assert inv._plus(_at("2026-03-07T09:00:00-05:00"), inv.contact_gap(book),
                     as_timeline(CALL_BEFORE_DST).tz) == at


# The same date that passed before a second interview held the follow-up call (and, with
# no thank-you, the follow-up email) after that interview back for good: any stated date
# did. Only the check-in had been freed.
@pytest.mark.parametrize("thanked", [True, False])
def test_a_date_that_passed_before_the_next_interview_holds_no_follow_up_back(thanked):
    book = Rulebook.load("standard")
    story = dict(DATE_PASSED_BEFORE_ROUND_TWO, events=[
        e for e in DATE_PASSED_BEFORE_ROUND_TWO["events"]
        if thanked or not (e["type"] == "thank_you_sent" and e["at"] > "2026-03-10")])
    # a week after the second interview: the call (thanked) or the follow-up email (not)
    expected = ["follow_up_call"] if thanked else ["send_follow_up_email"]
    advice = book.recommend(story, _at("2026-03-23T10:00:00+01:00"))
    assert [r.action for r in advice.actions if r.action in expected] == expected
    inv.no_pestering(book, story, _at("2026-03-16T18:01:00+01:00"))
