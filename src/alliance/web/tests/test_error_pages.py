"""Missing and hidden pages answer the same styled 404."""

import re

from django.urls import reverse

# What differs per response by design: the CSRF token and the Content-Security-Policy nonce.
CSRF = re.compile(r'("X-CSRFToken": "|name="csrfmiddlewaretoken" value="| nonce=")[^"]+')


def test_hidden_and_missing_agreements_give_the_same_page(world, client, settings):
    settings.DEBUG = False
    client.force_login(world.outsider)
    hidden_url = reverse("agreement", args=[world.agreement.uuid])
    missing_url = "/agreements/00000000-0000-4000-8000-000000000000/"
    hidden, missing = client.get(hidden_url), client.get(missing_url)
    assert hidden.status_code == missing.status_code == 404
    assert "Back to the portfolio" in hidden.content.decode()
    # The masked CSRF token and the page's own address differ; nothing else may.
    same_hidden = CSRF.sub("", hidden.content.decode()).replace(hidden_url, "URL")
    same_missing = CSRF.sub("", missing.content.decode()).replace(missing_url, "URL")
    assert same_hidden == same_missing
