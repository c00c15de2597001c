"""Writes the hostile corpus beside this file: ``python tests/hostile/make_corpus.py``.

Each file is one class of input that once ended in a traceback, a hang, a blown memory
or a silent wrong answer (issue 14). ``policy-*`` files are run through ``check``,
``show`` and ``recommend --policy``; ``events-*`` files through ``recommend``. Every
one must end with exit 2 and located one-line errors. Inputs that cannot be files in a
repository (devices, FIFOs, unreadable directories, megabytes) are made by the test.
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).parent
RULE = """  r:
    action: act
    sources: [G1]
    when:
      iv: {fact: interview}
    window: {start: iv, due: iv + 1d}
    reason: x
"""
HEAD = "policy: hostile\nrules:\n"


def policy(body: str) -> str:
    return HEAD + body


def write(name: str, text: str) -> None:
    (HERE / name).write_text(text, encoding="utf-8")


def events(evs: list[dict], **extra) -> str:
    return json.dumps({"timezone": "UTC", **extra, "events": evs}, indent=1) + "\n"


IV = {"type": "interview", "at": "2026-03-02T10:00:00Z", "interviewers": [{"name": "Dana"}]}


def main() -> None:
    # -- policies ------------------------------------------------------------------------
    write("policy-since-bd.yaml", policy(RULE.replace("{fact: interview}",
                                                      "{fact: interview, since: 1bd}")))
    write("policy-window-start-after-due.yaml", policy(RULE.replace(
        "{start: iv, due: iv + 1d}", "{start: iv + 3d, due: iv + 1d}")))
    write("policy-window-start-after-end.yaml", policy(RULE.replace(
        "{start: iv, due: iv + 1d}", "{start: iv + 3d, due: iv + 4d, end: iv + 2d}")))
    absent = "".join(f"      - {{fact: call, where: {{to: n{i}}}}}\n" for i in range(65))
    write("policy-absent-65.yaml", policy(RULE.replace("    window:", "    absent:\n" + absent
                                                       + "    window:")))
    names = ", ".join(f"n{i}" for i in range(70))
    write("policy-absent-in-70.yaml", policy(RULE.replace(
        "    window:", f"    absent:\n      - {{fact: call, where: {{to: {{in: [{names}]}}}}}}\n"
        "    window:")))
    when = "".join(f"      a{i}: {{fact: interviewer, where: {{name: {{in: [{', '.join(f'v{j}' for j in range(10))}]}}}}}}\n"
                   for i in range(8))
    write("policy-in-explosion.yaml", policy(RULE.replace("      iv: {fact: interview}\n",
                                                          "      iv: {fact: interview}\n" + when)))
    write("policy-huge-int.yaml", policy(RULE + "    priority: " + "9" * 5000 + "\n"))
    write("policy-int-64bit.yaml", policy(RULE + f"    priority: {2**64}\n"))
    write("policy-huge-int-where.yaml", policy(RULE.replace(
        "{fact: interview}", f"{{fact: interview, where: {{round: {{ge: {2**70}}}}}}}")))
    write("policy-float-inf.yaml", policy(RULE + "    priority: .inf\n"))
    write("policy-deep-nesting.yaml", "policy: hostile\ntitle: " + "[" * 1000 + "]" * 1000 + "\n")
    write("policy-deep-block-nesting.yaml", "policy: hostile\nsettings:\n" + "".join(
        "  " * (i + 1) + f"k{i}:\n" for i in range(100)))
    write("policy-nesting-40.yaml", "policy: hostile\ntitle: " + "[" * 40 + "]" * 40 + "\n")
    write("policy-long-text.yaml", policy(RULE.replace("reason: x", "reason: " + "x" * 5000)))
    write("policy-long-key.yaml", policy(RULE.replace("  r:\n", "  " + "r" * 3000 + ":\n")))
    write("policy-duration-sum.yaml", policy(RULE.replace(
        "due: iv + 1d", "due: iv + " + " + ".join(["520w"] * 30))))
    write("policy-duration-sum-before.yaml", policy(RULE.replace(
        "{start: iv,", "{start: iv - " + " - ".join(["520w"] * 30) + ",")))
    write("policy-where-time-sum.yaml", policy(RULE.replace(
        "{fact: interview}", "{fact: interview, where: {at: {ge: " + "now - " +
        " - ".join(["520w"] * 30) + "}}}")))
    chain = "".join(f"  d{i}:\n    sources: [G1]\n    when:\n      x: {{fact: {'interview' if i == 0 else f'd{i - 1}'}}}\n"
                    for i in range(1000))
    write("policy-chained-derivations.yaml", "policy: hostile\nderive:\n" + chain + "rules:\n" + RULE)
    limits = "".join(f"  l{i}:\n    sources: [G1]\n    applies_to: all\n    when:\n      c: {{fact: call}}\n"
                     "    reason: x\n" for i in range(1000))
    write("policy-many-limits.yaml", policy(RULE) + "limits:\n" + limits)
    rules = "".join(RULE.replace("  r:", f"  r{i}:") for i in range(400))
    write("policy-many-rules.yaml", policy(rules))
    two = "".join(f"      a{i}: {{fact: interviewer, where: {{name: {{in: [{', '.join(f'v{j}' for j in range(50))}]}}}}}}\n"
                  for i in range(2))
    write("policy-engine-rules.yaml", policy(RULE.replace("      iv: {fact: interview}\n",
                                                          "      iv: {fact: interview}\n" + two)))
    write("policy-in-100.yaml", policy(RULE.replace(
        "{fact: interview}", "{fact: call, where: {to: {in: [" +
        ", ".join(f"v{j}" for j in range(100)) + "]}}}")))
    write("policy-extends-dev-zero.yaml", "policy: hostile\nextends: /dev/zero\n")
    write("policy-extends-dev-urandom.yaml", "policy: hostile\nextends: /dev/urandom\n")
    write("policy-extends-directory.yaml", "policy: hostile\nextends: /tmp\n")
    write("policy-extends-long-name.yaml", "policy: hostile\nextends: " + "a" * 1500 + "\n")
    write("policy-extends-nul.yaml", 'policy: hostile\nextends: "a\\0b.yaml"\n')
    write("layer-list.yaml", "- a\n- b\n")
    write("policy-extends-list.yaml", "policy: hostile\nextends: layer-list.yaml\n")
    write("layer-empty.yaml", "")
    write("policy-extends-empty.yaml", "policy: hostile\nextends: layer-empty.yaml\n")
    write("layer-scalar.yaml", "just text\n")
    write("policy-extends-scalar.yaml", "policy: hostile\nextends: layer-scalar.yaml\n")
    write("policy-extends-self.yaml", "policy: hostile\nextends: policy-extends-self.yaml\n")
    for i in range(10):  # a chain of ten layers: two too many
        parent = "standard" if i == 0 else f"layer-chain-{i - 1}.yaml"
        write(f"layer-chain-{i}.yaml", f"policy: chain{i}\nextends: {parent}\n")
    write("policy-extends-deep-chain.yaml", "policy: hostile\nextends: layer-chain-9.yaml\n")
    (HERE / "policy-not-utf8.yaml").write_bytes(b"policy: hostile\ntitle: caf\xe9\n")
    write("policy-del-char.yaml", "policy: hostile\ntitle: a\x7fb\n")
    write("policy-empty.yaml", "")
    write("policy-nul.yaml", "policy: hostile\x00\n")
    # -- events ----------------------------------------------------------------------------
    write("events-huge-int.json", events([dict(IV, round=10 ** 5000 if False else 1)])
          .replace('"round": 1', '"round": ' + "9" * 5000))
    write("events-int-64bit.json", events([dict(IV, round=2 ** 64)]))
    write("events-int-53bit.json", events([dict(IV, round=2 ** 53)]))
    write("events-deep-nesting.json", events([IV]).replace(
        '"events"', '"application": {"x": ' + "[" * 1000 + "]" * 1000 + '}, "events"'))
    write("events-year-1.json", events([dict(IV, at="0001-01-01T00:00:00+00:00")]))
    write("events-year-9999.json", events([dict(IV, at="9999-12-31T23:59:59-01:00")]))
    write("events-decision-9999.json", events([IV, {"type": "next_steps",
                                                    "at": "2026-03-02T11:00:00Z",
                                                    "decision_by": "9999-12-31"}]))
    write("events-many.json", events([dict(IV, at=f"2026-03-02T10:00:{i % 60:02d}Z")
                                      for i in range(301)]))
    write("events-missed-calls.json", events([IV] + [
        {"type": "call", "at": f"2026-03-{3 + i // 100:02d}T{9 + i // 12 % 8:02d}:{i % 60:02d}:00Z",
         "outcome": "no_answer"} for i in range(400)]))
    write("events-interviewers.json", events([dict(IV, interviewers=[
        {"name": f"P{i}"} for i in range(51)])]))
    write("events-long-note.json", events([dict(IV, note="n" * 5000)]))
    write("events-bad-zone.json", events([IV], timezone="../../../../etc/passwd"))
    write("events-zone-nul.json", events([IV], timezone="Europe/Berlin\u0000"))
    (HERE / "events-not-utf8.yaml").write_bytes(b"events:\n  - {type: interview, at: 2026-03-02, "
                                                b"interviewers: [{name: Jos\xe9}]}\n")
    write("events-list.yaml", "- 1\n- 2\n")
    write("events-empty.yaml", "")
    write("events-float-round.json", events([dict(IV, round=1e400)]).replace("Infinity", "1e400"))


if __name__ == "__main__":
    main()
