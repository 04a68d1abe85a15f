"""The critical chain of a late commitment: what it pushes, by how much and to which dates.

The schedule forecast's delay cascade (``alliance.insights.schedule``, analysis by exclusion)
says, for each late or at-risk commitment, how many working days later each commitment
downstream of it finishes (its 80 % date with the delay, and had it gone to plan). This module
turns that into what a reader takes in within ten seconds: "this late item pushes these three,
to these dates", as a small graph drawn on the server (SVG, no script, as wide as a phone) and
as a table saying the same.

Only what the reader may see is drawn: the commitments come from the policy, and an affected
commitment the reader does not see is left out.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from alliance.accounts import policy
from alliance.attention import counts as attention
from alliance.partnerships.models import CommitmentDependency

MAX_CHAINS = 3  # the three late items that push most; the rest stay in the table
MAX_AFFECTED = 8  # per chain, the most pushed first

# The drawing, in CSS pixels at its natural size (it shrinks with a narrower screen).
WIDTH = 360
INDENT = 22  # one step down the chain
PAD = 8
LINE = 15  # line height of the text
GAP = 10  # between two boxes
CHAR = 7.0  # average width of a character at 12 px, bold (system sans-serif), to wrap titles
TITLE_LINES = 2
NBSP = "\u00a0"


@dataclass
class ChainNode:
    """One commitment of a chain: the late one (depth 0) or one it pushes."""

    uuid: str
    title: str
    url: str
    owed_by: str
    depth: int
    due: date | None
    working_days: int = 0  # how much later it finishes because of the late one
    p80: date | None = None  # 80 % likely done by, as things stand
    p80_on_plan: date | None = None  # ... had the late one gone to plan
    waits_for: list[str] = field(default_factory=list)  # its prerequisites in the chain
    line: str = ""  # what the box says under the title


@dataclass
class Chain:
    """A late (or at-risk) commitment and what its delay pushes."""

    root: ChainNode
    affected: list[ChainNode]
    days_added: int
    svg: SafeString | str = ""  # drawn for the first MAX_CHAINS only
    children: dict[str, list[str]] = field(default_factory=dict)  # uuid -> waiting on it

    @property
    def nodes(self) -> list[ChainNode]:
        return [self.root, *self.affected]


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _short(day: date | None) -> str:
    """A date as the reader's language writes it, kept on one line in the drawing."""
    return date_format(day, "SHORT_DATE_FORMAT").replace(" ", NBSP) if day else "—"


def _root_line(c: Any, row: dict[str, Any], forecast: dict[str, Any], today: date) -> str:
    if attention.is_overdue(c, today):
        days = (today - c.due_on).days
        text = ngettext("%(n)d day late", "%(n)d days late", days) % {"n": days}
    else:
        probability = row.get("probability_on_time")
        text = (
            _("at risk: %(p)d %% likely on time") % {"p": round(100 * probability)}
            if probability is not None
            else _("at risk")
        )
    p80 = _day((forecast.get("quantiles") or {}).get("P80"))
    if p80:
        text += " · " + _("80 %% likely done by %(day)s") % {"day": _short(p80)}
    return text


def _affected_line(node: ChainNode) -> str:
    text = ngettext("+%(n)d working day", "+%(n)d working days", node.working_days) % {
        "n": node.working_days
    }
    if node.p80:
        text += " · " + _("80 %% likely by %(day)s") % {"day": _short(node.p80)}
        if node.p80_on_plan:
            text += " " + _("(was %(day)s)") % {"day": _short(node.p80_on_plan)}
    return text


def _tree_order(root: ChainNode, nodes: dict[str, ChainNode], children: dict[str, list[str]]):
    """Depth-first from the late one, the most pushed child first: each commitment under the
    first of its prerequisites met on the way (a tree drawn; the table lists every link).
    A commitment reached only through ones that are not pushed hangs from the late one."""
    order: list[ChainNode] = []
    placed = {root.uuid}

    def visit(uuid: str, depth: int) -> None:
        kids = sorted(
            (k for k in children.get(uuid, ()) if k not in placed),
            key=lambda k: (-nodes[k].working_days, nodes[k].title),
        )
        for kid in kids:
            if kid in placed:
                continue
            placed.add(kid)
            nodes[kid].depth = depth + 1
            order.append(nodes[kid])
            visit(kid, depth + 1)

    visit(root.uuid, 0)
    rest = sorted(
        (n for u, n in nodes.items() if u not in placed),
        key=lambda n: (-n.working_days, n.title),
    )
    for node in rest:
        node.depth = 1
        order.append(node)
    return order


