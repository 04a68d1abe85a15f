"""Turn stored insight snapshots into what the tabs draw: matrices, Plotly figures, overlays.

Pure functions over the snapshot's JSON (shapes documented on ``InsightSnapshot``): no
query, no computation of a figure — only arranging the engine's numbers for display.
"""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import date
from typing import Any

from django.utils.translation import gettext as _


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value[:10]) if value else None


# ----- trust -----


def trust_trend_figure(data: dict[str, Any]) -> dict[str, Any] | None:
    """The agreement's trust index over time with its 80 % band."""
    trend = [p for p in data.get("trend") or () if p.get("index") is not None]
    if len(trend) < 2:
        return None
    xs = [p["date"] for p in trend]
    band = {
        "type": "scatter",
        "x": xs + xs[::-1],
        "y": [p["high"] for p in trend] + [p["low"] for p in trend][::-1],
        "fill": "toself",
        "fillcolor": "rgba(31,78,121,0.15)",
        "line": {"width": 0},
        "name": _("80 % interval"),
        "hoverinfo": "skip",
    }
    line = {
        "type": "scatter",
        "mode": "lines+markers",
        "x": xs,
        "y": [p["index"] for p in trend],
        "name": _("Trust index"),
    }
    return {
        "data": [band, line],
        "layout": {
            "title": {"text": _("Trust index over time"), "x": 0, "xanchor": "left"},
            "xaxis": {"title": {"text": _("Date")}, "type": "date"},
            "yaxis": {"title": {"text": _("Index (0–100)")}},
            "legend": {"orientation": "h", "x": 0, "y": -0.25},
        },
    }


def trust_pair_matrix(data: dict[str, Any]) -> dict[str, Any]:
    """Directed truster × trustee matrix of the pairs that have events."""
    pairs = data.get("pairs") or []
    names: dict[str, str] = {}
    cells: dict[tuple[str, str], dict] = {}
    for p in pairs:
        truster, trustee = p["truster"], p["trustee"]
        names[truster["uuid"]] = truster["name"]
        names[trustee["uuid"]] = trustee["name"]
        cells[(truster["uuid"], trustee["uuid"])] = p
    order = sorted(names, key=lambda u: names[u])
    parties = [{"uuid": u, "name": names[u]} for u in order]
    rows = [(party, [cells.get((party["uuid"], u)) for u in order]) for party in parties]
    return {"parties": parties, "rows": rows, "without_events": data.get("pairs_without_events")}


def trust_pair(data: dict[str, Any], truster: str, trustee: str) -> dict[str, Any] | None:
    for p in data.get("pairs") or ():
        if p["truster"]["uuid"] == truster and p["trustee"]["uuid"] == trustee:
            return p
    return None


def trust_heat(index: float | None) -> int:
    """0..4 heat class of a 0–100 trust index (50 is neutral)."""
    if index is None:
        return 0
    return max(0, min(4, math.floor((index - 30) / 10)))


# ----- schedule -----


