"""On the demo, every page that shows how many commitments are overdue and how many
grievances are unanswered past their response date shows the same numbers, for every reader:
the overview's tiles, the rules panel, the portfolio (its row and its summary line), the
agreement brief (its counts line and its rating's "x of n overdue", in HTML and in the PDF),
the party briefs' "(n overdue)", the grievance register's filter and the inbox — all taken on
one day from ``alliance.attention.counts``, which is itself checked against the rows."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.db.models import Q
from django.test import Client
from django.urls import reverse
from lxml import html as lxml_html

from alliance.accounts import policy
from alliance.accounts.choices import Role
from alliance.attention import counts as attention
from alliance.briefings.tests import pdf_pages
from alliance.core import clock
from alliance.engagement.models import Grievance
from alliance.partnerships.models import Commitment, Party
from alliance.scenarios.demo import TODAY
from alliance.web.templatetags.alliance import rule_label

pytestmark = pytest.mark.django_db

# The counsellor team, a party representative (in all three agreements) and a viewer.
READERS = ("claire", "samuel", "paul", "anna", "elise")


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock(), transaction.atomic(), clock.frozen(TODAY):
        call_command("demo_load", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


def _tree(client: Client, url: str, **params: str) -> Any:
    response = client.get(url, params)
    assert response.status_code == 200, url
    return lxml_html.fromstring(response.content.decode())


def _text(node: Any) -> str:
    return " ".join(node.text_content().split())


def _number(pattern: str, text: str) -> int:
    """The number before ``pattern`` in ``text`` (0 when the phrase is absent: pages leave
    out a zero)."""
    found = re.search(r"(\d+) " + pattern, text)
    return int(found.group(1)) if found else 0


def _overview(client: Client, agreement: Any) -> tuple[int, int]:
    tree = _tree(client, reverse("agreement", args=[agreement.uuid]))
    tiles = tree.xpath('//ul[contains(@class, "kpis")]')[0]
    overdue = tiles.xpath('.//a[contains(@href, "?due=overdue")]//span[@class="kpi"]')[0]
    grievances = tiles.xpath('.//a[contains(@href, "/grievances/")]')[0]
    return int(overdue.text), _number("unanswered past due", _text(grievances))


def _rules_panel(client: Client, agreement: Any) -> tuple[int, int]:
    tree = _tree(client, reverse("agreement", args=[agreement.uuid]))
    panel = tree.xpath('//section[contains(@class, "insight-warnings")]')[0]
    by_rule = {}
    for item in panel.xpath(".//li"):
        badge = item.xpath('.//span[contains(@class, "badge")]')[0]
        by_rule[_text(item).removesuffix(badge.text).strip()] = int(badge.text)
    return (
        by_rule.get(rule_label("overdue_commitment"), 0),
        by_rule.get(rule_label("grievance_response_overdue"), 0),
    )


def _portfolio(client: Client) -> tuple[dict[str, int], Any]:
    tree = _tree(client, reverse("portfolio"))
    rows = {}
    for row in tree.xpath('//table[contains(@class, "portfolio")]/tbody/tr'):
        link = row.xpath(".//th//a/@href")[0]
        cell = row.xpath('.//td[contains(@class, "overdue-cell")]')[0]
        rows[link] = int(cell.get("data-count"))
    summary = tree.xpath('//p[@class="attention-summary"]')[0]
    return rows, summary


def _brief(client: Client, agreement: Any) -> tuple[int, int]:
    tree = _tree(client, reverse("agreement_brief", args=[agreement.uuid]))
    line = next(
        _text(p) for p in tree.xpath("//p") if "unanswered past due" in _text(p) and "·" in _text(p)
    )
    return _number("commitments? overdue", line), _number("grievances? unanswered past due", line)


RATING_OVERDUE = r"(\d+) of (\d+) open dated commitments? overdue"
RATING_OVERDUE_WRAPPED = r"(\d+) of (\d+) open dated commitments?\b(?=.{0,200}\boverdue\.)"


def _brief_rating(client: Client, agreement: Any) -> tuple[int, int]:
    """The implementation rating's "x of n open dated commitments overdue" on the brief."""
    text = _text(_tree(client, reverse("agreement_brief", args=[agreement.uuid])))
    found = re.search(RATING_OVERDUE, text)
    assert found, f"no 'x of n overdue' on the brief of {agreement.reference}"
    return int(found.group(1)), int(found.group(2))