def chains(
    cascade: list[dict[str, Any]],
    forecast: list[dict[str, Any]],
    visible: dict[str, Any],
    agreement: Any,
    today: date,
) -> list[Chain]:
    """The critical chains of the ``cascade`` rows (the forecast's), most days added first,
    with the commitments ``visible`` to the reader (uuid -> Commitment). Drawn: the first
    ``MAX_CHAINS`` (the page lists the others in words)."""
    by_uuid = {f["commitment"]["uuid"]: f for f in forecast}
    found: list[Chain] = []
    for row in cascade:
        c = visible.get(row["commitment"]["uuid"])
        if c is None:
            continue
        root = ChainNode(
            uuid=str(c.uuid),
            title=c.localized("title"),
            url=reverse("commitment", args=[agreement.uuid, c.uuid]),
            owed_by=str(c.owed_by),
            depth=0,
            due=c.due_on,
        )
        root.line = _root_line(c, row, by_uuid.get(root.uuid) or {}, today)
        nodes: dict[str, ChainNode] = {}
        for a in row.get("affected") or ():
            d = visible.get(a["commitment"]["uuid"])
            if d is None or not a.get("working_days"):
                continue
            node = ChainNode(
                uuid=str(d.uuid),
                title=d.localized("title"),
                url=reverse("commitment", args=[agreement.uuid, d.uuid]),
                owed_by=str(d.owed_by),
                depth=1,
                due=d.due_on,
                working_days=int(a["working_days"]),
                # The forecast's own P80 where it has one: the cascade's re-run with the delay
                # may land a day apart, and the page shows both (the review saw 12 vs 11 Aug).
                p80=(by_uuid.get(str(d.uuid)) or {}).get("p80") or _day(a.get("with_delay")),
                p80_on_plan=_day(a.get("without_delay")),
            )
            node.line = _affected_line(node)
            nodes[node.uuid] = node
        if not nodes:
            continue
        kept = sorted(nodes.values(), key=lambda n: (-n.working_days, n.title))[:MAX_AFFECTED]
        nodes = {n.uuid: n for n in kept}
        in_chain = {root.uuid, *nodes}
        titles = {root.uuid: root.title, **{u: n.title for u, n in nodes.items()}}
        children: dict[str, list[str]] = {}
        links = CommitmentDependency.objects.filter(
            commitment__uuid__in=list(nodes), prerequisite__uuid__in=list(in_chain)
        ).values_list("prerequisite__uuid", "commitment__uuid")
        for before, after in links:
            children.setdefault(str(before), []).append(str(after))
            nodes[str(after)].waits_for.append(titles[str(before)])
        for node in nodes.values():
            node.waits_for.sort()
        chain = Chain(
            root=root,
            affected=_tree_order(root, nodes, children),
            days_added=max(n.working_days for n in nodes.values()),
        )
        chain.children = children
        found.append(chain)
    found.sort(key=lambda ch: (-ch.days_added, ch.root.title))
    found = _without_nested(found)
    for chain in found[:MAX_CHAINS]:
        chain.svg = draw(chain, chain.children)
    return found


def _without_nested(found: list[Chain]) -> list[Chain]:
    """The chains without those already drawn inside a larger one: a late commitment pushed
    by an earlier chain, which itself pushes only commitments of that chain, adds nothing
    but the same boxes again (the demo showed the test train's chain twice: once under the
    signalling certificate, once on its own). Chains come most days added first."""
    kept: list[Chain] = []
    for chain in found:
        mine = {n.uuid for n in chain.affected}
        if any(
            chain.root.uuid in {n.uuid for n in other.affected}
            and mine <= {n.uuid for n in other.nodes}
            for other in kept
        ):
            continue
        kept.append(chain)
    return kept


def chains_for(
    user: Any,
    agreement: Any,
    cascade: list[dict[str, Any]],
    forecast: list[dict[str, Any]],
    today: date,
) -> list[Chain]:
    """:func:`chains` with the commitments of the cascade that ``user`` may see."""
    uuids = {row["commitment"]["uuid"] for row in cascade}
    uuids |= {a["commitment"]["uuid"] for row in cascade for a in row.get("affected") or ()}
    visible = {
        str(c.uuid): c
        for c in policy.commitments_visible_to(user)
        .filter(agreement=agreement, uuid__in=list(uuids))
        .select_related("owed_by")
    }
    return chains(cascade, forecast, visible, agreement, today)


