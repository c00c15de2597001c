"""A policy in a coach's plain words, generated from the resolved policy (Markdown).

``rulebook describe POLICY`` says, per rule, when the advice starts, by when it is due,
the latest moment, to whom, by which channel and what can hold it back; per limit, what
it stops and for how long; and the guidelines behind each. It is generated from the
policy after its layers are merged, so it is what the policy does, not what a comment
claims. ``describe A --diff B`` says the same only for what B changes relative to A:
entries added, removed, switched off, and each line of an entry that reads differently.

Every line is a (label, words) pair, so that a diff compares entries line by line.
``lang="de"`` says it all in German (ids, codes and the guideline catalogue's titles stay
as written).
"""

from __future__ import annotations

from typing import Any, Optional

from .guidelines import catalogue
from .lang import DEFAULT, channel_name, check_lang, offset_words, word
from .policy import Limit, Pattern, Policy, Rule
from .timeexpr import Offset, TimeExpr
from .vocabulary import NOW

FACT_WORDS = {
    "interview": "interview", "interviewer": "interviewer",
    "interview_scheduled": "scheduled interview", "next_steps": "next-steps conversation",
    "contact_details": "contact details noted", "thank_you_sent": "thank-you sent",
    "follow_up_sent": "follow-up sent", "call": "call", "reply": "reply from the employer",
    "materials_sent": "materials sent", "promise": "promise made",
    "referral_contact": "referral contact", "withdrawn": "withdrawal",
}
FIELD_WORDS = {"decision_by": "stated decision date", "starts_at": "start", "due": "due date",
               "at": "time", "preferred_channel": "preferred channel", "from": "sender",
               "to": "addressee", "name": "name", "round": "round",
               "purpose": "purpose"}
OPS = {"eq": "is", "ne": "is not", "in": "is one of", "gt": "is more than",
       "ge": "is at least", "lt": "is less than", "le": "is at most"}
TIME_OPS = {"gt": "is after", "ge": "is at or after", "lt": "is before", "le": "is at or before"}

Line = tuple[str, str]


def _words(name: str) -> str:
    return name.replace("_", " ")


def fact_words(types: list[str]) -> str:
    return " or ".join(FACT_WORDS.get(t, _words(t)) for t in types)


class _Scope:
    """What each name of an entry stands for, in words ("the interviewer")."""

    def __init__(self, entry):
        self.types = {name: p.types for name, p in entry.when.items()}

    def name(self, alias: str, time: bool = False) -> str:
        if alias == NOW:
            return "now"
        if alias not in self.types:
            return alias
        types = self.types[alias]
        shared = [a for a, t in self.types.items() if t == types]
        tag = f" {alias}" if len(shared) > 1 else ""  # "the contact c1", "the contact c2"
        if time and types == ["interviewer"]:
            return "the interview" + tag  # an interviewer's time is their interview's
        return "the " + fact_words(types) + tag

    def ref(self, ref: str) -> str:
        alias, _, fname = ref.partition(".")
        if not fname:
            return self.name(alias)
        if fname == "name":
            return self.name(alias)  # a person: "the interviewer"
        return f"{self.name(alias)}'s {FIELD_WORDS.get(fname, _words(fname))}"

    def time(self, expr: TimeExpr) -> str:
        base = "now" if expr.anchor == NOW else (
            self.ref(f"{expr.anchor}.{expr.field}") if expr.field
            else self.name(expr.anchor, time=True))
        if not expr.offsets:
            return "right at " + base if expr.anchor != NOW else "now"
        after = [o.words() for o in expr.offsets if o.sign > 0]
        before = [o.words() for o in expr.offsets if o.sign < 0]
        parts = []
        if after:
            parts.append(" and ".join(after) + " after")
        if before:
            parts.append(" and ".join(before) + " before")
        return " and ".join(parts) + " " + base


