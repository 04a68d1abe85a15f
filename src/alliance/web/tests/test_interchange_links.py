"""Import, export and the calendar feed are reached from the agreement's page, and they name
what they hold in words, in the reader's language."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_agreement_page_links_export_for_members_and_import_for_the_team(world):
    export = reverse("interchange:export", args=[world.agreement.uuid])
    import_ = reverse("interchange:import") + f"?agreement={world.agreement.uuid}"
    page = reverse("agreement", args=[world.agreement.uuid])
    for actor in (world.counsellor, world.rep_x, world.viewer):
        html = _client(actor).get(page).content.decode()
        assert export in html
        assert (import_.replace("&", "&amp;") in html) is (actor == world.counsellor)


def test_export_and_import_name_each_list_in_words(world):
    client = _client(world.counsellor)
    export = client.get(reverse("interchange:export", args=[world.agreement.uuid]))
    assert ("trust_responses", "Trust responses") in export.context["entities"]
    assert ">Trust responses</a>" in export.content.decode()
    french = client.get(
        reverse("interchange:export", args=[world.agreement.uuid]),
        headers={"accept-language": "fr"},
    ).content.decode()
    assert ">Trust responses</a>" not in french and ">Parties</a>" in french
    started = client.get(reverse("interchange:import"), {"agreement": str(world.agreement.uuid)})
    assert started.context["form"]["agreement"].value() == str(world.agreement.uuid)
    assert ">Regulatory requirements <span" in started.content.decode()
