"""The brief's charts as SVG written on the server: vector graphics inside the PDF, the same
markup on the page, no script and no network. Labels arrive already translated; every text
is escaped here."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from html import escape

from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe

# A colour-blind-safe pair (Okabe-Ito blue and vermillion) and neutral greys.
INK = "#1f2933"
MUTED = "#6b7785"
GRID = "#d9dee4"
BLUE = "#0072b2"
BAND = "#cfe3f1"
ORANGE = "#d55e00"
FONT = "DejaVu Sans, Liberation Sans, Arial, sans-serif"


def _text(
    x: float,
    y: float,
    text: str,
    *,
    size: float = 9,
    anchor: str = "start",
    fill: str = INK,
    weight: str = "normal",
) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
        f'fill="{fill}" font-weight="{weight}" font-family="{FONT}">{escape(text)}</text>'
    )


def _svg(width: int, height: int, body: list[str], title: str) -> SafeString:
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}" '
        f'class="chart">'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>"
    )


def trust_trend(
    points: Sequence[tuple[date, float, float | None, float | None]],
    *,
    threshold: float,
    title: str,
    threshold_label: str,
    width: int = 360,
    height: int = 150,
) -> SafeString | None:
    """The agreement's trust index month by month with its 80 % interval as a band, and the
    index the "Alliance" stage asks for as a dashed line. None with fewer than two points."""
    if len(points) < 2:
        return None
    left, right, top, bottom = 30, 26, 10, 22
    values = [p[1] for p in points] + [p[2] for p in points if p[2] is not None]
    values += [p[3] for p in points if p[3] is not None] + [threshold]
    lo = max(0.0, (min(values) // 10) * 10 - 5)
    hi = min(100.0, (max(values) // 10) * 10 + 10)
    span = hi - lo or 1.0
    step = (width - left - right) / (len(points) - 1)

    def x(i: int) -> float:
        return left + i * step

    def y(v: float) -> float:
        return top + (hi - v) / span * (height - top - bottom)

    body = []
    tick = 10 if span <= 50 else 20
    v = (lo // tick + 1) * tick
    while v < hi:
        body.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(v):.1f}" y2="{y(v):.1f}" '
            f'stroke="{GRID}" stroke-width="0.6"/>'
        )
        body.append(_text(left - 4, y(v) + 3, f"{v:.0f}", size=8, anchor="end", fill=MUTED))
        v += tick
    band = [(x(i), p[3]) for i, p in enumerate(points) if p[3] is not None]
    band += [(x(i), p[2]) for i, p in reversed(list(enumerate(points))) if p[2] is not None]
    if len(band) > 2:
        coords = " ".join(f"{bx:.1f},{y(by):.1f}" for bx, by in band)
        body.append(f'<polygon points="{coords}" fill="{BAND}" stroke="none"/>')
    body.append(
        f'<line x1="{left}" x2="{width - right}" y1="{y(threshold):.1f}" '
        f'y2="{y(threshold):.1f}" stroke="{ORANGE}" stroke-width="1" stroke-dasharray="4 3"/>'
    )
    body.append(
        _text(left + 4, y(threshold) - 3, threshold_label, size=8, anchor="start", fill=ORANGE)
    )
    line = " ".join(f"{x(i):.1f},{y(p[1]):.1f}" for i, p in enumerate(points))
    body.append(f'<polyline points="{line}" fill="none" stroke="{BLUE}" stroke-width="1.8"/>')
    last = points[-1]
    body.append(
        f'<circle cx="{x(len(points) - 1):.1f}" cy="{y(last[1]):.1f}" r="2.6" fill="{BLUE}"/>'
    )
    body.append(
        _text(
            x(len(points) - 1) - 4,
            y(last[1]) - 6,
            f"{last[1]:.0f}",
            size=9,
            anchor="end",
            fill=BLUE,
            weight="bold",
        )
    )
    last_i = len(points) - 1
    every = max(1, -(-len(points) // 5))
    for i, p in enumerate(points):
        if i == last_i or (i % every == 0 and last_i - i >= every / 2 + 0.5):
            body.append(
                _text(
                    x(i), height - 8, date_format(p[0], "M y"), size=8, anchor="middle", fill=MUTED
                )
            )
    return _svg(width, height, body, title)


def trust_both_ways(
    rows: Sequence[tuple[str, float | None, float | None, float | None]],
    *,
    title: str,
    by_others_label: str,
    of_others_label: str,
    previous_label: str,
    width: int = 360,
) -> SafeString | None:
    """For each party (name, trusted by the others, trusts the others, trusted by the others
    at the previous date): a 0-100 track with a filled dot (trusted by the others), a ring
    (trusts the others) and a tick where the first stood before."""
    rows = [r for r in rows if r[1] is not None or r[2] is not None]
    if not rows:
        return None
    left, right, row_h, top = 104, 14, 18, 40
    height = top + row_h * len(rows) + 18
    track = width - left - right

    def x(v: float) -> float:
        return left + max(0.0, min(100.0, v)) / 100 * track

    body = []
    # The legend, one symbol a row (long labels in French or German stay inside the box).
    legend = left - 96
    body.append(f'<circle cx="{legend + 4}" cy="7" r="3.6" fill="{BLUE}"/>')
    body.append(_text(legend + 11, 10, by_others_label, size=8))
    body.append(
        f'<circle cx="{legend + 4}" cy="17" r="3.2" fill="white" stroke="{ORANGE}" '
        f'stroke-width="1.6"/>'
    )
    body.append(_text(legend + 11, 20, of_others_label, size=8))
    body.append(
        f'<line x1="{legend + 4}" x2="{legend + 4}" y1="23" y2="31" '
        f'stroke="{MUTED}" stroke-width="1.4"/>'
    )
    body.append(_text(legend + 11, 30, previous_label, size=8, fill=MUTED))
    for v in (0, 25, 50, 75, 100):
        body.append(
            f'<line x1="{x(v):.1f}" x2="{x(v):.1f}" y1="{top}" y2="{height - 16}" '
            f'stroke="{GRID}" stroke-width="0.6"/>'
        )
        body.append(_text(x(v), height - 5, str(v), size=7.5, anchor="middle", fill=MUTED))
    for i, (name, by_others, of_others, before) in enumerate(rows):
        cy = top + row_h * i + row_h / 2
        label = name if len(name) <= 18 else name[:17] + "…"
        body.append(_text(left - 6, cy + 3, label, size=8.5, anchor="end"))
        body.append(
            f'<line x1="{left}" x2="{width - right}" y1="{cy:.1f}" y2="{cy:.1f}" '
            f'stroke="{GRID}" stroke-width="1.2"/>'
        )
        if before is not None:
            body.append(
                f'<line x1="{x(before):.1f}" x2="{x(before):.1f}" y1="{cy - 5:.1f}" '
                f'y2="{cy + 5:.1f}" stroke="{MUTED}" stroke-width="1.4"/>'
            )
        if of_others is not None:
            body.append(
                f'<circle cx="{x(of_others):.1f}" cy="{cy:.1f}" r="3.4" fill="white" '
                f'stroke="{ORANGE}" stroke-width="1.6"/>'
            )
        if by_others is not None:
            body.append(f'<circle cx="{x(by_others):.1f}" cy="{cy:.1f}" r="3.8" fill="{BLUE}"/>')
    return _svg(width, height, body, title)


def two_way_trend(
    points: Sequence[tuple[date, float | None, float | None]],
    *,
    title: str,
    by_others_label: str,
    of_others_label: str,
    width: int = 330,
    height: int = 122,
) -> SafeString | None:
    """A party's trust both ways over time: trusted by the others (solid line) and trusts
    the others (dashed line), each labelled at its last point. None with fewer than two
    dates."""
    points = [p for p in points if p[1] is not None or p[2] is not None]
    if len(points) < 2:
        return None
    left, right, top, bottom = 26, 30, 28, 18
    values = [v for p in points for v in p[1:] if v is not None]
    lo = max(0.0, (min(values) // 5) * 5 - 5)
    hi = min(100.0, (max(values) // 5) * 5 + 5)
    span = hi - lo or 1.0
    step = (width - left - right) / (len(points) - 1)

    def x(i: int) -> float:
        return left + i * step

    def y(v: float) -> float:
        return top + (hi - v) / span * (height - top - bottom)

    body = [
        f'<circle cx="{left + 3}" cy="6" r="3" fill="{BLUE}"/>',
        _text(left + 12, 9, by_others_label, size=7.5),
        f'<line x1="{left - 2}" x2="{left + 8}" y1="16" y2="16" '
        f'stroke="{ORANGE}" stroke-width="1.6" stroke-dasharray="3 2"/>',
        _text(left + 12, 19, of_others_label, size=7.5),
    ]
    tick = 5 if span <= 20 else 10
    v = lo
    while v <= hi:
        body.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(v):.1f}" y2="{y(v):.1f}" '
            f'stroke="{GRID}" stroke-width="0.6"/>'
        )
        body.append(_text(left - 4, y(v) + 3, f"{v:.0f}", size=7, anchor="end", fill=MUTED))
        v += tick
    ends = []
    for column, colour, dash in ((1, BLUE, ""), (2, ORANGE, ' stroke-dasharray="3 2"')):
        line = [(x(i), y(p[column])) for i, p in enumerate(points) if p[column] is not None]
        if len(line) < 2:
            continue
        coords = " ".join(f"{px:.1f},{py:.1f}" for px, py in line)
        body.append(
            f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="1.6"{dash}/>'
        )
        value = next(p[column] for p in reversed(points) if p[column] is not None)
        ends.append([line[-1][0], line[-1][1], value, colour])
    if len(ends) == 2 and abs(ends[0][1] - ends[1][1]) < 9:
        # Two last values close together: move their labels apart, the higher one up.
        upper, lower = sorted(ends, key=lambda e: e[1])
        middle = (upper[1] + lower[1]) / 2
        upper[1], lower[1] = middle - 4.5, middle + 4.5
    for end_x, end_y, value, colour in ends:
        body.append(_text(end_x + 4, end_y + 3, f"{value:.0f}", size=8, fill=colour, weight="bold"))
    for i in (0, len(points) - 1):
        anchor = "start" if i == 0 else "end"
        body.append(
            _text(
                x(i),
                height - 5,
                date_format(points[i][0], "M y"),
                size=7,
                anchor=anchor,
                fill=MUTED,
            )
        )
    return _svg(width, height, body, title)
