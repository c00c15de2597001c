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

from typing import Optional

from ..lang import DEFAULT, check_lang
from ..policy import Policy
from . import english, german
from .english import Line

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
    return german.SECTIONS if check_lang(lang) == "de" else english.SECTIONS


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
    from ..vocabulary import TIME
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
