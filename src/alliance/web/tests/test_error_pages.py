"""Missing and hidden pages answer the same styled 404."""

import re

from django.urls import reverse

CSRF = re.compile(r'("X-CSRFToken": "|name="csrfmiddlewaretoken" value=")[^"]+')


def test_hidden_and_missing_agreements_give_the_same_page(world, client, settings):
    settings.DEBUG = False
    client.force_login(world.outsider)
    hidden = client.get(reverse("agreement", args=[world.agreement.uuid]))
    missing = client.get("/agreements/00000000-0000-4000-8000-000000000000/")
    assert hidden.status_code == missing.status_code == 404
    assert "Back to the portfolio" in hidden.content.decode()
    # The masked CSRF token differs per response; nothing else may.
    assert CSRF.sub("", hidden.content.decode()) == CSRF.sub("", missing.content.decode())
