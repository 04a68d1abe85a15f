"""What each page shows and how its filters, tabs and partials behave."""

from __future__ import annotations

from datetime import date

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from alliance.partnerships import services as ps


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_portfolio_lists_counts_and_filters(world, data):
    client = _client(world.owner)
    response = client.get(reverse("portfolio"))
    (row,) = [a for a in response.context["agreements"] if a.pk == world.agreement.pk]
    assert (row.open_commitments, row.overdue_commitments, row.due_soon_commitments) == (2, 1, 1)
    html = response.content.decode()
    assert "Corridor agreement" in html
    assert "not computed yet" in html  # the trust column waits for insight snapshots
    assert "Other agreement" not in html
    overdue = client.get(reverse("portfolio"), {"attention": "overdue"})
    assert [a.pk for a in overdue.context["agreements"]] == [world.agreement.pk]
    none = client.get(reverse("portfolio"), {"stage": "alliance"})
    assert list(none.context["agreements"]) == []
    assert "No agreement matches these filters." in none.content.decode()
    searched = client.get(reverse("portfolio"), {"q": "corridor"})
    assert [a.pk for a in searched.context["agreements"]] == [world.agreement.pk]


def test_a_long_portfolio_shows_a_page_of_rows_and_sums_them_all(world, data, monkeypatch):
    """A reader of thousands of agreements gets the first rows in the order asked, the
    counts of all of them, and a link that adds the next rows with the same filters."""
    import re

    from alliance.web.views import portfolio

    for k in range(4):
        ps.agreement_create(
            actor=world.owner,
            title=f"Lot {k} works",
            kind="mou",
            signed_on=date(2025, 5, k + 1),
            host_country="SN",
        )
    monkeypatch.setattr(portfolio, "PORTFOLIO_PAGE", 2)
    client = _client(world.owner)
    everything = client.get(reverse("portfolio"), {"page": "99"})
    ranked = [a.pk for a in everything.context["agreements"]]
    assert len(ranked) == 5 and everything.context["hidden"] == 0

    def rows(html: str) -> int:
        return len(re.findall(r'<th scope="row">', html))

    first = client.get(reverse("portfolio"))
    html = first.content.decode()
    assert [a.pk for a in first.context["agreements"]] == ranked[:2] and rows(html) == 2
    assert "5 agreements" in html and "The first 2 of 5 are shown." in html
    url = reverse("portfolio")
    assert f'href="{url}?page=2#portfolio-results"' in html and "Show 2 more" in html
    # The counts are those of every agreement, not of the rows shown.
    assert first.context["summary"] == everything.context["summary"]
    second = client.get(reverse("portfolio"), {"page": "2"})
    assert [a.pk for a in second.context["agreements"]] == ranked[:4]
    assert "filtered" not in second.content.decode().split("<caption>")[1].split("</caption>")[0]
    assert "Show 1 more" in second.content.decode()
    # The next page keeps the filters and the order asked.
    titled = client.get(reverse("portfolio"), {"q": "works", "sort": "title"}).content.decode()
    assert "The first 2 of 4 are shown." in titled
    assert f'href="{url}?q=works&amp;sort=title&amp;page=2#portfolio-results"' in titled
    assert [
        rows(client.get(reverse("portfolio"), {"page": p}).content.decode())
        for p in (
            "0",
            "x",
        )
    ] == [2, 2]


