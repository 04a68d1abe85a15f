from django.urls import path

from alliance.web.views import (
    cockpit,
    counterparts,
    edit,
    parties,
    portfolio,
    pulses,
    search,
    stages,
    work,
)

A = "agreements/<uuid:agreement_id>/"
P = "parties/<uuid:party_id>/"

urlpatterns = [
    path("", portfolio.portfolio, name="portfolio"),
    path("search/", search.search, name="search"),
    # The agreement cockpit: one URL per tab.
    path("agreements/new/", edit.agreement_create, name="agreement_create"),
    path(A, cockpit.overview, name="agreement"),
    path(A + "parties/", cockpit.parties, name="agreement_parties"),
    path(A + "commitments/", work.commitments, name="agreement_commitments"),
    path(A + "interactions/", work.interactions, name="agreement_interactions"),
    path(A + "expectations/", cockpit.expectations, name="agreement_expectations"),
    path(A + "trust/", cockpit.trust, name="agreement_trust"),
    path(A + "trust/why/", cockpit.trust_why, name="trust_why"),
    path(A + "trust/rounds/new/", pulses.round_open, name="pulse_round_open"),
    path(A + "trust/rounds/<uuid:pulse_id>/", pulses.round_detail, name="pulse_round"),
    path(
        A + "trust/rounds/<uuid:pulse_id>/resend/", pulses.round_resend, name="pulse_round_resend"
    ),
    path(
        A + "trust/rounds/<uuid:pulse_id>/extend/", pulses.round_extend, name="pulse_round_extend"
    ),
    path(A + "trust/rounds/<uuid:pulse_id>/close/", pulses.round_close, name="pulse_round_close"),
    # A respondent's personal link (no account needed).
    path("pulse/<str:token>/", pulses.answer, name="pulse_answer"),
    path(A + "risks/", work.risks, name="agreement_risks"),
    path(A + "local-integration/", work.local_integration, name="agreement_local"),
    path(A + "grievances/", work.grievances, name="agreement_grievances"),
    # Drill-downs and actions.
    path(A + "edit/", edit.agreement_edit, name="agreement_edit"),
    path(A + "recompute/", cockpit.recompute, name="agreement_recompute"),
    path(A + "stage/<uuid:change_id>/", stages.stage_change, name="stage_change"),
    path(A + "delete/", edit.agreement_delete, name="agreement_delete"),
    path(A + "before-you-meet/", parties.before_you_meet, name="before_you_meet"),
    path(
        A + "expectations/<uuid:topic_id>/<uuid:party_id>/",
        cockpit.expectation_cell,
        name="expectation_cell",
    ),
    path(A + "commitments/status/", work.commitments_bulk_status, name="commitments_bulk_status"),
    path(A + "commitments/<uuid:commitment_id>/", work.commitment_detail, name="commitment"),
    path(
        A + "commitments/<uuid:commitment_id>/deliveries/<uuid:confirmation_id>/",
        counterparts.delivery_answer,
        name="delivery_answer",
    ),
    path(
        A + "commitments/<uuid:commitment_id>/due-date/",
        counterparts.due_date_propose,
        name="due_date_propose",
    ),
    path(
        A + "commitments/<uuid:commitment_id>/due-date/<uuid:proposal_id>/",
        counterparts.due_date_proposal,
        name="due_date_proposal",
    ),
    path(
        A + "commitments/<uuid:commitment_id>/comments/",
        counterparts.commitment_comment,
        name="commitment_comment",
    ),
    path(A + "interactions/log/", work.interaction_quick_log, name="interaction_quick_log"),
    path(
        A + "grievances/<uuid:grievance_id>/respond/",
        work.grievance_respond,
        name="grievance_respond",
    ),
    # Create, edit, delete anything that hangs from the agreement.
    path(A + "<slug:entity>/new/", edit.agreement_entity_create, name="entity_create"),
    path(A + "<slug:entity>/<uuid:obj_id>/edit/", edit.agreement_entity_edit, name="entity_edit"),
    path(
        A + "<slug:entity>/<uuid:obj_id>/delete/",
        edit.agreement_entity_delete,
        name="entity_delete",
    ),
    # Parties.
    path("parties/new/", edit.party_create, name="party_create"),
    path(P, parties.party, name="party"),
    path(P + "edit/", edit.party_edit, name="party_edit"),
    path(P + "delete/", edit.party_delete, name="party_delete"),
    path(P + "<slug:entity>/new/", edit.party_entity_create, name="party_entity_create"),
    path(P + "<slug:entity>/<uuid:obj_id>/edit/", edit.party_entity_edit, name="party_entity_edit"),
    path(
        P + "<slug:entity>/<uuid:obj_id>/delete/",
        edit.party_entity_delete,
        name="party_entity_delete",
    ),
]
