"""The patterns of the engine's messages, in every language the site speaks.

The engine (``alliance.insights``) names each sentence it produces by a key and gives its
parameters; this catalogue says it in words, translated like any other string of the site.
Parameters that are engine ids were replaced by names when the snapshot or the warning was
stored (``Names.message``). Keys are grouped by what says them: ``warning.*`` (a rule's
title), ``action.*`` (the suggested next step), ``evidence.*`` (a line of evidence),
``criterion.*`` / ``missing.*`` (maturity), ``stage.*`` (a stage change's reason).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from alliance.core.messages import register
from alliance.partnerships.choices import MaturityStage

WARNINGS = {
    "warning.overdue_commitment": _("%(commitment)s is %(days)d working days overdue"),
    "warning.overdue_commitment_no_working_day": _(
        "%(commitment)s is past its due date, no working day lost yet"
    ),
    "warning.trust_falling": _(
        "%(truster)s's trust in %(trustee)s fell %(points)d points in %(days)d days"
    ),
    "warning.alignment_widening": _("%(party)s and %(other)s drift apart on %(topic)s"),
    "warning.key_party_never_met": _("%(party)s (key party) has never been met"),
    "warning.key_party_not_met": _("%(party)s (key party) not met for %(days)d working days"),
    "warning.schedule_p80_late": _(
        "%(commitment)s: P80 finish %(days)d working days past the due date"
    ),
    "warning.regulatory_deadline_passed": _(
        "%(requirement)s: regulatory deadline passed %(days)d working days ago"
    ),
    "warning.regulatory_deadline_near": _(
        "%(requirement)s: regulatory deadline in %(days)d working days, not aligned"
    ),
    "warning.grievance_response_overdue": _(
        "Grievance %(grievance)s: response %(days)d working days overdue"
    ),
    "warning.grievance_response_no_working_day": _(
        "Grievance %(grievance)s: response date passed, no working day lost yet"
    ),
}

ACTIONS = {
    "action.overdue_commitment": _("Ask %(party)s for a new date and what stands in the way."),
    "action.trust_falling": _(
        "Meet %(truster)s to hear what changed in its view of %(trustee)s, before the next pulse."
    ),
    "action.alignment_widening": _("Bring %(party)s and %(other)s to the same table on %(topic)s."),
    "action.key_party_not_met": _("Plan a meeting or a call with %(party)s this week."),
    "action.schedule_p80_late": _(
        "Check with %(party)s whether the due date still holds; agree on a recovery plan or a "
        "new date."
    ),
    "action.regulatory_deadline_near": _(
        "Confirm with the authority what is still missing before the deadline."
    ),
    "action.regulatory_deadline_passed": _(
        "Agree with the authority on how and by when to regularise."
    ),
    "action.grievance_response_overdue": _(
        "Answer the complainant now, with an interim reply if the resolution takes longer."
    ),
}

EVIDENCE = {
    "evidence.due_not_delivered": _("due %(due)s, not delivered"),
    "evidence.distance_grew": _("distance grew by %(change)s"),
    "evidence.target_dates_apart": _("target dates %(before)d → %(after)d working days apart"),
    "evidence.other_events": ngettext_lazy("%(n)d other event", "%(n)d other events", "n"),
    "evidence.pulse_answers": ngettext_lazy(
        "%(pulse)s: %(n)d answer of %(truster)s about %(trustee)s",
        "%(pulse)s: %(n)d answers of %(truster)s about %(trustee)s",
        "n",
    ),
    "evidence.chance_on_time": _("%(commitment)s: %(chance).0f %% chance of meeting its due date"),
}

# Lines of the trust, alignment and network evidence.
ENGINE_LINES = {
    "trust.missed": _("%(commitment)s missed, %(days)d working days overdue%(paused)s%(weight)s"),
    "trust.still_open": _(
        "%(commitment)s still open, %(days)d working days overdue%(paused)s%(weight)s"
    ),
    "trust.on_time": _("%(commitment)s delivered on time%(paused)s%(weight)s"),
    "trust.late": _("%(commitment)s delivered %(days)d working days late%(paused)s%(weight)s"),
    # The same, for a delivery the party owed was asked to confirm.
    "trust.on_time_answered": _(
        "%(commitment)s delivered on time%(paused)s%(confirmation)s%(weight)s"
    ),
    "trust.late_answered": _(
        "%(commitment)s delivered %(days)d working days late%(paused)s%(confirmation)s%(weight)s"
    ),
    "trust.redated": _(
        "%(commitment)s: original date missed, moved by %(days)d working days%(paused)s%(weight)s"
    ),
    "trust.repaired": _(
        "%(commitment)s: renegotiated date met, part of the breach repaired%(paused)s%(weight)s"
    ),
    "trust.materiality": _(" (weighs %(weight)s times an ordinary commitment)"),
    "trust.materiality_set": _(
        " (weighs %(weight)s times an ordinary commitment, as the team set it)"
    ),
    "trust.dispute_not_counted": _(" (time under dispute not counted)"),
    "trust.delivery_confirmed": _(", confirmed by the party owed"),
    "trust.delivery_unconfirmed": _(", not confirmed by the party owed (counts for less)"),
    "trust.follow_up_unanswered": _(
        "follow-up %(follow_up)s unanswered for %(days)d working days (allowance %(allowance)d)"
    ),
    "trust.follow_up_answered": _(
        "follow-up %(follow_up)s answered in %(days)d working days (allowance %(allowance)d)"
    ),
    "trust.not_met": _("not met for %(days)d working days since %(since)s (cadence %(cadence)d)"),
    "trust.met_after_gap": _(
        "%(interaction)s after a gap of %(days)d working days (cadence %(cadence)d)"
    ),
    "trust.pulse_answer": _("pulse answer by %(respondent)s: %(score)s/7"),
    "alignment.gap": _("%(topic)s: %(party)s vs %(other)s, %(gap)s"),
    "alignment.dates_apart": _("target dates %(days)d working days apart"),
    "alignment.priorities_apart": _(
        "priorities %(steps)d steps apart (%(higher)s ranks it higher)"
    ),
    "alignment.targets_apart": _("measurable targets %(percent)d %% apart"),
    "network.crossing_tie": ngettext_lazy(
        "%(party)s – %(other)s: %(n)d interaction across the local line",
        "%(party)s – %(other)s: %(n)d interactions across the local line",
        "n",
    ),
}

SCHEDULE_WORDS = {
    "schedule.contingency": _(
        "%(milestone)s: a plan on most-likely durations says %(plan)s; half the futures "
        "finish by %(p50)s and four in five by %(p80)s, %(days)d working days of contingency "
        "beyond the plan."
    ),
    "schedule.risk_moves": _(
        "The P80 of %(milestone)s moves %(days)d working days because of the risk “%(risk)s”."
    ),
    # The copula's party correlation: learned from the deliveries, or the prior.
    "schedule.correlation_learned": _(
        "Commitments of one party run late together with correlation %(value)s, learned from "
        "%(n)s deliveries of %(parties)s parties (± %(error)s)."
    ),
    "schedule.correlation_prior": ngettext_lazy(
        "Commitments of one party run late together with correlation %(value)s, an assumption: "
        "too few deliveries to learn it (%(parties)s party delivered %(min_deliveries)s "
        "commitments or more; at least %(min_parties)s are needed, and more when they "
        "delivered few).",
        "Commitments of one party run late together with correlation %(value)s, an assumption: "
        "too few deliveries to learn it (%(parties)s parties delivered %(min_deliveries)s "
        "commitments or more; at least %(min_parties)s are needed, and more when they "
        "delivered few).",
        "parties",
    ),
    "schedule.correlation_set": _(
        "Commitments of one party run late together with correlation %(value)s, as set in the "
        "parameters."
    ),
}

SUMMARIES = {
    "summary.trust": _("Trust index %(index).0f / 100 (80 %% interval %(low).0f–%(high).0f)."),
    "summary.trust_none": _("Fewer than two parties: no trust index yet."),
    "summary.alignment": _("Alignment %(score).0f / 100 over %(topics)d topics."),
    "summary.alignment_none": _("No topic has expectations from two parties yet."),
    "summary.network": _(
        "%(share).0f %% of the engagement crosses the local / international line."
    ),
    "summary.network_none": _("No shared interaction in the window yet."),
    "summary.schedule": _(
        "%(ok)d of %(n)d open commitments expected on time (forecast in whole working days)."
    ),
    "summary.schedule_continuous": _(
        "%(ok)d of %(n)d open commitments expected on time (forecast in continuous working days)."
    ),
    "summary.schedule_none": _("No commitment to forecast."),
    "summary.schedule_no_due": _("No open commitment with a due date."),
    "summary.warnings": _("%(n)d warnings raised by the rules."),
    "summary.maturity": _("Stage: %(stage)s."),
    "summary.salience": _("%(n)d key parties."),
}

# What a maturity criterion still needs (``parties``: the parties it concerns).
MISSING = {
    "missing.signatories": _("record the signatory parties"),
    "missing.expectations_recorded": _("record the expectations of %(parties)s"),
    "missing.signatories_met": _("meet %(parties)s"),
    "missing.promise_keeping": _("deliver commitments on time"),
    "missing.nothing_due_yet": _("no commitment has fallen due yet"),
    "missing.alignment": _("close the widest expectation gaps"),
    "missing.no_shared_topic": _("no topic has expectations from two parties yet"),
    "missing.local_engaged": _("engage %(parties)s"),
    "missing.no_local_party": _("no local party recorded"),
    "missing.crossing_share": _("bring local and international parties to the same table"),
    "missing.regulatory_aligned": _("align the open regulatory requirements"),
    "missing.no_regulatory_requirement": _("no regulatory requirement recorded"),
    "missing.key_pairs_trust": _("build trust between %(pairs)s"),
    "missing.pair": _("%(truster)s → %(trustee)s"),
    "missing.fewer_than_two_key_parties": _("fewer than two key parties"),
    "missing.grievances_on_time": _("answer grievances by their response date"),
}

STAGES = {f"stage.{value}": label for value, label in MaturityStage.choices}

# The maturity criteria by key, and the reasons of a stage change (``analytics.stages``).
CRITERIA = {
    "criterion.signatories": _("at least two signatories recorded"),
    "criterion.expectations_recorded": _("expectations recorded for every signatory"),
    "criterion.signatories_met": _("every signatory met in the last %(days)s days"),
    "criterion.promise_keeping": _("promises kept, recent ones weighing most"),
    "criterion.alignment": _("expectations aligned across parties"),
    "criterion.local_engaged": _("local parties engaged"),
    "criterion.crossing_share": _("engagement crossing the local / international line"),
    "criterion.regulatory_aligned": _("regulatory requirements aligned"),
    "criterion.key_pairs_trust": _("trust both ways between key parties"),
    "criterion.grievances_on_time": _("grievances answered by their response date"),
    "stage.criterion_failed": _("No longer met: %(criterion)s (%(missing)s)"),
    "stage.criterion_holds": _("Now met: %(criterion)s"),
}

register(
    {
        **WARNINGS,
        **ACTIONS,
        **EVIDENCE,
        **ENGINE_LINES,
        **SUMMARIES,
        **SCHEDULE_WORDS,
        **MISSING,
        **STAGES,
        **CRITERIA,
    }
)
