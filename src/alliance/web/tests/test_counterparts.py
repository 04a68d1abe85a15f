"""Both sides of a commitment on its pages: the party owed answers a declared delivery."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse

from alliance.accounts.models import AuditEvent
from alliance.web.tests.conftest import client_for
from alliance.web.tests.routes import _delivery


def _urls(world):
    delivery = _delivery(world)
    a, c = world.agreement.uuid, delivery.commitment.uuid
    return (
        delivery,
        reverse("commitment", args=[a, c]),
        reverse("delivery_answer", args=[a, c, delivery.uuid]),
    )


def test_the_party_owed_is_offered_the_answer_and_the_owing_party_sees_it_waiting(world, data):
    delivery, page, answer = _urls(world)
    owed = client_for(world.rep_y).get(page).content.decode()
    assert "Confirmation by the parties owed" in owed
    assert "Confirm or contest" in owed and answer in owed
    owing = client_for(world.rep_x).get(page).content.decode()
    assert "Waiting for confirmation" in owing and "Confirm or contest" not in owing
    form = client_for(world.rep_x).get(answer)
    assert form.status_code == 200 and form.context["form"] is None
    # Posting an answer for another party is refused as if the page had no form.
    refused = client_for(world.rep_x).post(answer, {"answer": "confirm", "on": "2020-01-01"})
    assert refused.status_code == 404
    delivery.refresh_from_db()
    assert delivery.status == "pending"


def test_confirming_from_the_page(world, data):
    delivery, page, answer = _urls(world)
    client = client_for(world.rep_y)
    today = delivery.delivery.happened_on.isoformat()
    response = client.post(answer, {"answer": "confirm", "on": today})
    assert response.status_code == 302 and response["Location"] == page
    delivery.refresh_from_db()
    assert (delivery.status, delivery.answered_by) == ("confirmed", world.rep_y)
    assert AuditEvent.objects.filter(object_id=str(delivery.uuid), action="status").exists()
    # Answered: no form any more, for anyone.
    assert client_for(world.counsellor).get(answer).context["form"] is None


def test_a_contest_without_a_reason_keeps_what_was_typed_and_names_the_field(world, data):
    delivery, page, answer = _urls(world)
    client = client_for(world.rep_y)
    today = delivery.delivery.happened_on.isoformat()
    response = client.post(answer, {"answer": "contest", "reason": " ", "on": today})
    assert response.status_code == 200
    assert "Say why the delivery is contested." in response.content.decode()
    assert response.context["form"]["answer"].value() == "contest"
    response = client.post(
        answer, {"answer": "contest", "reason": "Gazette issue not published", "on": today}
    )
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == "contested"
    # The owing side reads the contest and its reason; the commitment is open again.
    owing = client_for(world.rep_x).get(page).content.decode()
    assert "Gazette issue not published" in owing and "Contested" in owing
    delivery.commitment.refresh_from_db()
    assert delivery.commitment.status in ("in_progress", "late")


# ----- renegotiation -----


def test_the_owing_party_proposes_and_the_party_owed_accepts_from_the_pages(world, data):
    a, c = world.agreement.uuid, data.commitment_x  # owed by X to Y
    page = reverse("commitment", args=[a, c.uuid])
    assert "Propose a new due date" in client_for(world.rep_x).get(page).content.decode()
    assert "Propose a new due date" not in client_for(world.viewer).get(page).content.decode()
    propose = reverse("due_date_propose", args=[a, c.uuid])
    new_due = (c.due_on + timedelta(days=21)).isoformat()
    # Without a reason: refused, with the date kept in the form.
    response = client_for(world.rep_x).post(propose, {"to_due_on": new_due, "reason": ""})
    assert response.status_code == 200 and response.context["form"]["to_due_on"].value() == new_due
    response = client_for(world.rep_x).post(
        propose, {"to_due_on": new_due, "reason": "Elections: the office is closed."}
    )
    assert response.status_code == 302
    proposal = c.due_date_proposals.get()
    url = reverse("due_date_proposal", args=[a, c.uuid, proposal.uuid])
    owed = client_for(world.rep_y).get(page).content.decode()
    assert "Accept or refuse" in owed and "Elections: the office is closed." not in owed
    detail = client_for(world.rep_y).get(url)
    assert "Elections: the office is closed." in detail.content.decode()
    (answer, _form) = detail.context["answer_forms"][0]
    # The proposing side has nothing to answer and cannot post an answer.
    assert client_for(world.rep_x).get(url).context["answer_forms"] == []
    refused = client_for(world.rep_x).post(url, {"answer": answer.uuid, "decision": "accept"})
    assert refused.status_code == 404
    response = client_for(world.rep_y).post(url, {"answer": answer.uuid, "decision": "accept"})
    assert response.status_code == 302
    c.refresh_from_db()
    assert c.due_on.isoformat() == new_due
    history = client_for(world.viewer).get(page).content.decode()
    assert "History of the due date" in history and "Renegotiated at the request of" in history


def test_the_team_writes_for_a_party_and_may_withdraw(world, data):
    a, c = world.agreement.uuid, data.commitment_y  # owed by Y to X
    propose = reverse("due_date_propose", args=[a, c.uuid])
    form = client_for(world.counsellor).get(propose).context["form"]
    assert {p.name for p in form.fields["party"].queryset} == {
        world.party_x.name,
        world.party_y.name,
    }
    response = client_for(world.counsellor).post(
        propose,
        {
            "to_due_on": (c.due_on + timedelta(days=10)).isoformat(),
            "reason": "Board date moved.",
            "party": world.party_y.uuid,
        },
    )
    assert response.status_code == 302
    proposal = c.due_date_proposals.get()
    assert proposal.party == world.party_y
    url = reverse("due_date_proposal", args=[a, c.uuid, proposal.uuid])
    assert client_for(world.rep_x).post(url, {"withdraw": "1"}).status_code == 404
    assert client_for(world.rep_y).post(url, {"withdraw": "1"}).status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == "withdrawn"


# ----- comments -----


def test_comments_on_the_commitment_page_follow_their_tier(world, data):
    a, c = world.agreement.uuid, data.commitment_x
    page = reverse("commitment", args=[a, c.uuid])
    post = reverse("commitment_comment", args=[a, c.uuid])
    rep_form = client_for(world.rep_y).get(page).context["comment_form"]
    assert "confidentiality" not in rep_form.fields  # a party writes to the parties
    assert client_for(world.rep_y).post(post, {"text": "Permit first, please."}).status_code == 302
    response = client_for(world.counsellor).post(
        post, {"text": "Minister on leave until the 20th", "confidentiality": "internal"}
    )
    assert response.status_code == 302
    both = client_for(world.rep_x).get(page).content.decode()
    assert "Permit first, please." in both and "Minister on leave" not in both
    team = client_for(world.editor).get(page).content.decode()
    assert "Permit first, please." in team and "Minister on leave" in team
    viewer = client_for(world.viewer).get(page)
    assert viewer.context["comment_form"] is None
    assert "Permit first, please." not in viewer.content.decode()
    assert client_for(world.viewer).post(post, {"text": "x"}).status_code == 404
    # An empty comment is refused with the field named, nothing written.
    client_for(world.rep_x).post(post, {"text": " "})
    assert c.comments.count() == 2


def test_a_confirmed_delivery_raises_the_pair_and_its_why_says_so(world, data):
    from alliance.analytics.services import insights_recompute

    delivery, _page, answer = _urls(world)
    a, x, y = world.agreement.uuid, world.party_x.uuid, world.party_y.uuid
    why = reverse("trust_why", args=[a]) + f"?truster={y}&trustee={x}"

    def y_trusts_x():
        insights_recompute(actor=None, agreement=world.agreement)
        response = client_for(world.rep_y).get(why)
        assert response.status_code == 200
        return response.context["pair"]["index"], response.content.decode()

    before, html = y_trusts_x()
    assert "Publish the tariff decree delivered on time, not confirmed by the party owed" in html
    on = delivery.delivery.happened_on.isoformat()
    assert client_for(world.rep_y).post(answer, {"answer": "confirm", "on": on}).status_code == 302
    after, html = y_trusts_x()
    assert "Publish the tariff decree delivered on time, confirmed by the party owed" in html
    assert after > before


# ----- the inbox -----


def test_the_inbox_lists_what_each_party_is_asked(world, data):
    from alliance.attention.selectors import inbox
    from alliance.web.tests.routes import _proposal

    delivery, _page, answer = _urls(world)
    proposal = _proposal(world, data)  # Y asks X for a new date on what Y owes X
    today = delivery.delivery.happened_on

    def kinds(user, day=today):
        return {(i.kind, i.action_url) for i in inbox(user, day).items}

    proposal_url = reverse(
        "due_date_proposal", args=[world.agreement.uuid, data.commitment_y.uuid, proposal.uuid]
    )
    assert ("delivery", answer) in kinds(world.rep_y)
    assert ("due-date", proposal_url) not in kinds(world.rep_y)
    assert ("due-date", proposal_url) in kinds(world.rep_x)
    assert ("delivery", answer) not in kinds(world.rep_x)
    # The team chases a delivery once it has waited a week; viewers are asked nothing.
    assert ("delivery", answer) not in kinds(world.counsellor)
    assert ("delivery", answer) in kinds(world.counsellor, today + timedelta(days=8))
    assert not {k for k, _url in kinds(world.viewer)} & {"delivery", "due-date"}
