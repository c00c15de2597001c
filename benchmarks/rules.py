"""Generated policies of 10 to 1,000 rules, for the growth-in-rules curve.

Four shapes of rule, cycled, each with its own thresholds so that no two rules are the
same: a plain match, a negation joined on a name, a negation ordered in time, a
two-fact join. Every rule is valid policy language and cites a guideline.
"""

from __future__ import annotations

import json
import sys
import time

SHAPES = (
    """  r{i}:
    action: write_notes
    sources: [G4]
    when:
      iv: {{fact: interview, where: {{round: {{ge: {k}}}}}}}
    window: {{start: iv, due: iv + {h}h, end: iv + {d}d}}
    reason: Rule {i} on {{iv:date}}.
""",
    """  r{i}:
    action: send_thank_you
    sources: [G5]
    to: p.name
    when:
      p: {{fact: interviewer, where: {{round: {{le: {k}}}}}}}
    absent:
      - {{fact: thank_you_sent, same: {{to: p.name}}, after: p}}
    window: {{start: p, due: p + {h}h, end: p + {d}d}}
    reason: Rule {i} for {{p.name}}.
""",
    """  r{i}:
    action: reply_to_update
    sources: [G18]
    when:
      r: {{fact: reply, where: {{kind: {{in: [no_decision, other, materials_requested]}}}}}}
    absent:
      - {{fact: follow_up_sent, after: r}}
    window: {{start: r, due: r + {h}h, end: r + {d}d}}
    reason: Rule {i} after {{r:date}}.
""",
    """  r{i}:
    action: retry_call
    sources: [G13]
    when:
      iv: {{fact: interview}}
      c: {{fact: call, after: iv, where: {{outcome: {{ne: reached}}}}}}
    window: {{start: c + {h}h, due: c + {d}d, end: c + {e}d}}
    reason: Rule {i} after the call of {{c:date}}.
""",
)


def policy_text(count: int) -> str:
    """A policy of ``count`` rules."""
    parts = [f"policy: generated_{count}\nrules:\n"]
    for i in range(count):
        shape = SHAPES[i % len(SHAPES)]
        parts.append(shape.format(i=i, k=1 + i % 3, h=1 + i % 23, d=2 + i % 5, e=8 + i % 5))
    return "".join(parts)


def measure(count: int, repeats: int) -> dict:
    """Load + compile + register time, then time per application on 200 applications."""
    from rulebook import Rulebook
    from rulebook.compiler import compile_policy
    from rulebook.load import load_policy

    from .measure import seconds
    from .workload import applications
    apps = list(applications(200, seed=5))
    start = time.perf_counter()
    loaded = load_policy(f"generated_{count}.yaml", text=policy_text(count))
    parsed = time.perf_counter()
    compile_policy(loaded)
    compiled = time.perf_counter()
    book = Rulebook(loaded)
    ready = time.perf_counter()
    row = {"load ms": (parsed - start) * 1e3, "compile ms": (compiled - parsed) * 1e3,
           "register ms": (ready - compiled) * 1e3 - (compiled - parsed) * 1e3}
    try:
        st = seconds(lambda: [book.recommend(t, a) for t, a in apps], repeats,
                     1e6 / len(apps), "us")
        row["us"] = st.values
    except Exception as exc:
        row["error"] = f"{type(exc).__name__}: {exc}"
    return row


if __name__ == "__main__":
    print(json.dumps(measure(int(sys.argv[1]), int(sys.argv[2]))))
