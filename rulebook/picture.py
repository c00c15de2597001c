"""A picture of the advice over a period: one row per recommendation, as plain SVG text.

Each row is an action for a person. A bar runs from its window's start to its end (an
open end runs to the edge, with an arrow), a dark tick marks the ideal due time, a
hatched stretch is held back by the limit it names, a cross marks where the advice
stopped listing it before its end (done, or no longer appropriate). The timeline's
events are marks on the time axis, weekends are shaded, "now" is a red line. With two
series (``--compare``) each row has two lanes, one per policy.

The SVG is written by hand rather than through a plotting library: it is a few dozen
rectangles and lines, and writing them directly keeps the output byte-identical for the
same input (no library version, font metrics or ids leak in) and dependency-free. The
root element carries the scale (``data-from``, ``data-to``, ``data-left``,
``data-width``) so that a reader, or a test, can map a time to its x coordinate.

The recommendations come from evaluations (:func:`rulebook.simulate.advice_over`); this
module only draws them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Iterable, Optional, Sequence
from xml.sax.saxutils import escape

from .advice import Advice, HeldBack, Recommendation
from .events import Timeline

WIDTH = 1100          # the whole picture
LEFT = 260            # the row labels
RIGHT = 24
TOP = 78              # title, legend, axis labels and the event marks above the rows
ROW = 30              # one row (two lanes of 15 when comparing)
BOTTOM = 30
COLOURS = ("#3f6fc6", "#d9822b")   # the first and the second policy
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass
class Held:
    """A stretch of a bar that a limit holds back, from the window's start to ``until``."""

    limit: str
    until: Optional[dt.datetime]
    reason: str


@dataclass
class Bar:
    """One recommendation as the advice listed it over the period."""

    lane: int
    rule: str
    action: str
    to: Optional[str]
    channel: Optional[str]
    start: dt.datetime
    due: dt.datetime                     # the earliest due seen: the ideal one, unless overdue
    end: Optional[dt.datetime]
    reason: str
    sources: list[str]
    held: list[Held] = field(default_factory=list)
    gone: Optional[dt.datetime] = None   # first evaluation that no longer listed it
    seen: list[dt.datetime] = field(default_factory=list)


def _person(name: Optional[str]) -> str:
    from rulebook.engine.facts import person_key  # the one rule for matching names
    return person_key(name or "")


def collect(advices: Iterable[Advice], lane: int = 0) -> list[Bar]:
    """The bars of a series of evaluations, in time order."""
    ordered = sorted(advices, key=lambda a: a.at)
    bars: dict[tuple, Bar] = {}
    for advice in ordered:
        recs: list[Recommendation] = [*advice.actions, *advice.upcoming, *advice.held_back]
        for r in recs:
            # one recommendation across evaluations: office hours may move its start, its
            # end stays put (an open-ended one is told apart by its start)
            key = (r.rule, r.action, _person(r.to), r.window.end or r.window.start)
            bar = bars.get(key)
            if bar is None:
                bar = bars[key] = Bar(lane, r.rule, r.action, r.to, r.channel, r.window.start,
                                      r.window.due, r.window.end, r.reason, list(r.sources))
            bar.start = min(bar.start, r.window.start)
            bar.due = min(bar.due, r.window.due)
            if not bar.seen or bar.seen[-1] != advice.at:
                bar.seen.append(advice.at)
            if isinstance(r, HeldBack) and all((h.limit, h.until) != (r.limit, r.until)
                                               for h in bar.held):
                bar.held.append(Held(r.limit, r.until, r.reason))
    moments = [a.at for a in ordered]
    for bar in bars.values():
        later = [m for m in moments if m > bar.seen[-1]]
        if later and (bar.end is None or later[0] < bar.end):
            bar.gone = later[0]
    return sorted(bars.values(), key=lambda b: (b.start, b.due, b.action, _person(b.to), b.rule))


@dataclass(frozen=True)
class Scale:
    """Times to x coordinates: ``start`` at ``left``, ``end`` at ``left + width``."""

    start: dt.datetime
    end: dt.datetime
    left: float = LEFT
    width: float = WIDTH - LEFT - RIGHT

    def x(self, t: dt.datetime) -> float:
        span = (self.end - self.start).total_seconds() or 1.0
        share = (t - self.start).total_seconds() / span
        return round(self.left + min(max(share, 0.0), 1.0) * self.width, 2)


