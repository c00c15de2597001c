"""The policy in German: the same (label, words) lines as :mod:`.english`, in sentences of
their own.

German declines what English only strings together, so it has its own sentences rather
than word-for-word swaps: every noun carries its gender and its dative and genitive
forms, and a pattern's tests are listed after it ("ein Anruf (Ergebnis: eines von
voicemail, no answer; nach dem Vorstellungsgespräch)") instead of in a relative clause.
Codes (values, ids, derived facts' names) stay as the policy writes them.
"""

from __future__ import annotations

from typing import Any

from ..lang import channel_name, offset_words, word
from ..policy import Limit, Pattern, Policy, Rule
from ..timeexpr import Offset, TimeExpr
from ..vocabulary import NOW
from .english import Line, holding_limits, sources_line, in_words

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
    "standing_date": ("f", "Entscheidungsfrist", "Entscheidungsfrist", "Entscheidungsfrist"),
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
DE_BARE_OPS = {"eq": "mit ", "ne": "nicht mit ", "gt": "nach ", "ge": "ab ", "lt": "vor ",
               "le": "bis "}
DE_TIME_OPS = {"eq": "", "ne": "nicht ", "gt": "später als ", "ge": "frühestens ",
               "lt": "früher als ", "le": "spätestens "}


def _fact_noun(kind: str) -> _Noun:
    """A built-in fact's noun; any other (a derived fact) is 'Fakt „its name“'."""
    if kind in DE_FACTS:
        return DE_FACTS[kind]
    name = f"„{in_words(kind)}“"
    return ("m", f"Fakt {name}", f"Fakt {name}", f"Fakts {name}")


def _field_noun(fname: str) -> _Noun:
    if fname in DE_FIELDS:
        return DE_FIELDS[fname]
    name = f"„{in_words(fname)}“"
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

    def time(self, expr: TimeExpr, until: bool = False, compared: bool = False) -> str:
        """A moment in words; ``until``: after "bis" ("bis zum Entscheidungstermin ...");
        ``compared``: after "nach", "ab" and the like, where a moment with no offset is the
        anchor itself ("nach dem Anruf", not "später als mit dem Anruf")."""
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
            return base if compared else "mit " + base
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
    return in_words(str(value))


def _de_tests(p: Pattern, scope: _ScopeDe, time_fields: set[str]) -> list[str]:
    from ..timeexpr import parse_time_expr

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
                    expr = parse_time_expr(value)
                except ValueError:
                    parts.append(f"{label}: {DE_TIME_OPS.get(op, DE_OPS[op])}{value}")
                    continue
                if not expr.offsets and expr.anchor != NOW:  # the anchor itself
                    shown = scope.time(expr, until=op == "le", compared=True)
                    parts.append(f"{label}: {DE_BARE_OPS[op]}{shown}")
                else:
                    parts.append(f"{label}: {DE_TIME_OPS.get(op, DE_OPS[op])}{scope.time(expr)}")
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
    return word(in_words(action), "de")


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
                f" (Zweck: {in_words(rule.action)})" if rule.logs != "materials_sent" else "")
        lines.append(("Erledigt vermerkt als", logged))
    holds = holding_limits(policy, rule.action)
    lines.append(("Zurückgestellt durch", ", ".join(holds) if holds else "nichts"))
    lines.append(sources_line(rule, policy, "de"))
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
    lines.append(sources_line(lim, policy, "de"))
    return lines


def _de_derivation(did: str, d, policy: Policy, time_fields: set[str]) -> list[Line]:
    scope = _ScopeDe(d)
    kind = d.fact or did
    named = f"{DE_FACTS[kind][1]} ({kind})" if kind in DE_FACTS else in_words(kind)
    lines = [("Fakt", named)] + _de_conditions(d, scope, time_fields)
    if d.sources:
        lines.append(sources_line(d, policy, "de"))
    return lines


SECTIONS = (("rules", "Was es empfiehlt", _de_rule),
                ("limits", "Was Empfehlungen zurückhält", _de_limit),
                ("derive", "Was es aus den Ereignissen ableitet", _de_derivation))