def _brief_pdf(client: Client, agreement: Any) -> tuple[int, int, int]:
    """The PDF brief's counts line and rating: (overdue, overdue of the rating, open)."""
    response = client.get(reverse("agreement_brief_pdf", args=[agreement.uuid]))
    assert response.status_code == 200
    text = " ".join(pdf_pages.text(response.content).split())
    # The rating sits in a table cell beside "What is asked of you": when its sentence wraps,
    # pdftotext may put the next column's words before the cell's last word ("overdue").
    rating = re.search(RATING_OVERDUE, text) or re.search(RATING_OVERDUE_WRAPPED, text)
    assert rating, f"no 'x of n overdue' in the PDF brief of {agreement.reference}"
    line = re.search(r"(\d+) commitments? overdue ·", text)
    assert line, f"no counts line in the PDF brief of {agreement.reference}"
    return int(line.group(1)), int(rating.group(1)), int(rating.group(2))


PARTY_OVERDUE = (
    r"open commitments? owed to them \((\d+) overdue\); \d+ owed by them \((\d+) overdue\)"
)


def _party_brief(client: Client, agreement: Any, party: Party, pdf: bool = False) -> tuple:
    """The party brief's bottom line: (overdue owed to the party, overdue owed by it)."""
    url = reverse("party_brief_pdf" if pdf else "party_brief", args=[agreement.uuid, party.uuid])
    response = client.get(url)
    assert response.status_code == 200, url
    if pdf:
        text = " ".join(pdf_pages.text(response.content).split())
    else:
        text = _text(lxml_html.fromstring(response.content.decode()))
    found = re.search(PARTY_OVERDUE, text)
    assert found, f"no '(n overdue)' on the brief of {party} in {agreement.reference}"
    return int(found.group(1)), int(found.group(2))


def _party_expected(user: Any, agreement: Any, party: Party) -> tuple[int, int]:
    """Overdue commitments owed to and by ``party``, as the counts define overdue, among what
    ``user`` sees; a representative's brief is about what their party and this one owe each
    other."""
    member = policy.role_on(user, agreement.pk)
    rep = member is not None and member.role == Role.PARTY_REPRESENTATIVE
    mine = member.party_id if rep and member.party_id != party.pk else None
    overdue = (
        policy.commitments_visible_to(user)
        .filter(agreement=agreement)
        .filter(attention.overdue_commitment_q(TODAY))
    )
    to_them = overdue.filter(owed_to=party).exclude(owed_by=party)
    by_them = overdue.filter(owed_by=party)
    if mine is not None:
        to_them = to_them.filter(owed_by_id=mine)
        by_them = by_them.filter(owed_to__pk=mine)
    return to_them.distinct().count(), by_them.distinct().count()


def _register(client: Client, agreement: Any) -> int:
    tree = _tree(client, reverse("agreement_grievances", args=[agreement.uuid]), overdue="on")
    return _number("grievances?", _text(tree.xpath("//table//caption")[0]))


def _inbox(client: Client) -> dict[tuple[str, str], int]:
    """Items of the reader's inbox page by (kind, agreement uuid)."""
    found: dict[tuple[str, str], int] = {}
    for item in _tree(client, reverse("inbox")).xpath('//li[contains(@class, "inbox-item")]'):
        key = (item.get("data-kind"), item.get("data-agreement"))
        found[key] = found.get(key, 0) + 1
    return found


def _from_rows(agreement: Any) -> tuple[int, int]:
    """The same two numbers counted by hand from the rows, without the selector."""
    overdue = sum(
        1
        for c in Commitment.objects.filter(agreement=agreement)
        if c.status in ("planned", "in_progress", "late") and c.due_on < TODAY
    )
    unanswered = sum(
        1
        for g in Grievance.objects.filter(agreement=agreement)
        if g.responded_on is None and g.resolved_on is None and g.response_due_on < TODAY
    )
    return overdue, unanswered