def _value(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_value(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return _words(str(value))


def pattern_words(p: Pattern, scope: _Scope, time_fields: set[str]) -> str:
    from .timeexpr import parse_time_expr

    parts = []
    for fname, cond in p.where.items():
        label = FIELD_WORDS.get(fname, _words(fname))
        for op, value in cond.tests():
            if fname == "final" and op in ("eq", "ne"):  # an interview marked final: true
                last = value == (op == "eq")
                parts.append("of the final round" if last else "not of the final round")
            elif op == "exists":
                parts.append(f"with a {label}" if value else f"with no {label}")
            elif fname in time_fields or fname == "at":
                try:
                    shown = scope.time(parse_time_expr(value))
                except ValueError:
                    shown = str(value)
                parts.append(f"whose {label} {TIME_OPS.get(op, OPS[op])} {shown}")
            else:
                parts.append(f"whose {label} {OPS[op]} {_value(value)}")
    for fname, ref in p.same.items():
        parts.append(f"whose {FIELD_WORDS.get(fname, _words(fname))} is "
                     f"{scope.ref(ref) if not ref.endswith('.name') else scope.name(ref[:-5])}")
    if p.after:
        parts.append(f"after {scope.name(p.after)}")
    if p.before:
        parts.append(f"before {scope.name(p.before)}")
    if p.since is not None:
        parts.append(f"in the last {p.since.words()}")
    kind = fact_words(p.types)
    text = ("an " if kind[0] in "aeiou" else "a ") + kind
    return text + (" " + ", ".join(parts) if parts else "")


def _conditions(entry, scope: _Scope, time_fields: set[str]) -> list[Line]:
    first = True
    when = []
    for alias, p in entry.when.items():
        words = pattern_words(p, scope, time_fields)
        when.append(("for each " + words.split(" ", 1)[1] if first else "and " + words)
                    + f" ({alias})")
        first = False
    out = [("When", "; ".join(when))]
    if entry.absent:
        out.append(("Unless there is", "; or ".join(pattern_words(p, scope, time_fields)
                                                   for p in entry.absent)))
    if entry.count:
        out.append(("Only if there are", "; and ".join(count_words(c, scope, time_fields)
                                                       for c in entry.count)))
    return out


def count_words(c, scope: _Scope, time_fields: set[str]) -> str:
    """'at most 2 of: a call after the interview, within 14 days of each other'."""
    low, high = c.at_least, c.at_most
    if low is not None and low == high:
        n = f"exactly {low}"
    elif low is not None and high is not None:
        n = f"between {low} and {high}"
    elif low is not None:
        n = f"at least {low}"
    else:
        n = "none" if high == 0 else f"at most {high}"
    text = f"{n} of: {pattern_words(c, scope, time_fields)}"
    if c.within is not None:
        text += f", within {c.within.words()} of each other"
    return text


def _sources(entry, policy: Policy, lang: str = DEFAULT) -> Line:
    known = catalogue(policy)
    label = "Leitlinien" if lang == "de" else "Guidelines"
    return (label, "; ".join(f"{g} ({known[g].title})" if g in known else g
                             for g in entry.sources))


def _holds(policy: Policy, action: str) -> list[str]:
    out = []
    for lid, lim in policy.active("limits").items():
        applies = lim.applies_to == "all" or action in lim.applies_to
        if applies and action not in lim.except_:
            out.append(_words(lid))
    return out


def rule_lines(rid: str, rule: Rule, policy: Policy, time_fields: set[str]) -> list[Line]:
    scope = _Scope(rule)
    w = rule.window
    lines: list[Line] = [("Advice", _words(rule.action))]
    lines += _conditions(rule, scope, time_fields)
    lines.append(("Starts", scope.time(w.start)))
    lines.append(("Due by", scope.time(w.due)))
    lines.append(("At the latest", scope.time(w.end) if w.end else "no deadline: until done"))
    if rule.office_hours:
        hours = policy.settings.office_hours
        lines.append(("Office hours", f"only {', '.join(hours.days)}, {hours.start} to "
                      f"{hours.end}; outside them it waits"))
    lines.append(("To", scope.ref(rule.to) if rule.to else "no one in particular"))
    if rule.channel is None:
        lines.append(("Channel", "none (nothing to send)"))
    else:
        options = [c for c in [rule.channel.default] + list(rule.channel.fallback)
                   if c in policy.settings.channels]
        text = " else ".join(_words(c) for c in options) or "none the policy allows"
        if rule.channel.stated:
            text = "the employer's stated channel first, else " + text
        lines.append(("Channel", text))
    if rule.logs is not None:
        lines.append(("Doing it records", "nothing" if rule.logs == "nothing" else
                      f"a {FACT_WORDS[rule.logs]}" + (f" (purpose: {_words(rule.action)})"
                                                       if rule.logs != "materials_sent" else "")))
    holds = _holds(policy, rule.action)
    lines.append(("Held back by", ", ".join(holds) if holds else "nothing"))
    lines.append(_sources(rule, policy))
    return lines


def limit_lines(lid: str, lim: Limit, policy: Policy, time_fields: set[str]) -> list[Line]:
    scope = _Scope(lim)
    if lim.applies_to == "all":
        stops = "every advice"
    else:
        stops = ", ".join(_words(a) for a in lim.applies_to)
    if lim.except_:
        stops += " (but never " + ", ".join(_words(a) for a in lim.except_) + ")"
    if lim.same:
        stops += ", only with the same " + " and ".join(
            f"{'person' if f == 'to' else f} as {scope.ref(ref)}" for f, ref in lim.same.items())
    lines: list[Line] = [("Stops", stops)]
    lines += _conditions(lim, scope, time_fields)
    lines.append(("For how long", "until " + scope.time(lim.until) if lim.until else "for good"))
    lines.append(_sources(lim, policy))
    return lines


def derivation_lines(did: str, d, policy: Policy, time_fields: set[str]) -> list[Line]:
    scope = _Scope(d)
    lines = [("Fact", _words(d.fact or did))] + _conditions(d, scope, time_fields)
    if d.sources:
        lines.append(_sources(d, policy))
    return lines




# -- German -------------------------------------------------------------------------------
#
# German declines what English only strings together, so it has its own sentences rather
# than word-for-word swaps: every noun carries its gender and its dative and genitive
# forms, and a pattern's tests are listed after it ("ein Anruf (Ergebnis: eines von
# voicemail, no answer; nach dem Vorstellungsgespräch)") instead of in a relative clause.
# Codes (values, ids, derived facts' names) stay as the policy writes them.

_Noun = tuple[str, str, str, str]  # gender (m, f, n), nominative, dative, genitive

DE_FACTS: dict[str, _Noun] = {
    "interview": ("n", "Vorstellungsgespräch", "Vorstellungsgespräch", "Vorstellungsgesprächs"),
    "interviewer": ("m", "Interviewer", "Interviewer", "Interviewers"),
    "interview_scheduled": ("m", "Gesprächstermin", "Gesprächstermin", "Gesprächstermins"),
    "next_steps": ("n", "Gespräch über die nächsten Schritte",
                   "Gespräch über die nächsten Schritte",
                   "Gesprächs über die nächsten Schritte"),
    "contact_details": ("m", "Eintrag neuer Kontaktdaten", "Eintrag neuer Kontaktdaten",
                        "Eintrags neuer Kontaktdaten"),
    "thank_you_sent": ("f", "Dankesnachricht", "Dankesnachricht", "Dankesnachricht"),
    "follow_up_sent": ("f", "Nachfassnachricht", "Nachfassnachricht", "Nachfassnachricht"),
    "call": ("m", "Anruf", "Anruf", "Anrufs"),
    "reply": ("f", "Antwort des Arbeitgebers", "Antwort des Arbeitgebers",
              "Antwort des Arbeitgebers"),
    "materials_sent": ("m", "Unterlagenversand", "Unterlagenversand", "Unterlagenversands"),
    "promise": ("f", "Zusage", "Zusage", "Zusage"),
    "referral_contact": ("m", "Empfehlungskontakt", "Empfehlungskontakt", "Empfehlungskontakts"),
    "withdrawn": ("m", "Rückzug", "Rückzug", "Rückzugs"),
    "snoozed": ("m", "Aufschub", "Aufschub", "Aufschubs"),
    "dismissed": ("m", "Verzicht", "Verzicht", "Verzichts"),
    # the shipped policies' derived facts whose names read as one German noun
    "silence": ("f", "Funkstille", "Funkstille", "Funkstille"),
    "contact": ("m", "Kontakt", "Kontakt", "Kontakts"),
    "closed": ("m", "Abschluss", "Abschluss", "Abschlusses"),
    "awaiting_decision": ("n", "Warten auf die Entscheidung", "Warten auf die Entscheidung",
                          "Wartens auf die Entscheidung"),
}
DE_FIELDS: dict[str, _Noun] = {
    "decision_by": ("m", "Entscheidungstermin", "Entscheidungstermin", "Entscheidungstermins"),
    "starts_at": ("m", "Beginn", "Beginn", "Beginns"),
    "due": ("m", "Fälligkeitstermin", "Fälligkeitstermin", "Fälligkeitstermins"),
    "at": ("m", "Zeitpunkt", "Zeitpunkt", "Zeitpunkts"),
    "preferred_channel": ("m", "Wunschkanal", "Wunschkanal", "Wunschkanals"),
    "from": ("m", "Absender", "Absender", "Absenders"),
    "to": ("m", "Empfänger", "Empfänger", "Empfängers"),
    "name": ("m", "Name", "Namen", "Namens"),
    "round": ("f", "Runde", "Runde", "Runde"),
    "purpose": ("m", "Zweck", "Zweck", "Zwecks"),
    "outcome": ("n", "Ergebnis", "Ergebnis", "Ergebnisses"),
    "kind": ("f", "Art", "Art", "Art"),
    "email": ("f", "E-Mail-Adresse", "E-Mail-Adresse", "E-Mail-Adresse"),
    "phone": ("f", "Telefonnummer", "Telefonnummer", "Telefonnummer"),
    "role": ("f", "Rolle", "Rolle", "Rolle"),
    "action": ("f", "Aktion", "Aktion", "Aktion"),
    "until": ("n", "Ende", "Ende", "Endes"),
    "channel": ("m", "Kanal", "Kanal", "Kanals"),
    "long_wait": ("m", "Hinweis auf lange Wartezeit", "Hinweis auf lange Wartezeit",
                  "Hinweises auf lange Wartezeit"),
}
_CASE = {"nom": 1, "dat": 2, "gen": 3}
_THE = {"nom": {"m": "der", "f": "die", "n": "das"}, "acc": {"m": "den", "f": "die", "n": "das"},
        "dat": {"m": "dem", "f": "der", "n": "dem"}, "gen": {"m": "des", "f": "der", "n": "des"}}
_A = {"nom": {"m": "ein", "f": "eine", "n": "ein"}, "acc": {"m": "einen", "f": "eine", "n": "ein"}}
_EACH = {"m": "jeden", "f": "jede", "n": "jedes"}  # "für jeden ..." (accusative)
_UNITS_DE = {"m": ("Minute", "Minuten"), "h": ("Stunde", "Stunden"), "d": ("Tag", "Tage"),
             "w": ("Woche", "Wochen"), "bd": ("Werktag", "Werktage")}
DE_OPS = {"eq": "", "ne": "nicht ", "in": "eines von ", "gt": "mehr als ",
          "ge": "mindestens ", "lt": "weniger als ", "le": "höchstens "}
DE_TIME_OPS = {"eq": "", "ne": "nicht ", "gt": "später als ", "ge": "frühestens ",
               "lt": "früher als ", "le": "spätestens "}


def _fact_noun(kind: str) -> _Noun:
    """A built-in fact's noun; any other (a derived fact) is 'Fakt „its name“'."""
    if kind in DE_FACTS:
        return DE_FACTS[kind]
    name = f"„{_words(kind)}“"
    return ("m", f"Fakt {name}", f"Fakt {name}", f"Fakts {name}")


def _field_noun(fname: str) -> _Noun:
    if fname in DE_FIELDS:
        return DE_FIELDS[fname]
    name = f"„{_words(fname)}“"
    return ("n", f"Feld {name}", f"Feld {name}", f"Felds {name}")


def _de_span(o: Offset) -> str:
    one, many = _UNITS_DE[o.unit]
    return f"{o.amount} {one if o.amount == 1 else many}"


class _ScopeDe:
    """What each name of an entry stands for, in German, in the case a sentence needs."""

    def __init__(self, entry):
        self.types = {name: p.types for name, p in entry.when.items()}

    def name(self, alias: str, case: str = "nom", time: bool = False) -> str:
        if alias == NOW:
            return "jetzt"
        if alias not in self.types:
            return alias
        types = self.types[alias]
        shared = [a for a, t in self.types.items() if t == types]
        tag = f" {alias}" if len(shared) > 1 else ""
        if time and types == ["interviewer"]:
            types = ["interview"]  # an interviewer's time is their interview's
        nouns = [_fact_noun(t) for t in types]
        return " oder ".join(f"{_THE[case][n[0]]} {n[_CASE.get(case, 1)]}"
                             for n in nouns) + tag

    def ref(self, ref: str, case: str = "nom", time: bool = False) -> str:
        alias, _, fname = ref.partition(".")
        if not fname or fname == "name":
            return self.name(alias, case, time)  # a person: "der Interviewer"
        noun = _field_noun(fname)
        return f"{_THE[case][noun[0]]} {noun[_CASE.get(case, 1)]} {self.name(alias, 'gen')}"

    def time(self, expr: TimeExpr, until: bool = False) -> str:
        """A moment in words; ``until``: after "bis" ("bis zum Entscheidungstermin ...")."""
        if expr.anchor == NOW:
            if not expr.offsets:
                return "jetzt"
            after = [o for o in expr.offsets if o.sign > 0]
            before = [o for o in expr.offsets if o.sign < 0]
            parts = ([f"in {offset_words(after, 'de')}"] if after else []) + \
                ([f"vor {offset_words(before, 'de')}"] if before else [])
            return " und ".join(parts)
        base = self.ref(f"{expr.anchor}.{expr.field}", "dat") if expr.field \
            else self.name(expr.anchor, "dat", time=True)
        if not expr.offsets:
            if until:  # zu dem -> zum, zu der -> zur
                return "zu" + ("r" + base[3:] if base.startswith("der ") else "m" + base[3:])
            return "mit " + base
        after = [_de_span(o) for o in expr.offsets if o.sign > 0]
        before = [_de_span(o) for o in expr.offsets if o.sign < 0]
        parts = ([" und ".join(after) + " nach"] if after else []) + \
            ([" und ".join(before) + " vor"] if before else [])
        return " und ".join(parts) + " " + base


def _de_value(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_de_value(v) for v in value)
    if isinstance(value, bool):
        return "ja" if value else "nein"
    return _words(str(value))


def _de_tests(p: Pattern, scope: _ScopeDe, time_fields: set[str]) -> list[str]:
    from .timeexpr import parse_time_expr

    parts = []
    for fname, cond in p.where.items():
        label = _field_noun(fname)[1]
        for op, value in cond.tests():
            if fname == "final" and op in ("eq", "ne"):
                last = value == (op == "eq")
                parts.append("aus der letzten Runde" if last else "nicht aus der letzten Runde")
            elif op == "exists":
                parts.append(f"{'mit' if value else 'ohne'} {label}")
            elif fname in time_fields or fname == "at":
                try:
                    shown = scope.time(parse_time_expr(value))
                except ValueError:
                    shown = str(value)
                parts.append(f"{label}: {DE_TIME_OPS.get(op, DE_OPS[op])}{shown}")
            else:
                parts.append(f"{label}: {DE_OPS[op]}{_de_value(value)}")
    for fname, ref in p.same.items():
        parts.append(f"{_field_noun(fname)[1]}: {scope.ref(ref)}")
    if p.after:
        parts.append(f"nach {scope.name(p.after, 'dat', time=True)}")
    if p.before:
        parts.append(f"vor {scope.name(p.before, 'dat', time=True)}")
    if p.since is not None:
        parts.append(f"höchstens {_de_span(Offset(1, p.since.amount, p.since.unit))} alt")
    return parts


def _de_pattern(p: Pattern, scope: _ScopeDe, time_fields: set[str], article: dict) -> str:
    """'einen Anruf (Ergebnis: eines von voicemail, no answer; nach dem ...)'."""
    nouns = [_fact_noun(t) for t in p.types]
    text = " oder ".join(f"{article[n[0]]} {n[1]}" for n in nouns)
    tests = _de_tests(p, scope, time_fields)
    return text + (f" ({'; '.join(tests)})" if tests else "")


def _de_count(c, scope: _ScopeDe, time_fields: set[str]) -> str:
    low, high = c.at_least, c.at_most
    if low is not None and low == high:
        n = f"genau {low}"
    elif low is not None and high is not None:
        n = f"zwischen {low} und {high}"
    elif low is not None:
        n = f"mindestens {low}"
    else:
        n = "keins" if high == 0 else f"höchstens {high}"
    text = f"{n} von: {_de_pattern(c, scope, time_fields, _A['nom'])}"
    if c.within is not None:
        text += f", innerhalb von {offset_words([c.within], 'de')} zueinander"
    return text


def _de_conditions(entry, scope: _ScopeDe, time_fields: set[str]) -> list[Line]:
    when = []
    for i, (alias, p) in enumerate(entry.when.items()):
        if i == 0:
            when.append("für " + _de_pattern(p, scope, time_fields, _EACH) + f" ({alias})")
        else:
            when.append("und " + _de_pattern(p, scope, time_fields, _A["acc"]) + f" ({alias})")
    out = [("Wenn", "; ".join(when))]
    if entry.absent:
        out.append(("Außer es gibt", "; oder ".join(
            _de_pattern(p, scope, time_fields, _A["acc"]) for p in entry.absent)))
    if entry.count:
        out.append(("Anzahl", "; und ".join(_de_count(c, scope, time_fields)
                                            for c in entry.count)))
    return out


def _de_action(action: str) -> str:
    return word(_words(action), "de")


def _de_days(days: list[str]) -> str:
    from babel.dates import get_day_names

    names = get_day_names("wide", locale="de")
    order = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    return ", ".join(names[order.index(d)] for d in days)


def _de_rule(rid: str, rule: Rule, policy: Policy, time_fields: set[str]) -> list[Line]:
    scope = _ScopeDe(rule)
    w = rule.window
    lines: list[Line] = [("Empfehlung", _de_action(rule.action))]
    lines += _de_conditions(rule, scope, time_fields)
    lines.append(("Beginnt", scope.time(w.start)))
    lines.append(("Fällig bis", scope.time(w.due)))
    lines.append(("Spätestens", scope.time(w.end) if w.end else "keine Frist: bis erledigt"))
    if rule.office_hours:
        hours = policy.settings.office_hours
        lines.append(("Bürozeiten", f"nur {_de_days(hours.days)}, {hours.start} bis "
                      f"{hours.end} Uhr; außerhalb davon wartet die Empfehlung"))
    lines.append(("An", scope.ref(rule.to) if rule.to else "niemand Bestimmtes"))
    if rule.channel is None:
        lines.append(("Kanal", "keiner (nichts zu senden)"))
    else:
        options = [c for c in [rule.channel.default] + list(rule.channel.fallback)
                   if c in policy.settings.channels]
        text = " sonst ".join(channel_name(c, "de") for c in options) or \
            "keiner, den das Regelwerk erlaubt"
        if rule.channel.stated:
            text = "zuerst der vom Arbeitgeber genannte Kanal, sonst " + text
        lines.append(("Kanal", text))
    if rule.logs is not None:
        if rule.logs == "nothing":
            logged = "nichts"
        else:
            noun = _fact_noun(rule.logs)
            logged = f"{_A['nom'][noun[0]]} {noun[1]}" + (
                f" (Zweck: {_words(rule.action)})" if rule.logs != "materials_sent" else "")
        lines.append(("Erledigt vermerkt als", logged))
    holds = _holds(policy, rule.action)
    lines.append(("Zurückgestellt durch", ", ".join(holds) if holds else "nichts"))
    lines.append(_sources(rule, policy, "de"))
    return lines


def _same_de(fname: str) -> str:
    gender, _, dative, _ = _field_noun(fname)
    return f"{'derselben' if gender == 'f' else 'demselben'} {dative}"


def _de_limit(lid: str, lim: Limit, policy: Policy, time_fields: set[str]) -> list[Line]:
    scope = _ScopeDe(lim)
    if lim.applies_to == "all":
        stops = "jede Empfehlung"
    else:
        stops = ", ".join(_de_action(a) for a in lim.applies_to)
    if lim.except_:
        stops += " (aber nie " + ", ".join(_de_action(a) for a in lim.except_) + ")"
    if lim.same:
        stops += ", nur mit " + " und ".join(
            f"{'derselben Person' if f == 'to' else _same_de(f)} wie "
            f"{scope.ref(ref)}" for f, ref in lim.same.items())
    lines: list[Line] = [("Hält zurück", stops)]
    lines += _de_conditions(lim, scope, time_fields)
    lines.append(("Wie lange", "bis " + scope.time(lim.until, until=True) if lim.until
                  else "endgültig"))
    lines.append(_sources(lim, policy, "de"))
    return lines


def _de_derivation(did: str, d, policy: Policy, time_fields: set[str]) -> list[Line]:
    scope = _ScopeDe(d)
    kind = d.fact or did
    named = f"{DE_FACTS[kind][1]} ({kind})" if kind in DE_FACTS else _words(kind)
    lines = [("Fakt", named)] + _de_conditions(d, scope, time_fields)
    if d.sources:
        lines.append(_sources(d, policy, "de"))
    return lines


SECTIONS = (("rules", "What it recommends", rule_lines), ("limits", "What holds advice back",
                                                         limit_lines),
            ("derive", "What it works out from the events", derivation_lines))
_SECTIONS_DE = (("rules", "Was es empfiehlt", _de_rule),
                ("limits", "Was Empfehlungen zurückhält", _de_limit),
                ("derive", "Was es aus den Ereignissen ableitet", _de_derivation))
_SAY = {  # the words around the entries
    "en": {"policy": "Policy {}", "built": "Built on `{}`; this is the result with every layer "
           "merged.", "own": "Its own guidelines", "was": "was", "changes": "What {} changes in {}",
           "off": "switched off", "removed": "removed", "gone": "{} no longer applies.",
           "changed": "changed", "unsaid": "(no longer said)",
           "same": "Nothing: both say the same.",
           "this": {"rules": "This rule", "limits": "This limit",
                    "derive": "This derived fact"},
           "fresh": {"rules": "new rule", "limits": "new limit", "derive": "new derived fact"}},
    "de": {"policy": "Regelwerk {}", "built": "Aufgebaut auf `{}`; dies ist das Ergebnis mit "
           "allen Ebenen zusammengeführt.", "own": "Eigene Leitlinien", "was": "vorher",
           "changes": "Was {} an {} ändert", "off": "abgeschaltet", "removed": "entfernt",
           "gone": "{} gilt nicht mehr.", "changed": "geändert",
           "unsaid": "(nicht mehr angegeben)", "same": "Nichts: beide sagen dasselbe.",
           "this": {"rules": "Diese Regel", "limits": "Diese Grenze",
                    "derive": "Dieser abgeleitete Fakt"},
           "fresh": {"rules": "neue Regel", "limits": "neue Grenze",
                     "derive": "neuer abgeleiteter Fakt"}},
}


def _sections(lang: str):
    return _SECTIONS_DE if check_lang(lang) == "de" else SECTIONS


def entries(policy: Policy, time_fields: set[str],
            lang: str = DEFAULT) -> dict[tuple[str, str], list[Line]]:
    """Every enabled entry's lines, in policy order, keyed by (section, id)."""
    return {(section, eid): make(eid, entry, policy, time_fields)
            for section, _, make in _sections(lang)
            for eid, entry in policy.active(section).items()}


def _block(title: str, lines: list[Line], marks: Optional[dict[str, str]] = None,
           lang: str = DEFAULT) -> list[str]:
    out = [f"### {title}", ""]
    for label, text in lines:
        out.append(f"- **{label}:** {text}")
        if marks and label in marks:
            out.append(f"  ({_SAY[lang]['was']}: {marks[label]})")
    return out + [""]


def _time_fields(loaded) -> set[str]:
    from .vocabulary import TIME
    return {f for fields in loaded.checked.fact_fields.values()
            for f, kind in fields.items() if kind == TIME}


def describe(loaded, lang: str = DEFAULT) -> str:
    """The whole policy in words (``loaded``: a :class:`rulebook.load.LoadedPolicy`), in
    English or German (``lang``)."""
    lang = check_lang(lang)
    say = _SAY[lang]
    policy = loaded.policy
    out = ["# " + say["policy"].format(policy.policy), ""]
    if policy.title:
        out += [policy.title, ""]
    if policy.description:
        out += [policy.description.strip(), ""]
    if policy.extends:
        out += [say["built"].format(policy.extends), ""]
    found = entries(policy, _time_fields(loaded), lang)
    for section, heading, _ in _sections(lang):
        mine = [(eid, lines) for (s, eid), lines in found.items() if s == section]
        if not mine:
            continue
        out += [f"## {heading}", ""]
        for eid, lines in mine:
            out += _block(eid, lines, lang=lang)
    if policy.guidelines:
        out += [f"## {say['own']}", ""]
        out += [f"- **{gid}:** {text}" for gid, text in policy.guidelines.items()] + [""]
    return "\n".join(out).rstrip() + "\n"


def describe_diff(old, new, lang: str = DEFAULT) -> str:
    """What ``new`` changes relative to ``old``, in the same words."""
    lang = check_lang(lang)
    say = _SAY[lang]
    a = entries(old.policy, _time_fields(old), lang)
    b = entries(new.policy, _time_fields(new), lang)
    out = ["# " + say["changes"].format(new.policy.policy, old.policy.policy), ""]
    changed = False
    for section, heading, _ in _sections(lang):
        block: list[str] = []
        for key in list(a) + [k for k in b if k not in a]:
            if key[0] != section:
                continue
            if key not in b:
                off = key[1] in getattr(new.policy, section)
                block += [f"### {key[1]}: {say['off'] if off else say['removed']}", "",
                          say["gone"].format(say["this"][section]), ""]
            elif key not in a:
                block += _block(f"{key[1]}: {say['fresh'][section]}", b[key], lang=lang)
            elif a[key] != b[key]:
                before = dict(a[key])
                now = [(label, text) for label, text in b[key] if before.get(label) != text]
                marks = {label: before[label] for label, _ in now if label in before}
                gone = [(label, say["unsaid"]) for label in before
                        if label not in dict(b[key])]
                block += _block(f"{key[1]}: {say['changed']}", now + gone, marks, lang)
        if block:
            changed = True
            out += [f"## {heading}", ""] + block
    old_g, new_g = old.policy.guidelines, new.policy.guidelines
    added = {g: t for g, t in new_g.items() if old_g.get(g) != t}
    if added:
        changed = True
        out += [f"## {say['own']}", ""] + [f"- **{g}:** {t}" for g, t in added.items()] + [""]
    if not changed:
        out.append(say["same"])
    return "\n".join(out).rstrip() + "\n"
