"""The agreement cockpit's reading tabs: overview, parties, expectations, trust.

Each tab has its own URL; a direct load gets the full page, an HTMX request only the
``tab`` partial (the tab bar and the panel)."""

from __future__ import annotations

import itertools
from datetime import datetime
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from alliance.accounts import policy
from alliance.analytics.services import insights_recompute
from alliance.core import clock
from alliance.engagement.models import Topic
from alliance.insights.parameters import SALIENCE
from alliance.partnerships.choices import MaturityStage
from alliance.partnerships.models import Party
from alliance.web import insight_figures, insights, selectors
from alliance.web.templatetags.alliance import SALIENCE_CLASSES
from alliance.web.views.common import (
    agreement_for,
    cockpit_context,
    render_page,
    report_refusal,
)
from alliance.web.views.stages import pending_context

TAB_PARTIAL = "tab"


def _last_seen(request: HttpRequest, agreement_uuid: UUID) -> datetime | None:
    """When the user last opened this agreement's overview (kept in the session)."""
    key = f"alliance:seen:{agreement_uuid}"
    previous = request.session.get(key)
    request.session[key] = timezone.now().isoformat()
    return datetime.fromisoformat(previous) if previous else None


@login_required
def overview(request: HttpRequest, agreement_id: UUID) -> HttpResponse:
    agreement, access = agreement_for(request, agreement_id)
    today = clock.today()
    stages = list(MaturityStage)
    reached = stages.index(MaturityStage(agreement.stage))
    last_seen = _last_seen(request, agreement.uuid)
    context = cockpit_context(
        request,
        agreement,
        access,
        "overview",
        counts=selectors.agreement_counts(request.user, agreement, today),
        warnings=selectors.open_warnings(request.user, agreement),
        changes=selectors.changes_since(request.user, agreement, last_seen),
        first_visit=last_seen is None,
        milestones=selectors.upcoming_milestones(request.user, agreement),
        objectives=selectors.strategic_objectives(request.user, agreement),
        stage_path=[(stage, i <= reached, i == reached) for i, stage in enumerate(stages)],
        panels=insights.panels(agreement, "maturity", "trust", "warnings"),
        **pending_context(selectors.pending_stage_change(request.user, agreement)),
    )
    return render_page(request, "web/cockpit/overview.html", context, partial=TAB_PARTIAL)


@login_required
def parties(request: HttpRequest, agreement_id: UUID) -> HttpResponse:
    agreement, access = agreement_for(request, agreement_id)
    rows = selectors.salience_rows(agreement)
    party_list = [row.participation.party for row in rows]
    found = insights.panels(agreement, "network")
    context = cockpit_context(
        request,
        agreement,
        access,
        "parties",
        salience=rows,
        grid=selectors.mendelow_grid(rows),
        people=selectors.agreement_people(request.user, agreement),
        blackouts=selectors.next_blackouts(request.user, party_list, clock.today()),
        panels=found,
        network_plot=insight_figures.network_figure(found["network"].data),
        salience_classes=list(SALIENCE_CLASSES.items()),
        salience_params=SALIENCE,
    )
    return render_page(request, "web/cockpit/parties.html", context, partial=TAB_PARTIAL)


@login_required
def expectations(request: HttpRequest, agreement_id: UUID) -> HttpResponse:
    agreement, access = agreement_for(request, agreement_id)
    found = insights.panels(agreement, "alignment")
    matrix = selectors.expectation_matrix(request.user, agreement)
    snapshot = found["alignment"].snapshot
    if snapshot is not None:  # topics in the reader's language (a copy: the data is shared)
        snapshot.data = insight_figures.localize_references(
            snapshot.data, {str(t.uuid): str(t) for t in matrix["topics"]}
        )
    context = cockpit_context(
        request,
        agreement,
        access,
        "expectations",
        matrix=matrix,
        panels=found,
        alignment=insight_figures.alignment_matrix(found["alignment"].data),
    )
    return render_page(request, "web/cockpit/expectations.html", context, partial=TAB_PARTIAL)


@login_required
def expectation_cell(
    request: HttpRequest, agreement_id: UUID, topic_id: UUID, party_id: UUID
) -> HttpResponse:
    """One heatmap cell: every party's statement on the topic side by side, and the history
    of the chosen party's position."""
    agreement, access = agreement_for(request, agreement_id)
    topic = policy.get_visible_or_404(request.user, Topic, uuid=topic_id, agreement=agreement)
    party = policy.get_visible_or_404(
        request.user, Party, uuid=party_id, participations__agreement=agreement
    )
    context = cockpit_context(
        request,
        agreement,
        access,
        "expectations",
        topic=topic,
        party=party,
        **selectors.expectation_statements(request.user, topic, party),
    )
    return render_page(request, "web/cockpit/expectation_cell.html", context, partial="cell")