def test_portfolio_filter_answers_htmx_with_the_results_only(world, data):
    response = _client(world.owner).get(
        reverse("portfolio"), {"q": "corridor"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert "<html" not in html and "Corridor agreement" in html
    assert "HX-Request" in response["Vary"]


def test_a_tab_is_a_full_page_directly_and_a_partial_for_htmx(world, data):
    client = _client(world.owner)
    url = reverse("agreement_commitments", args=[world.agreement.uuid])
    full = client.get(url).content.decode()
    assert "<html" in full and 'aria-current="page"' in full and "Skip to content" in full
    partial = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in partial
    assert "<title>Commitments · Corridor agreement · Alliance</title>" in partial
    assert 'hx-target="#cockpit"' in partial
    restore = client.get(
        url, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    ).content.decode()
    assert "<html" in restore


def test_commitments_filter_by_party_status_due_window_and_sort(world, data):
    client = _client(world.counsellor)
    url = reverse("agreement_commitments", args=[world.agreement.uuid])

    def titles(**params):
        return [c.title for c in client.get(url, params).context["commitments"]]

    assert titles(owed_by=str(world.party_x.uuid)) == [data.commitment_x.title]
    assert titles(owed_to=str(world.party_x.uuid)) == [data.commitment_y.title]
    assert titles(due="overdue") == [data.commitment_x.title]
    assert titles(due="30") == [data.commitment_y.title]
    assert titles(status="delivered") == []
    assert titles(category="financial") == [data.commitment_y.title]
    assert titles(sort="-due") == [data.commitment_y.title, data.commitment_x.title]
    assert titles(q="permit") == [data.commitment_x.title]


def test_a_disputed_commitment_past_its_due_date_is_marked_but_not_counted_overdue(world, data):
    """The dispute stops the clock (as in the trust model and every count), yet a reader must
    not take a commitment five days past due for one on time."""
    ps.commitment_change_status(actor=world.owner, commitment=data.commitment_x, status="disputed")
    client = _client(world.counsellor)
    url = reverse("agreement_commitments", args=[world.agreement.uuid])
    response = client.get(url, {"due": "open"})
    assert response.context["past_due_in_dispute"] == {data.commitment_x.pk}
    assert response.context["overdue"] == set()
    assert response.context["tally"].overdue == 0
    html = response.content.decode()
    assert html.count("past due, in dispute") == 1
    french = Client(headers={"accept-language": "fr"})
    french.force_login(world.counsellor)
    assert "échue, en litige" in french.get(url, {"due": "open"}).content.decode()


def test_commitments_tab_offers_bulk_change_only_on_what_the_user_may_change(world, data):
    rep = _client(world.rep_x).get(reverse("agreement_commitments", args=[world.agreement.uuid]))
    assert rep.context["changeable"] == {data.commitment_x.pk}
    viewer = _client(world.viewer).get(
        reverse("agreement_commitments", args=[world.agreement.uuid])
    )
    assert viewer.context["changeable"] == set()
    assert "Apply to selected" not in viewer.content.decode()


def test_overview_shows_warnings_evidence_and_what_changed_since_last_visit(world, data):
    client = _client(world.owner)
    url = reverse("agreement", args=[world.agreement.uuid])
    first = client.get(url)
    html = first.content.decode()
    assert "Permit overdue" in html and "Permit due 5 days ago" in html
    assert "Your first visit" in html
    assert "Not computed yet." in html  # maturity criteria, trust index, rule warnings
    ps.commitment_change_status(
        actor=world.owner, commitment=data.commitment_y, status="in_progress"
    )
    again = client.get(url)
    assert [c.obj.commitment for c in again.context["changes"]] == [data.commitment_y]


def test_parties_tab_places_parties_on_the_mendelow_grid(world, data):
    response = _client(world.viewer).get(reverse("agreement_parties", args=[world.agreement.uuid]))
    grid = dict(response.context["grid"])
    placed = {row.participation.party.name for rows in grid.values() for row in rows}
    assert placed == {"Ministry X", "Lender Y"}
    html = response.content.decode()
    assert "Legislative elections" in html  # the next blackout of party X
    assert "Mon – Fri" in html


def test_expectation_cell_shows_statements_side_by_side_and_history(world, data):
    url = reverse(
        "expectation_cell", args=[world.agreement.uuid, data.topic.uuid, world.party_x.uuid]
    )
    response = _client(world.rep_y).get(url, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html
    assert "Sixty percent local by year two" in html  # X's latest
    assert "Thirty percent, rising with training" in html  # Y's, side by side
    assert "Half of the workforce local" in html  # X's earlier position
    assert len(response.context["history"]) == 2


def test_expectation_matrix_marks_each_party_latest_position(world, data):
    response = _client(world.owner).get(
        reverse("agreement_expectations", args=[world.agreement.uuid])
    )
    rows = dict(response.context["matrix"]["rows"])
    cell_x = rows[world.party_x][0]
    assert cell_x.latest == data.expectation and cell_x.versions == 2


def test_trust_tab_shows_pulse_means_to_the_team(world, data):
    response = _client(world.owner).get(reverse("agreement_trust", args=[world.agreement.uuid]))
    trust = response.context["trust"]
    means = {
        (c.respondent_party.name, c.about_party.name): c.mean
        for _a, cells in trust["matrix"]
        for c in cells
        if c is not None
    }
    assert means == {("Ministry X", "Lender Y"): 4.2, ("Lender Y", "Ministry X"): 4.2}
    assert "Not computed yet." in response.content.decode()


def test_risks_tab_shows_the_matrix_and_requirements_by_jurisdiction(world, data):
    response = _client(world.rep_x).get(reverse("agreement_risks", args=[world.agreement.uuid]))
    matrix = dict(response.context["matrix"])
    assert dict(matrix[4])[5] == [data.risk]
    assert [j for j, _items in response.context["requirements"]] == ["SN"]
    assert data.commitment_x.title in response.content.decode()


def test_local_integration_tab_has_a_chart_with_title_units_and_legend(world, data):
    response = _client(world.viewer).get(reverse("agreement_local", args=[world.agreement.uuid]))
    ((_series, plot),) = response.context["plots"]
    assert plot["layout"]["title"]["text"] == "Local hires (%)"
    assert plot["layout"]["yaxis"]["title"]["text"] == "%"
    assert [t["name"] for t in plot["data"]] == ["Actual", "Target"]
    html = response.content.decode()
    assert 'data-plot="plot-' in html
    assert "58 %" in html  # latest actual 35 of a target of 60


def test_grievance_register_flags_overdue_responses(world, data):
    client = _client(world.owner)
    url = reverse("agreement_grievances", args=[world.agreement.uuid])
    html = client.get(url).content.decode()
    assert "G-001" in html and "overdue" in html
    assert [g.reference for g in client.get(url, {"overdue": "on"}).context["grievances"]] == [
        "G-001"
    ]
    assert list(client.get(url, {"status": "resolved"}).context["grievances"]) == []


def test_party_page_shows_rhythm_holidays_people_and_commitments_both_ways(world, data):
    response = _client(world.rep_y).get(reverse("party", args=[world.party_x.uuid]))
    ctx = response.context
    assert [c.pk for c in ctx["owed_by"]] == [data.commitment_x.pk]
    assert [c.pk for c in ctx["owed_to"]] == [data.commitment_y.pk]
    assert ctx["holidays"], "Senegal has public holidays within four months"
    assert all(h.day >= timezone.localdate() for h in ctx["holidays"])
    html = response.content.decode()
    assert "Awa Diop" in html and "Legislative elections" in html


def test_before_you_meet_moved_to_the_party_brief_and_the_old_address_follows(world, data):
    url = reverse("before_you_meet", args=[world.agreement.uuid])
    client = _client(world.counsellor)
    response = client.get(url)
    assert response.status_code == 301
    assert response["Location"] == reverse("party_briefs", args=[world.agreement.uuid])
    response = client.get(url, {"party": str(world.party_x.uuid)})
    assert response["Location"] == reverse(
        "party_brief", args=[world.agreement.uuid, world.party_x.uuid]
    )
    # A party of another agreement, or no party at all: the choice of party.
    for party in (str(world.party_z.uuid), "not-a-uuid"):
        response = client.get(url, {"party": party})
        assert response["Location"] == reverse("party_briefs", args=[world.agreement.uuid])


def test_search_finds_only_what_the_user_may_see(world, data):
    owner = _client(world.owner).get(reverse("search"), {"q": "permit"})
    assert [c.pk for c in owner.context["results"]["commitments"]] == [data.commitment_x.pk]
    assert [i.pk for i in owner.context["results"]["interactions"]] == [data.shared_interaction.pk]
    outsider = _client(world.outsider).get(reverse("search"), {"q": "permit"})
    assert outsider.context["total"] == 0
    rep = _client(world.rep_x).get(reverse("search"), {"q": "minister"})
    assert list(rep.context["results"]["interactions"]) == []
    short = _client(world.owner).get(reverse("search"), {"q": "p"})
    assert "Type at least two characters." in short.content.decode()


def test_dates_and_language_follow_the_chosen_language(world, data):
    client = _client(world.owner)
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    response = client.get(reverse("agreement_commitments", args=[world.agreement.uuid]))
    html = response.content.decode()
    assert '<html lang="fr">' in html
    # One date format per language (web/formats/fr): day, French abbreviated month, year.
    # The fixture's dates move with the day the suite runs.
    months = [
        "janv.",
        "févr.",
        "mars",
        "avr.",
        "mai",
        "juin",
        "juil.",
        "août",
        "sept.",
        "oct.",
        "nov.",
        "déc.",
    ]
    due = data.commitment_x.due_on
    assert f"{due.day} {months[due.month - 1]} {due.year}" in html


def test_translated_text_is_shown_in_the_current_language(world, data):
    world.agreement.translations = {"fr": {"title": "Accord du corridor"}}
    world.agreement.save()
    client = _client(world.owner)
    assert "Corridor agreement" in client.get(reverse("portfolio")).content.decode()
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    assert "Accord du corridor" in client.get(reverse("portfolio")).content.decode()


def test_every_page_says_once_which_day_its_figures_are_taken_on(world):
    from alliance.core import clock

    client = _client(world.owner)
    shown = {"en": "As of 1 Dec. 2026", "fr": "1 déc. 2026", "de": "1. Dez. 2026"}
    with clock.frozen(date(2026, 12, 1)):
        for language, text in shown.items():
            html = client.get(reverse("portfolio"), headers={"accept-language": language})
            assert html.content.decode().count('class="as-of') == 1
            assert text in html.content.decode(), language