def _n(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _attr(value: str) -> str:
    """Attribute text; line breaks as references, which XML keeps (it turns raw ones into
    spaces)."""
    return escape(value, {'"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})


def _when(t: Optional[dt.datetime], tz) -> str:
    if t is None:
        return "open"
    t = t.astimezone(tz)
    return f"{DAYS[t.weekday()]} {t.day:02d} {MONTHS[t.month - 1]} {t.year} {t:%H:%M}"


def _iso(t: Optional[dt.datetime], tz) -> str:
    return "" if t is None else t.astimezone(tz).isoformat(timespec="seconds")


def _midnights(start: dt.datetime, end: dt.datetime, tz) -> list[dt.datetime]:
    """Local midnights from the day of ``start`` to the day after ``end``."""
    day, last, out = start.astimezone(tz).date(), end.astimezone(tz).date(), []
    while day <= last + dt.timedelta(days=1):
        out.append(dt.datetime.combine(day, dt.time(0), tzinfo=tz))
        day += dt.timedelta(days=1)
    return out


def _event_label(event) -> str:
    who = getattr(event, "to", None) or getattr(event, "from_", None) or getattr(event, "name", None)
    if who is None and getattr(event, "interviewers", None):
        who = ", ".join(p.name for p in event.interviewers)
    detail = getattr(event, "outcome", None) or getattr(event, "kind", None)
    text = event.type + (f" ({detail})" if detail else "") + (f": {who}" if who else "")
    return text


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def draw(timeline: Timeline, start: dt.datetime, end: dt.datetime,
         series: Sequence[tuple[str, list[Bar]]], *, now: Optional[dt.datetime] = None,
         title: str = "") -> str:
    """The SVG text of the bars of one or two policies over ``start``..``end``."""
    tz = timeline.tz
    scale = Scale(start, end)
    lanes = len(series)
    rows: dict[tuple[str, str], list[Bar]] = {}
    firsts: dict[tuple[str, str], tuple] = {}
    for _, bars in series:
        for bar in bars:
            key = (bar.action, _person(bar.to))
            rows.setdefault(key, []).append(bar)
            firsts[key] = min(firsts.get(key, (bar.start, bar.action)), (bar.start, bar.action))
    order = sorted(rows, key=lambda k: (firsts[k], k))
    height = TOP + max(len(order), 1) * ROW + BOTTOM
    right = scale.left + scale.width
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" font-family="sans-serif" font-size="12" '
        f'data-from="{_iso(start, tz)}" data-to="{_iso(end, tz)}" '
        f'data-left="{_n(scale.left)}" data-width="{_n(scale.width)}" '
        f'data-rows="{len(order)}">',
        "<defs><pattern id=\"held\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
        "patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#f3d6d6\"/>"
        "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#b03a3a\" stroke-width=\"2.5\"/>"
        "</pattern></defs>",
        f'<rect x="0" y="0" width="{WIDTH}" height="{height}" fill="#ffffff"/>',
    ]
    heading = title or f"advice from {_when(start, tz)} to {_when(end, tz)}"
    out.append(f'<text x="10" y="18" font-size="14" font-weight="bold">{escape(heading)}</text>')
    legend_x = 10.0
    for i, (name, _) in enumerate(series):
        out.append(f'<rect x="{_n(legend_x)}" y="28" width="14" height="10" '
                   f'fill="{COLOURS[i]}"/><text x="{_n(legend_x + 18)}" y="37">policy '
                   f'{escape(name)}</text>')
        legend_x += 30 + 7 * len(name) + 40
    out.append(f'<rect x="{_n(legend_x)}" y="28" width="14" height="10" fill="url(#held)"/>'
               f'<text x="{_n(legend_x + 18)}" y="37">held back</text>')
    legend_x += 100
    out.append(f'<line x1="{_n(legend_x + 7)}" y1="26" x2="{_n(legend_x + 7)}" y2="40" '
               f'stroke="#111111" stroke-width="2"/><text x="{_n(legend_x + 14)}" y="37">'
               'ideal due</text>')
    out.append(f'<text x="{_n(legend_x + 90)}" y="37">\u00d7 no longer advised</text>')
    top, bottom = TOP, TOP + max(len(order), 1) * ROW
    # days: weekends shaded, a grid line and a label per day (per Monday on long periods)
    midnights = _midnights(start, end, tz)
    total_days = max(len(midnights) - 2, 1)
    out.append('<g class="days">')
    for day, next_day in zip(midnights, midnights[1:]):
        x0, x1 = scale.x(day), scale.x(next_day)
        if day.weekday() >= 5 and x1 > x0:
            out.append(f'<rect class="weekend" x="{_n(x0)}" y="{top}" width="{_n(x1 - x0)}" '
                       f'height="{bottom - top}" fill="#eeeeee"/>')
        labelled = total_days <= 21 or day.weekday() == 0
        if start <= day <= end:
            out.append(f'<line x1="{_n(x0)}" y1="{top}" x2="{_n(x0)}" y2="{bottom}" '
                       f'stroke="{"#c8c8c8" if labelled else "#e4e4e4"}" stroke-width="1"/>')
        if labelled and start <= day < end and right - x0 > 30:
            label = (f"{DAYS[day.weekday()][:2]} {day.day:02d}" if total_days <= 21
                     else f"{day.day:02d} {MONTHS[day.month - 1]}")
            out.append(f'<text x="{_n(x0 + 2)}" y="{top - 20}" font-size="10" '
                       f'fill="#555555">{label}</text>')
    out.append("</g>")
    # the timeline's events, as marks on the time axis
    out.append('<g class="events">')
    events = sorted(timeline.events, key=lambda e: (e.at, e.type))
    for event in events:
        if not start <= event.at <= end:
            continue
        x = scale.x(event.at)
        label = f"{_when(event.at, tz)}: {_event_label(event)}"
        out.append(f'<g class="event" data-at="{_iso(event.at, tz)}" data-type="{event.type}">'
                   f'<title>{escape(label)}</title>'
                   f'<path d="M{_n(x)} {top - 2} l-5 -9 h10 z" fill="#444444"/>'
                   f'<line x1="{_n(x)}" y1="{top}" x2="{_n(x)}" y2="{bottom}" stroke="#444444" '
                   'stroke-width="0.6" stroke-dasharray="2 3"/></g>')
    out.append("</g>")
    # the rows
    lane_h = ROW / lanes
    out.append('<g class="rows">')
    if not order:
        out.append(f'<text x="{LEFT + 10}" y="{top + 19}" fill="#555555">'
                   'no recommendation in this period</text>')
    for i, key in enumerate(order):
        y = top + i * ROW
        bars = rows[key]
        label = bars[0].action + (f" \u2192 {bars[0].to}" if bars[0].to else "")
        out.append(f'<g class="row" data-action="{_attr(bars[0].action)}" '
                   f'data-to="{_attr(bars[0].to or "")}">')
        if i % 2:
            out.append(f'<rect x="0" y="{y}" width="{LEFT - 4}" height="{ROW}" fill="#f7f7f7"/>')
        out.append(f'<line x1="0" y1="{y + ROW}" x2="{_n(right)}" y2="{y + ROW}" '
                   'stroke="#dddddd" stroke-width="1"/>')
        out.append(f'<text x="8" y="{_n(y + ROW / 2 + 4)}"><title>{escape(label)}</title>'
                   f'{escape(_short(label, 38))}</text>')
        for bar in sorted(bars, key=lambda b: (b.lane, b.start, b.rule)):
            out.append(_bar(bar, scale, y + bar.lane * lane_h, lane_h, series[bar.lane][0], tz))
        out.append("</g>")
    out.append("</g>")
    out.append(f'<line x1="{_n(scale.left)}" y1="{bottom}" x2="{_n(right)}" y2="{bottom}" '
               'stroke="#888888" stroke-width="1"/>')
    if now is not None and start <= now <= end:
        x = scale.x(now)
        out.append(f'<g class="now" data-at="{_iso(now, tz)}"><line x1="{_n(x)}" y1="{top - 12}" '
                   f'x2="{_n(x)}" y2="{bottom + 6}" stroke="#d62828" stroke-width="2"/>'
                   f'<text x="{_n(x + 3)}" y="{bottom + 18}" fill="#d62828">now '
                   f'{escape(_when(now, tz))}</text></g>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _bar(bar: Bar, scale: Scale, y: float, h: float, policy: str, tz) -> str:
    pad = 4 if h >= 20 else 2
    top, height = y + pad, h - 2 * pad
    edge = scale.end if bar.end is None else bar.end
    x0, x1 = scale.x(bar.start), scale.x(edge)
    stop = scale.x(bar.gone) if bar.gone is not None else x1
    colour = COLOURS[bar.lane]
    who = f" to {bar.to}" if bar.to else ""
    how = f" by {bar.channel}" if bar.channel else ""
    lines = [f"{bar.action}{who}{how} [{bar.rule}: {', '.join(bar.sources)}] (policy {policy})",
             f"from {_when(bar.start, tz)}, ideally by {_when(bar.due, tz)}, "
             f"at the latest {_when(bar.end, tz)}"]
    for held in bar.held:
        lines.append(f"held back by {held.limit} until {_when(held.until, tz)}")
    if bar.gone is not None:
        lines.append(f"no longer advised from {_when(bar.gone, tz)}")
    lines.append(bar.reason)
    tip = "\n".join(lines)
    parts = [f'<g class="bar" data-lane="{bar.lane}" data-policy="{_attr(policy)}" '
             f'data-rule="{_attr(bar.rule)}" data-action="{_attr(bar.action)}" '
             f'data-to="{_attr(bar.to or "")}" data-start="{_iso(bar.start, tz)}" '
             f'data-due="{_iso(bar.due, tz)}" data-end="{_iso(bar.end, tz)}" '
             f'data-gone="{_iso(bar.gone, tz)}" data-reason="{_attr(tip)}">',
             f"<title>{escape(tip)}</title>"]
    if stop > x0 or x1 == x0:
        parts.append(f'<rect class="window" x="{_n(x0)}" y="{_n(top)}" '
                     f'width="{_n(max(stop - x0, 1.0))}" height="{_n(height)}" rx="2" '
                     f'fill="{colour}" fill-opacity="0.35" stroke="{colour}"/>')
    if x1 > stop:  # the rest of the window, after the advice stopped listing it
        parts.append(f'<rect class="after" x="{_n(stop)}" y="{_n(top)}" width="{_n(x1 - stop)}" '
                     f'height="{_n(height)}" fill="none" stroke="{colour}" '
                     'stroke-dasharray="3 3"/>')
    for held in bar.held:
        hx1 = x1 if held.until is None else min(scale.x(held.until), x1)
        if hx1 > x0:
            parts.append(f'<rect class="held" data-limit="{_attr(held.limit)}" '
                         f'data-until="{_iso(held.until, tz)}" x="{_n(x0)}" y="{_n(top)}" '
                         f'width="{_n(hx1 - x0)}" height="{_n(height)}" fill="url(#held)" '
                         f'fill-opacity="0.85"/>')
            parts.append(f'<text class="limit" x="{_n(x0 + 3)}" y="{_n(top + height - 3)}" '
                         f'font-size="{9 if height < 14 else 10}" fill="#6b1f1f">'
                         f'{escape(_short(held.limit, max(int((hx1 - x0) / 6), 0)))}</text>')
    if scale.start <= bar.due <= scale.end:
        xd = scale.x(bar.due)
        parts.append(f'<line class="due" x1="{_n(xd)}" y1="{_n(top - 2)}" x2="{_n(xd)}" '
                     f'y2="{_n(top + height + 2)}" stroke="#111111" stroke-width="2.5"/>')
    if bar.end is None:
        parts.append(f'<path d="M{_n(x1)} {_n(top + height / 2)} l-6 -4 v8 z" fill="{colour}"/>')
    if bar.gone is not None and scale.start <= bar.gone <= scale.end:
        c = top + height / 2
        parts.append(f'<path class="gone" d="M{_n(stop - 4)} {_n(c - 4)} l8 8 M{_n(stop - 4)} '
                     f'{_n(c + 4)} l8 -8" stroke="#111111" stroke-width="1.5"/>')
    parts.append("</g>")
    return "".join(parts)


def page(svg: str, title: str) -> str:
    """A standalone HTML page around the picture: no network, the reason shown on click."""
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<title>{escape(title)}</title>\n"
        "<style>body{font-family:sans-serif;margin:16px;color:#222}"
        "#reason{white-space:pre-wrap;border:1px solid #ccc;padding:8px;max-width:1060px;"
        "min-height:3em}.bar{cursor:pointer}</style>\n</head>\n<body>\n"
        f"{svg}<p id=\"reason\">Click a bar to read why.</p>\n"
        "<script>document.querySelectorAll('.bar').forEach(function(b){"
        "b.addEventListener('click',function(){document.getElementById('reason')"
        ".textContent=b.getAttribute('data-reason');});});</script>\n</body>\n</html>\n")


def picture(timeline: Timeline, start: dt.datetime, end: dt.datetime,
            series: Sequence[tuple[str, Iterable[Advice]]], *,
            now: Optional[dt.datetime] = None, title: str = "") -> str:
    """The SVG of one or two policies' evaluations over a period."""
    drawn = [(name, collect(advices, lane)) for lane, (name, advices) in enumerate(series)]
    return draw(timeline, start, end, drawn, now=now, title=title)