@login_required
def trust(request: HttpRequest, agreement_id: UUID) -> HttpResponse:
    agreement, access = agreement_for(request, agreement_id)
    averages = selectors.trust_pulse_averages(request.user, agreement)
    found = insights.panels(agreement, "trust")
    data = found["trust"].data
    context = cockpit_context(
        request,
        agreement,
        access,
        "trust",
        trust=averages,
        rounds=selectors.pulse_rounds(request.user, agreement) if access.is_team else [],
        own_rounds=(
            selectors.own_party_pulse_progress(
                request.user, agreement, access.party_id, averages["pulses"]
            )
            if access.is_rep
            else []
        ),
        trend_plot=_trust_trend_plot(averages),
        panels=found,
        index_plot=insight_figures.trust_trend_figure(data),
        pairs=insight_figures.trust_pair_matrix(data),
        calibration=insight_figures.trust_calibration_lines(data),
    )
    return render_page(request, "web/cockpit/trust.html", context, partial=TAB_PARTIAL)


@login_required
def trust_why(request: HttpRequest, agreement_id: UUID) -> HttpResponse:
    """Why does one party trust another this much: the components and the events behind the
    pair's index (from the stored trust snapshot)."""
    agreement, access = agreement_for(request, agreement_id)
    found = insights.panels(agreement, "trust")
    pair = insight_figures.trust_pair(
        found["trust"].data, request.GET.get("truster", ""), request.GET.get("trustee", "")
    )
    if pair is None:
        raise Http404
    context = cockpit_context(request, agreement, access, "trust", pair=pair, panels=found)
    return render_page(request, "web/cockpit/trust_why.html", context, partial="why")


HIGHLIGHTED = 4  # lines in colour on the pulse trend; the others stay grey behind them
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7")


def _trust_trend_plot(averages: dict) -> dict | None:
    """Plotly figure: how the other parties rate each party, round after round (the mean of
    the directed pairs' means; the pairs themselves are in the table under the chart). The
    parties rated lowest in the latest round are drawn in colour and named at the end of
    their line; the others are grey, so fourteen lines do not become a tangle."""
    if len(averages["pulses"]) < 2 or not averages["seen_by_others"]:
        return None  # one round is a point, not a trend: the tables say it
    series = []
    for party, points in averages["seen_by_others"]:
        kept = [(pulse.closes_on.isoformat(), mean) for pulse, mean in points if mean is not None]
        if kept:
            series.append((str(party), kept))
    lowest = sorted(series, key=lambda s: s[1][-1][1])[:HIGHLIGHTED]
    colours = {name: OKABE_ITO[i] for i, (name, _points) in enumerate(lowest)}
    traces, labels, others_named = [], [], False
    for name, kept in series:
        colour = colours.get(name)
        trace = {
            "type": "scatter",
            "mode": "lines+markers",
            "name": name,
            "x": [x for x, _y in kept],
            "y": [y for _x, y in kept],
            "hovertemplate": f"{name}: %{{y:.1f}}<extra></extra>",
        }
        if colour:
            trace["line"] = {"color": colour, "width": 3}
            trace["marker"] = {"color": colour, "size": 7}
            labels.append(
                {
                    "x": kept[-1][0],
                    "y": kept[-1][1],
                    "text": name,
                    "showarrow": False,
                    "xanchor": "left",
                    "xshift": 8,
                    "font": {"color": colour, "size": 12},
                }
            )
        else:
            trace.update(
                line={"color": "#c3cad3", "width": 1.5},
                marker={"color": "#c3cad3", "size": 4},
                legendgroup="others",
                showlegend=not others_named,
                name=_("Other parties") if not others_named else name,
            )
            others_named = True
        traces.append(trace)
    traces.sort(key=lambda t: t.get("legendgroup") != "others")  # grey lines drawn first
    labels.sort(key=lambda a: a["y"])
    for below, above in itertools.pairwise(labels):
        above["y"] = max(above["y"], below["y"] + 0.3)  # names at the line ends never overlap
    layout = {
        "title": {
            "text": _("How the other parties rate each party — the lowest rated in colour"),
            "x": 0,
            "xanchor": "left",
        },
        "xaxis": {"title": {"text": _("Pulse closing date")}, "type": "date"},
        "yaxis": {
            "title": {"text": _("Mean score (1 = very low, 7 = very high)")},
            "range": [1, 7],
        },
        "legend": {"orientation": "h", "x": 0, "y": -0.25},
        "annotations": labels,
        "margin": {"l": 60, "r": 150, "t": 50, "b": 80},
        "height": 440,
    }
    return {"data": traces, "layout": layout}


@login_required
@require_POST
def recompute(request: HttpRequest, agreement_id: UUID) -> HttpResponse:
    """Recompute the agreement's insights now (the team's button when no task worker runs);
    the figures are still stored as snapshots, pages keep reading those."""
    agreement, access = agreement_for(request, agreement_id)
    if not access.is_team:
        raise Http404
    try:
        insights_recompute(actor=request.user, agreement=agreement)
    except PermissionDenied as exc:
        report_refusal(request, exc)
    else:
        messages.success(request, _("The insights are recomputed from today's data."))
    return redirect("agreement", agreement.uuid)
