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
from django.utils.translation import ngettext

from alliance.insights.calibration import auc_z
from alliance.partnerships.choices import CommitmentStatus

# A forecast commitment in one of these needs no more time (the schedule leaves out the
# delivered and waived ones; a snapshot that lists one says so by its status).
CLOSED_STATUSES = (CommitmentStatus.DELIVERED, CommitmentStatus.WAIVED)


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


def milestone_rows(
    data: dict[str, Any], risks: dict[str, str] | None = None
) -> list[dict[str, Any]]:
    """Milestones by due date, each with what confidence costs (the plan's date, P50, P80 and
    the contingency) and its risk tornado. ``risks`` are the risks the reader may see (title
    in the reader's language by UUID): a risk outside it is left out of the tornado (the
    policy decides, not the snapshot); ``None`` shows none.

    A milestone whose commitments are all closed (``done``) has nothing left to forecast: no
    contingency and no sentence about it (its "P80" is the day its last one was delivered)."""
    rows = []
    still_open = {
        t["commitment"]["uuid"]
        for t in data.get("commitments") or ()
        if t.get("status") not in CLOSED_STATUSES
    }
    for m in data.get("milestones") or ():
        q = m.get("quantiles") or {}
        members = [c["uuid"] for c in m.get("commitments") or ()]
        done = bool(members) and not still_open.intersection(members)
        rows.append(
            {
                **m,
                "due_date": _day(m.get("due")),
                "p50": _day(q.get("P50")),
                "p80": _day(q.get("P80")),
                "plan_date": _day(m.get("deterministic")),
                "contingency": None if done else m.get("contingency_working_days"),
                "done": done,
                "tornado": [] if done else risk_tornado(m, risks or {}),
            }
        )
        rows[-1]["contingency_says"] = "" if done else contingency_words(rows[-1])
        for r in rows[-1]["tornado"]:
            r["says"] = ngettext(
                "The P80 of %(milestone)s moves %(days)d working day because of the risk "
                "“%(risk)s”.",
                "The P80 of %(milestone)s moves %(days)d working days because of the risk "
                "“%(risk)s”.",
                r["working_days"],
            ) % {
                "milestone": m["milestone"]["title"],
                "days": r["working_days"],
                "risk": r["risk"]["title"],
            }
    return sorted(rows, key=lambda r: (r["due_date"] is None, r["due_date"] or date.min))


def contingency_words(row: dict[str, Any]) -> str:
    """What confidence costs, in words: how far the P80 lies beyond the plan on most-likely
    durations and why ("P80 is 12 working days later than the plan: the merge of 4 paths")."""
    days = row.get("contingency")
    if days is None or row.get("plan_date") is None:
        return ""
    if days == 0:
        return _("P80 is the plan's date: no contingency is needed beyond it.")
    if days < 0:
        return ngettext(
            "P80 is %(days)d working day earlier than the plan.",
            "P80 is %(days)d working days earlier than the plan.",
            -days,
        ) % {"days": -days}
    causes = []
    paths = row.get("paths") or 0
    if paths >= 2:
        causes.append(
            ngettext("the merge of %(n)d path", "the merge of %(n)d paths", paths) % {"n": paths}
        )
    if row.get("tornado"):
        top = row["tornado"][0]
        causes.append(
            ngettext(
                "the risk “%(risk)s” (%(days)d working day)",
                "the risk “%(risk)s” (%(days)d working days)",
                top["working_days"],
            )
            % {"risk": top["risk"]["title"], "days": top["working_days"]}
        )
    if not causes:
        causes.append(_("the spread of the estimates and each party's record of slipping"))
    said = (
        causes[0]
        if len(causes) == 1
        else _("%(first)s and %(second)s")
        % {
            "first": causes[0],
            "second": causes[1],
        }
    )
    return ngettext(
        "P80 is %(days)d working day later than the plan: %(causes)s.",
        "P80 is %(days)d working days later than the plan: %(causes)s.",
        days,
    ) % {"days": days, "causes": said}


def risk_tornado(milestone: dict[str, Any], risks: dict[str, str]) -> list[dict[str, Any]]:
    """A milestone's risks the reader may see, largest move of its P80 first, each with the
    width of its bar (percent of the largest)."""
    shown = [
        {**r, "risk": {**r["risk"], "title": risks[r["risk"]["uuid"]]}}
        for r in milestone.get("risks") or ()
        if r.get("risk", {}).get("uuid") in risks and (r.get("working_days") or 0) > 0
    ]
    shown.sort(key=lambda r: (-r["working_days"], r["risk"]["title"]))
    largest = max((r["working_days"] for r in shown), default=0)
    for r in shown:
        r["bar"] = round(100 * r["working_days"] / largest, 1)
    return shown