def forecast_by_commitment(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each open commitment's forecast by its UUID."""
    return {t["commitment"]["uuid"]: t for t in data.get("commitments") or ()}


def forecast_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Open commitments, least likely to be on time first, with their dates as dates."""
    rows = []
    for t in data.get("commitments") or ():
        q = t.get("quantiles") or {}
        rows.append(
            {
                **t,
                "due_date": _day(t.get("due")),
                "p50": _day(q.get("P50")),
                "p80": _day(q.get("P80")),
            }
        )
    return sorted(rows, key=lambda r: (r["probability_on_time"] is None, r["probability_on_time"]))


def milestone_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for m in data.get("milestones") or ():
        q = m.get("quantiles") or {}
        rows.append(
            {
                **m,
                "due_date": _day(m.get("due")),
                "p50": _day(q.get("P50")),
                "p80": _day(q.get("P80")),
            }
        )
    return rows


def cascade_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Late or at-risk commitments that push others, the biggest push first."""
    rows = [c for c in data.get("cascade") or () if c.get("affected")]
    return sorted(rows, key=lambda c: -(c.get("days_added") or 0))


# ----- alignment -----


def alignment_matrix(data: dict[str, Any]) -> dict[str, Any]:
    """Party × topic alignment scores (0–100) as rows of cells in one topic order."""
    topics: dict[str, str] = {}
    for row in data.get("matrix") or ():
        for cell in row["cells"]:
            if cell.get("topic"):
                topics[cell["topic"]["uuid"]] = cell["topic"]["name"]
    order = sorted(topics, key=lambda u: topics[u])
    rows = []
    for row in sorted(data.get("matrix") or (), key=lambda r: r["party"]["name"]):
        by_topic = {c["topic"]["uuid"]: c["score"] for c in row["cells"] if c.get("topic")}
        scores = [by_topic.get(u) for u in order]
        if any(s is not None for s in scores):  # parties with no stated expectation: no row
            rows.append((row["party"], scores))
    return {"topics": [{"uuid": u, "name": topics[u]} for u in order], "rows": rows}


# ----- network -----

COMMUNITY_COLOURS = ("#1f4e79", "#c05a00", "#2e7d32", "#8e244d", "#5e4fa2", "#00796b")


def network_figure(data: dict[str, Any]) -> dict[str, Any] | None:
    """Who talks to whom: parties on a circle grouped by community (brokers as diamonds,
    size by engagement strength), ties as lines, dotted when they stay on one side of the
    local / international line."""
    parties = data.get("parties") or []
    if not parties:
        return None
    ordered = sorted(parties, key=lambda p: (p.get("community") or 0, p["party"]["name"]))
    n = len(ordered)
    position = {
        p["party"]["uuid"]: (
            math.cos(2 * math.pi * i / n),
            math.sin(2 * math.pi * i / n),
        )
        for i, p in enumerate(ordered)
    }
    traces: list[dict[str, Any]] = []
    for crossing in (True, False):
        xs: list[float | None] = []
        ys: list[float | None] = []
        for tie in data.get("ties") or ():
            if bool(tie.get("crossing")) is not crossing:
                continue
            a, b = position.get(tie["a"]["uuid"]), position.get(tie["b"]["uuid"])
            if a and b:
                xs += [a[0], b[0], None]
                ys += [a[1], b[1], None]
        if xs:
            traces.append(
                {
                    "type": "scatter",
                    "mode": "lines",
                    "x": xs,
                    "y": ys,
                    "hoverinfo": "skip",
                    "name": _("Local ↔ international ties") if crossing else _("Same-side ties"),
                    "line": {
                        "width": 1.5,
                        "color": "#9aa4b1",
                        "dash": "solid" if crossing else "dot",
                    },
                }
            )
    strongest = max((p.get("strength") or 0 for p in parties), default=1) or 1
    by_community: dict[int, list[dict]] = defaultdict(list)
    for p in ordered:
        by_community[p.get("community") or 0].append(p)
    for community, members in sorted(by_community.items()):
        traces.append(
            {
                "type": "scatter",
                "mode": "markers+text",
                "x": [position[p["party"]["uuid"]][0] for p in members],
                "y": [position[p["party"]["uuid"]][1] for p in members],
                "text": [p["party"]["name"] for p in members],
                "textposition": "top center",
                "marker": {
                    "size": [10 + 20 * (p.get("strength") or 0) / strongest for p in members],
                    "color": COMMUNITY_COLOURS[community % len(COMMUNITY_COLOURS)],
                    "symbol": ["diamond" if p.get("is_broker") else "circle" for p in members],
                    "line": {"width": 1, "color": "#ffffff"},
                },
                "name": _("Community %(n)s") % {"n": community + 1},
            }
        )
    return {
        "data": traces,
        "layout": {
            "title": {"text": _("Who talks to whom"), "x": 0, "xanchor": "left"},
            "xaxis": {"visible": False},
            "yaxis": {"visible": False, "scaleanchor": "x"},
            "legend": {"orientation": "h", "x": 0, "y": -0.05},
            "height": 600,
            "showlegend": True,
            "margin": {"l": 20, "r": 20, "t": 50, "b": 40},
        },
    }


# ----- names in the reader's language -----


def localize_references(data: Any, names: dict[str, str]) -> Any:
    """Replace the stored ``name``/``title`` of every referenced object whose UUID is in
    ``names`` (the object's text in the current language), throughout ``data`` (in place)."""
    if isinstance(data, dict):
        uuid = data.get("uuid")
        if uuid in names:
            for key in ("name", "title"):
                if key in data:
                    data[key] = names[uuid]
        for value in data.values():
            localize_references(value, names)
    elif isinstance(data, list):
        for value in data:
            localize_references(value, names)
    return data
