"""Message drafts: what a channel holds, and the lint that keeps a policy's drafts to it.

A rule's ``draft`` maps a channel to a template (``subject`` for email, and a ``body``),
filled from the facts like its reason (:mod:`rulebook.engine.outcome` fills it), with
``[marked blanks]`` left for what only the candidate can write. Nothing is ever sent.

The lint measures a template as it will roughly read: each ``{placeholder}`` counts as
:data:`PLACEHOLDER_CHARS` characters (a name, a date), the rest as written.
"""

from __future__ import annotations

import string
from typing import Any, Callable

from .lang import LANG_NAMES

PLACEHOLDER_CHARS = 16  # "Tue 3 Mar 2026" is 14; a full name about as long
SUBJECT_MAX = 78  # RFC 5322's recommended line length: a subject no mail client cuts
CHANNEL_MAX = {  # characters a body should stay within, per channel
    "handwritten_note": (400, "a handwritten note fits on a card"),
    "linkedin": (200, "a LinkedIn invitation note holds 200 characters (300 with Premium)"),
    "phone": (700, "a call script (or voicemail) should take a minute to say"),
    "in_person": (700, "what to say in person should take a minute"),
    "email": (1500, "a follow-up email stays well under a page"),
    "letter": (1500, "a letter stays under a page"),
}


def estimated_length(template: str) -> int:
    """The template's length once filled, each placeholder counted as a name or date."""
    total = 0
    try:
        for literal, name, _, _ in string.Formatter().parse(template):
            total += len(literal) + (PLACEHOLDER_CHARS if name is not None else 0)
    except ValueError:
        return len(template)  # a malformed template is validation's to report
    return total


def lint_drafts(rid: str, policy, warn: Callable[..., Any]) -> None:
    """Warn about drafts longer than their channel allows, or for channels never used."""
    rule = policy.rules[rid]
    used = set()
    if rule.channel is not None:
        used = {rule.channel.default, *rule.channel.fallback}
        if rule.channel.stated:
            used = set(CHANNEL_MAX)  # the employer's stated channel may be any
    versions = [(policy.languages[0], ("rules", rid), rule.draft)]
    for lang, translation in sorted(policy.texts.items()):
        if rid in translation.rules:
            versions.append((lang, ("texts", lang, "rules", rid), translation.rules[rid].draft))
    for lang, base, drafts in versions:
        for channel, draft in drafts.items():
            path = base + ("draft", channel)
            if channel not in used and lang == policy.languages[0]:
                warn(path, f"a draft for '{channel}', a channel this rule never recommends",
                     "add it to the rule's channel fallback, or remove the draft", key=True)
            limit, why = CHANNEL_MAX[channel]
            n = estimated_length(draft.body)
            if n > limit:
                warn(path + ("body",), f"the {LANG_NAMES[lang]} draft is about {n} characters, "
                     f"over the {limit} a {channel.replace('_', ' ')} allows", why)
            if draft.subject is None:
                continue
            if channel != "email":
                warn(path + ("subject",), f"a {channel.replace('_', ' ')} has no subject",
                     "only email drafts have a subject", key=True)
            n = estimated_length(draft.subject)
            if n > SUBJECT_MAX:
                warn(path + ("subject",), f"the {LANG_NAMES[lang]} subject is about {n} "
                     f"characters, over {SUBJECT_MAX}", "mail programs cut longer subjects")