def commitment_milestone(rows: list[dict[str, Any]], milestone_uuid: str) -> dict | None:
    """The forecast row of one milestone (the commitment page shows its own)."""
    return next((r for r in rows if r["milestone"].get("uuid") == milestone_uuid), None)


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

# Okabe–Ito: told apart by readers with any common colour-vision deficiency.
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000")
COMMUNITY_COLOURS = OKABE_ITO


def _label_position(x: float, y: float) -> str:
    """Where a node's name goes so that it points away from the circle's centre."""
    side = "right" if x > 0 else "left"
    if abs(x) < 0.15:
        return "top center" if y > 0 else "bottom center"
    if abs(y) > 0.75:
        return f"{'top' if y > 0 else 'bottom'} {side}"
    return f"middle {side}"


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
                "textposition": [_label_position(*position[p["party"]["uuid"]]) for p in members],
                "hovertemplate": "%{text}<extra></extra>",
                "marker": {
                    "size": [10 + 20 * (p.get("strength") or 0) / strongest for p in members],
                    "color": COMMUNITY_COLOURS[community % len(COMMUNITY_COLOURS)],
                    "symbol": ["diamond" if p.get("is_broker") else "circle" for p in members],
                    "line": {"width": 1, "color": "#ffffff"},
                },
                "name": _("Community %(n)s") % {"n": community + 1},
            }
        )
    # The shapes have their own legend entries: a diamond is a broker, a dot's size its strength.
    for symbol, name in (
        ("circle", _("Party (the larger, the more it engages)")),
        ("diamond", _("Broker: links parties that would otherwise not meet")),
    ):
        traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "x": [None],
                "y": [None],
                "name": name,
                "marker": {"symbol": symbol, "size": 12, "color": "#6b7685"},
            }
        )
    return {
        "data": traces,
        "layout": {
            "title": {"text": _("Who talks to whom"), "x": 0, "xanchor": "left"},
            "xaxis": {"visible": False, "range": [-1.9, 1.9]},
            "yaxis": {"visible": False, "scaleanchor": "x", "range": [-1.3, 1.3]},
            "legend": {"orientation": "h", "x": 0, "y": -0.05},
            "height": 600,
            "showlegend": True,
            "margin": {"l": 20, "r": 20, "t": 50, "b": 40},
        },
    }


# ----- names in the reader's language -----


def localize_references(data: Any, names: dict[str, str]) -> Any:
    """``data`` with the stored ``name``/``title`` of every referenced object whose UUID is in
    ``names`` replaced by the object's text in the current language (a copy: snapshot data is
    shared between readers, see ``analytics.snapshot_cache``, and ``names`` depends on the
    reader)."""
    if isinstance(data, dict):
        out = {key: localize_references(value, names) for key, value in data.items()}
        uuid = data.get("uuid")
        if uuid in names:
            for key in ("name", "title"):
                if key in out:
                    out[key] = names[uuid]
        return out
    if isinstance(data, list):
        return [localize_references(value, names) for value in data]
    return data


# ----- calibration (the engine checked against what happened) -----


def _pct(value: float) -> str:
    from django.utils.formats import number_format

    return f"{number_format(100 * value, 0)} %"


def _level(value: float) -> str:
    """An index stored on a 0–1 scale, on the 0–100 scale the pages show."""
    from django.utils.formats import number_format

    return number_format(100 * value, 0)


def _score(value: float) -> str:
    from django.utils.formats import number_format

    return number_format(value, 2)