# ----- the drawing --------------------------------------------------------------------------


def _wrap(text: str, width: float, most: int = TITLE_LINES, char: float = CHAR) -> list[str]:
    """``text`` in lines that fit ``width``, at most ``most`` (the last cut with "…"). A
    line is broken at " · " first, and never inside a date or before a "%"."""
    chars = max(int((width - 2 * PAD) / char), 12)
    lines: list[str] = []
    for segment in text.replace(" %", NBSP + "%").split(" · "):
        if lines and len(lines[-1]) + 3 + len(segment) <= chars:
            lines[-1] += " · " + segment
        else:
            lines += textwrap.wrap(segment, chars) or [""]
    lines = [line.replace(NBSP, " ") for line in lines] or [""]
    if len(lines) > most:
        lines = lines[:most]
        lines[-1] = lines[-1][: chars - 1].rstrip() + "…"
    return lines


def draw(chain: Chain, children: dict[str, list[str]]) -> SafeString:
    """The chain as an SVG: the late commitment on top, each one it pushes below its
    prerequisite, one step in; a box per commitment with its title (a link), by how much
    and to which date it is pushed; an elbow from each commitment to the ones waiting for
    it. Text is real text (selectable, read by a screen reader through the table too)."""
    boxes = []
    y = 0
    position: dict[str, tuple[float, float, float]] = {}  # uuid -> (x, top, bottom)
    for node in chain.nodes:
        x = node.depth * INDENT
        width = WIDTH - x
        title = _wrap(node.title, width)
        line = _wrap(node.line, width, most=3, char=6.2)  # 11 px, regular
        height = PAD + LINE * (len(title) + len(line)) + PAD - 2
        position[node.uuid] = (x, y, y + height)
        boxes.append((node, x, y, width, height, title, line))
        y += height + GAP
    total = y - GAP
    label = _("Critical chain of %(title)s") % {"title": chain.root.title}
    parts = [
        f'<svg class="chain-graph" xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" '
        f'height="{total}" viewBox="0 0 {WIDTH} {total}" role="img" '
        f'aria-label="{escape(label)}">'
    ]
    # The elbows first, under the boxes: from the prerequisite's left edge, down, then in.
    drawn_under = {n.uuid: n for n in chain.affected}
    parents = {}
    for before, afters in children.items():
        for after in afters:
            if after in drawn_under and before in position:
                parents.setdefault(after, before)
    for node in chain.affected:
        parent = parents.get(node.uuid)
        if parent is None or position[parent][0] >= position[node.uuid][0]:
            parent = chain.root.uuid
        px, _top, pbottom = position[parent]
        x, top, bottom = position[node.uuid]
        spine = px + INDENT / 2
        middle = (top + bottom) / 2
        dashed = ' stroke-dasharray="3 3"' if node.uuid not in children.get(parent, ()) else ""
        parts.append(
            f'<path class="chain-edge" d="M{spine:.0f} {pbottom:.0f} V{middle:.0f} H{x - 1:.0f}" '
            f'fill="none"{dashed}/>'
            f'<path class="chain-arrow" d="M{x - 6:.0f} {middle - 4:.0f} L{x - 1:.0f} '
            f'{middle:.0f} L{x - 6:.0f} {middle + 4:.0f}" fill="none"/>'
        )
    for node, x, top, width, height, title, line in boxes:
        kind = "chain-root" if node.depth == 0 else "chain-node"
        parts.append(
            f'<a href="{escape(node.url)}" class="{kind}">'
            f'<rect x="{x + 0.5:.1f}" y="{top + 0.5:.1f}" width="{width - 1:.0f}" '
            f'height="{height - 1:.0f}" rx="5"/>'
        )
        for i, text in enumerate(title):
            parts.append(
                f'<text class="chain-title" x="{x + PAD}" y="{top + PAD + LINE * (i + 1) - 3}">'
                f"{escape(text)}</text>"
            )
        for i, text in enumerate(line, start=len(title)):
            parts.append(
                f'<text class="chain-line" x="{x + PAD}" y="{top + PAD + LINE * (i + 1) - 3}">'
                f"{escape(text)}</text>"
            )
        parts.append("</a>")
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text above is escaped
