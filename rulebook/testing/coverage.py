"""Coverage of a policy by tests: which entries matched, which guidelines they cite.

A policy's own guidelines (``guidelines:``) count like the built-in ones; the report
lists the built-in ids by number, then the policy's own by name.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from rulebook.guidelines import order


@dataclass
class Coverage:
    """Entries (derive/rules/limits) of one policy that matched at least once."""

    policy: object                       # rulebook.policy.Policy
    fired: set[tuple[str, str]] = field(default_factory=set)

    def record(self, book, timeline, at: dt.datetime) -> None:
        """Evaluate ``timeline`` at ``at`` and note every entry that matched."""
        for m in book._evaluator.matches(timeline, at):
            self.fired.add((m.section, m.id))

    def entries(self) -> dict[tuple[str, str], list[str]]:
        return {(s, eid): list(e.sources) for s in ("derive", "rules", "limits")
                for eid, e in self.policy.active(s).items()}

    def guidelines(self) -> tuple[set[str], set[str]]:
        """(cited by the policy, cited by an entry that matched)."""
        cited, hit = set(), set()
        for key, sources in self.entries().items():
            cited.update(sources)
            if key in self.fired:
                hit.update(sources)
        return cited, hit

    def ratios(self) -> tuple[float, float]:
        entries = self.entries()
        cited, hit = self.guidelines()
        return (len(self.fired & set(entries)) / max(1, len(entries)),
                len(hit) / max(1, len(cited)))

    def report(self) -> str:
        entries = self.entries()
        missed = [f"{s}.{e}" for (s, e) in entries if (s, e) not in self.fired]
        cited, hit = self.guidelines()
        rules, guides = self.ratios()
        lines = [f"coverage: entries {len(entries) - len(missed)}/{len(entries)} "
                 f"({rules:.0%}), guidelines {len(hit)}/{len(cited)} ({guides:.0%})",
                 "  guidelines exercised: " + (", ".join(sorted(hit, key=order)) or "none")]
        if missed:
            lines.append("  entries never matched: " + ", ".join(missed))
        if cited - hit:
            lines.append("  guidelines never reached: "
                         + ", ".join(sorted(cited - hit, key=order)))
        return "\n".join(lines)
