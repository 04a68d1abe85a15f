"""The Content-Security-Policy in a real browser: the pages with charts, the Gantt and the
HTMX forms work under it, and Chromium reports no violation."""

from __future__ import annotations

import os
import shutil

import pytest
from django.urls import reverse

from alliance.testing import CHROMIUM, tally
from alliance.web.tests.data import add_cockpit_data
from alliance.web.tests.test_browser import log_in

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(shutil.which(CHROMIUM) is None, reason="Chromium is not installed"),
]


VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__violations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""


def test_no_page_breaks_the_content_security_policy(page, live_server, transactional_db, world):
    from alliance.analytics.services import insights_recompute

    add_cockpit_data(world)
    insights_recompute(actor=None, agreement=world.agreement)
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text)
            if "Content Security Policy" in message.text or "strict CSP" in message.text
            else None
        ),
    )
    page.on("pageerror", lambda error: violations.append(str(error)))
    page.add_init_script(VIOLATIONS)
    log_in(page, live_server, world.counsellor)
    pages = [
        reverse(name, args=[world.agreement.uuid])
        for name in (
            "agreement",
            "agreement_trust",
            "agreement_parties",
            "agreement_commitments",
            "agreement_brief",
        )
    ] + [reverse("inbox"), reverse("portfolio"), "/no-such-page/"]
    for path in pages:
        response = page.goto(live_server.url + path)
        tally("csp.page")
        policy = response.headers.get("content-security-policy", "")
        assert (
            "style-src 'self'" in policy
            and "'unsafe-inline'" not in policy.split("style-src-attr")[0]
        ), policy
        page.wait_for_load_state("networkidle")
        violations.extend(page.evaluate("window.__violations"))
    page.goto(live_server.url + reverse("agreement_trust", args=[world.agreement.uuid]))
    page.wait_for_selector(".plot svg.main-svg", timeout=20_000)
    tally("csp.page")
    assert page.evaluate("typeof htmx") == "object"
    # Plotly's own rules apply, from vendor/plotly.css rather than an injected <style>: its
    # layers are stacked (position absolute), and it injected no <style> element of its own.
    assert (
        page.evaluate(
            "getComputedStyle(document.querySelector('.js-plotly-plot .plotly .main-svg')).position"
        )
        == "absolute"
    )
    assert page.evaluate("document.querySelectorAll('style').length") == 0
    violations.extend(page.evaluate("window.__violations"))
    assert violations == []
