"""`fmt` over generated policies with comments and blank lines everywhere.

Properties: every comment and blank line is kept with the entry it belongs to, the
meaning is unchanged, and formatting the result changes nothing (a fixed point in one
run); or the file is refused, located at the comment that cannot be kept.
"""

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from rulebook import fmt as F
from rulebook.comments import marks
from rulebook.problems import InvalidInput
from rulebook.source import load_text


@st.composite
def _pattern(draw, indent, counter):
    """Lines of one ``absent`` item: flow on one line, or a block, keys in any order."""
    pairs = draw(st.permutations([("fact", "thank_you_sent"), ("after", "p"),
                                  ("same", "{to: p.name}")]))
    pairs = pairs[:draw(st.integers(1, 3))]
    if draw(st.booleans()):
        return [(indent, "- {" + ", ".join(f"{k}: {v}" for k, v in pairs) + "}")]
    lines = []
    if draw(st.booleans()):  # a comment after the bare dash
        counter[0] += 1
        lines.append((indent, f"-   # dash {counter[0]}"))
        first = indent + 2
    else:
        first = None
    for i, (k, v) in enumerate(pairs):
        if i == 0 and first is None:
            lines.append((indent, f"- {k}: {v}"))
        else:
            lines.append((indent + 2, f"{k}: {v}"))
    return lines


@st.composite
def _rule(draw, counter):
    keys = draw(st.lists(st.sampled_from(["action", "sources", "when", "absent", "window",
                                          "to", "reason", "enabled"]),
                         min_size=1, max_size=6, unique=True))
    lines = []
    for key in keys:
        if key == "action":
            lines.append((4, "action: send_thank_you"))
        elif key == "sources":
            if draw(st.booleans()):
                lines.append((4, "sources: [G5, G6]"))
            else:
                lines += [(4, "sources:"), (6, "- G5"), (6, "- G6")]
        elif key == "when":
            lines.append((4, "when:"))
            if draw(st.booleans()):
                lines.append((6, "p: {where: {role: HR}, fact: interviewer}"))
            else:
                lines += [(6, "p:"), (8, "where: {role: HR}"), (8, "fact: interviewer")]
        elif key == "absent":
            lines.append((4, "absent:"))
            indent = draw(st.sampled_from([4, 6]))
            for _ in range(draw(st.integers(1, 2))):
                lines += draw(_pattern(indent, counter))
        elif key == "window":
            parts = draw(st.permutations(["due: p + 2d", "start: p", "end: p + 5d"]))
            if draw(st.booleans()):
                lines.append((4, "window: {" + ", ".join(parts) + "}"))
            else:
                lines += [(4, "window:")] + [(6, part) for part in parts]
        elif key == "to":
            lines.append((4, "to: p.name"))
        elif key == "reason":
            lines.append((4, 'reason: "Thank them # not a comment"'))
        else:
            lines.append((4, "enabled: true"))
    return lines


@st.composite
def policies(draw):
    counter = [0]
    lines = [(0, "policy: generated")]
    if draw(st.booleans()):
        lines.append((0, "extends: standard"))
    lines.append((0, "rules:"))
    for i in range(draw(st.integers(1, 3))):
        lines.append((2, f"r{i}:"))
        lines += draw(_rule(counter))
    out = []
    for n, (indent, body) in enumerate(lines):
        extra = draw(st.sampled_from(["", "", "", "comment", "blank", "both"]))
        if n and extra in ("blank", "both"):
            out.append("")
        if n and extra in ("comment", "both"):
            counter[0] += 1
            out.append(" " * draw(st.sampled_from([0, indent])) + f"# above {counter[0]}")
        if draw(st.integers(0, 3)) == 0 and "# dash" not in body:
            counter[0] += 1
            body += f"  # eol {counter[0]}"
        out.append(" " * indent + body)
    return "\n".join(out) + "\n"


def _comments(text):
    return Counter(m.text for m in marks(text) if m.text)


@settings(max_examples=max(10, settings.default.max_examples * 3 // 5), deadline=None)
@given(policies())
def test_comments_and_blank_lines_are_kept_or_the_file_is_refused_at_one(text):
    """Kept, meaning unchanged, a fixed point in one run; or refused, located at a
    comment or blank line of the file (one ruamel.yaml cannot hold)."""
    try:
        out = F.format_text(text, "p.yaml")
    except InvalidInput as exc:
        assert len(exc.problems) == 1
        problem = exc.problems[0]
        assert "the file was left untouched" in problem.message
        assert (problem.line, problem.col) in {(m.line, m.col) for m in marks(text)}
        return
    assert _comments(out) == _comments(text)
    assert sum(1 for m in marks(out) if not m.text) == \
        sum(1 for m in marks(text) if not m.text)
    assert load_text(out, "x").data == load_text(text, "x").data
    assert F.format_text(out) == out