def schedule_calibration_lines(data: dict[str, Any]) -> list[str]:
    """The schedule back-test in words ("of the last 40 commitments forecast 80 % likely on
    time, 31 were"); empty when the snapshot predates it."""
    c = data.get("calibration")
    if not c:
        return []
    if not c["n_due"] and not c["n_p80"]:
        return [
            _(
                "No forecast can be checked yet: once commitments forecast in earlier "
                "snapshots fall due, the forecasts are scored against what happened."
            )
        ]
    lines = []
    if c["n_due"]:
        lines.append(
            ngettext(
                "%(k)d of the last %(n)d commitments forecast before their due date was "
                "delivered on time.",
                "%(k)d of the last %(n)d commitments forecast before their due date were "
                "delivered on time.",
                c["on_time"],
            )
            % {"n": c["n_due"], "k": c["on_time"]}
        )
        if c["confident"]:
            lines.append(
                ngettext(
                    "Of those forecast at least %(p)s likely on time, %(k)d of %(n)d was.",
                    "Of those forecast at least %(p)s likely on time, %(k)d of %(n)d were.",
                    c["confident_on_time"],
                )
                % {
                    "n": c["confident"],
                    "p": _pct(c["confident_probability"]),
                    "k": c["confident_on_time"],
                }
            )
        lines.append(
            _(
                "Brier score of the chance of being on time: %(brier)s (0 is perfect; always "
                "forecasting the share on time scores %(ref)s)."
            )
            % {"brier": _score(c["brier"]), "ref": _score(c["brier_base_rate"])}
        )
    if c["n_p80"]:
        lines.append(
            _("P80 dates met: %(k)d of %(n)d (%(rate)s; a calibrated forecast meets about 80 %%).")
            % {"k": c["p80_hits"], "n": c["n_p80"], "rate": _pct(c["p80_hit_rate"])}
        )
    if not c.get("established"):
        lines.append(_("Few forecasts to check yet: read these figures as provisional."))
    return lines


# Two standard errors from chance: the usual 5 % two-sided threshold, rounded.
AUC_CLEAR_Z = 1.96


def _auc_verdict(auc: float, on_time: int, late: int) -> str:
    """Whether an AUC can be told apart from chance at this number of deliveries."""
    z = auc_z(auc, on_time, late)
    if z is None or abs(z) < AUC_CLEAR_Z:
        return _(
            "At this number of deliveries, that cannot be told apart from chance: the index "
            "neither foresees nor misleads here yet."
        )
    if z > 0:
        return _("Clearly better than chance: the index does foresee late deliveries here.")
    return _(
        "Clearly worse than chance: late deliveries came more often where the index was "
        "higher. Read the index with care on this agreement and look at its evidence."
    )


def trust_calibration_lines(data: dict[str, Any]) -> list[str]:
    """The trust back-test in words: does the index foresee the next delivery on time?"""
    c = data.get("calibration")
    if not c:
        return []
    if not c["n"]:
        return [
            _(
                "The trust index cannot be checked yet: no delivery has fallen due since an "
                "index was first computed."
            )
        ]
    lines = []
    if c["auc"] is None:
        lines.append(
            ngettext(
                "The %(n)d delivery fallen due since had one outcome only: whether the index "
                "tells on-time from late deliveries cannot be judged yet.",
                "The %(n)d deliveries fallen due since all had the same outcome: whether the "
                "index tells on-time from late deliveries cannot be judged yet.",
                c["n"],
            )
            % {"n": c["n"]}
        )
    else:
        lines.append(
            ngettext(
                "Over %(n)d delivery fallen due, the index computed before it ranked an "
                "on-time delivery above a late one %(auc)s of the time (AUC; 50 %% is chance).",
                "Over %(n)d deliveries fallen due, the index computed before each ranked an "
                "on-time delivery above a late one %(auc)s of the time (AUC; 50 %% is chance).",
                c["n"],
            )
            % {"n": c["n"], "auc": _pct(c["auc"])}
        )
        lines.append(_auc_verdict(c["auc"], c["on_time"], c["n"] - c["on_time"]))
    if c.get("at_prior"):
        lines.append(
            ngettext(
                "%(n)d more delivery is not counted: the index of its pair was still at its "
                "starting point (too little evidence to say anything of the pair).",
                "%(n)d more deliveries are not counted: the index of their pair was still at "
                "its starting point (too little evidence to say anything of the pair).",
                c["at_prior"],
            )
            % {"n": c["at_prior"]}
        )
    if c.get("mean_index") is not None and c["n"]:
        # The index is a level of trust, not a chance of delivery: a Brier score would call it
        # worse than the base rate whenever it sits below the share on time, as it does by
        # design (a breach weighs more than a kept promise), however well it ranks.
        lines.append(
            _(
                "The index is a level of trust, not the chance of a delivery on time: before "
                "these deliveries it stood at %(mean)s on average, and %(share)s of them were on "
                "time (%(k)d of %(n)d). Its ranking, above, is what tells whether it foresees."
            )
            % {
                "mean": _level(c["mean_index"]),
                "share": _pct(c["on_time"] / c["n"]),
                "k": c["on_time"],
                "n": c["n"],
            }
        )
    if not c.get("established"):
        lines.append(_("Few deliveries to check yet: read these figures as provisional."))
    return lines