def test_every_page_shows_the_same_overdue_and_unanswered_counts(demo: None) -> None:
    seen_overdue = seen_grievances = 0
    with clock.frozen(TODAY):
        for username in READERS:
            user = get_user_model().objects.get(username=username)
            client = Client()
            client.force_login(user)
            rows, summary = _portfolio(client)
            inbox = _inbox(client)
            total = attention.AttentionCounts()
            agreements = list(policy.agreements_visible_to(user))
            assert agreements, username
            for agreement in agreements:
                counts = attention.attention_counts(user, agreement, TODAY)
                total = total + counts
                expected = (counts.overdue, counts.overdue_grievances)
                where = f"{username} on {agreement.reference}"
                assert _from_rows(agreement) == expected, where
                assert _overview(client, agreement) == expected, where
                assert _rules_panel(client, agreement) == expected, where
                assert _brief(client, agreement) == expected, where
                assert _register(client, agreement) == counts.overdue_grievances, where
                assert rows[reverse("agreement", args=[agreement.uuid])] == counts.overdue, where
                if policy.role_on(user, agreement.pk).role != "party_rep":
                    # A representative's inbox lists only what concerns their party.
                    listed = tuple(
                        inbox.get((kind, str(agreement.uuid)), 0)
                        for kind in ("overdue", "grievance")
                    )
                    assert listed == expected, where
                seen_overdue += counts.overdue
                seen_grievances += counts.overdue_grievances
            assert int(summary.get("data-overdue")) == total.overdue, username
            assert int(summary.get("data-overdue-grievances")) == total.overdue_grievances
            assert f"{total.overdue} commitment" in _text(summary), username
    # The demo has both, so the comparison above compared something.
    assert seen_overdue and seen_grievances


def test_the_briefs_count_overdue_as_every_page(demo: None) -> None:
    """The agreement brief's rating says "x of n overdue" with the pages' x and n (not the
    schedule snapshot's, which counted a disputed commitment), in HTML and in the PDF; each
    party brief's "(n overdue)" counts what the pages count (a disputed one is not)."""
    compared = disputed_past_due = 0
    with clock.frozen(TODAY):
        for username in ("samuel", "paul"):
            user = get_user_model().objects.get(username=username)
            client = Client()
            client.force_login(user)
            for agreement in policy.agreements_visible_to(user):
                counts = attention.attention_counts(user, agreement, TODAY)
                where = f"{username} on {agreement.reference}"
                assert _brief_rating(client, agreement) == (
                    counts.overdue,
                    counts.open_commitments,
                ), where
                parties = Party.objects.filter(participations__agreement=agreement).distinct()
                for party in parties:
                    expected = _party_expected(user, agreement, party)
                    assert _party_brief(client, agreement, party) == expected, (where, party)
                    compared += sum(expected)
                disputed_past_due += (
                    Commitment.objects.filter(agreement=agreement, status="disputed")
                    .filter(Q(due_on__lt=TODAY))
                    .count()
                )
        # The PDFs (slower): the counsellor's, for the agreement with most overdue.
        user = get_user_model().objects.get(username="samuel")
        client = Client()
        client.force_login(user)
        rows = attention.with_attention(policy.agreements_visible_to(user), user, TODAY)
        agreement = rows.order_by("-overdue_commitments").first()
        counts = attention.attention_counts(user, agreement, TODAY)
        assert _brief_pdf(client, agreement) == (
            counts.overdue,
            counts.overdue,
            counts.open_commitments,
        )
        party = max(
            Party.objects.filter(participations__agreement=agreement).distinct(),
            key=lambda p: sum(_party_expected(user, agreement, p)),
        )
        expected = _party_expected(user, agreement, party)
        assert sum(expected)
        assert _party_brief(client, agreement, party, pdf=True) == expected
    # Something overdue was compared, and the demo has a disputed commitment past its due
    # date (the one the snapshot's count and the old party count took as overdue).
    assert compared and disputed_past_due


def test_one_agreements_counts_are_the_portfolios_row(demo: None) -> None:
    """``attention_counts`` (three small queries, for one agreement) and ``with_attention``
    (one annotated query, for the portfolio) count the same things for every user of the
    demo, on every agreement they see, and on days around the demo's today."""
    from datetime import timedelta

    compared = 0
    for user in get_user_model().objects.filter(is_active=True):
        for day in (TODAY - timedelta(days=40), TODAY, TODAY + timedelta(days=9)):
            rows = attention.with_attention(policy.agreements_visible_to(user), user, day)
            for row in rows:
                assert attention.attention_counts(user, row, day) == attention.counts_of(row), (
                    user.username,
                    row.reference,
                    day,
                )
                compared += 1
    assert compared > 20
