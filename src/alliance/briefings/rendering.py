"""From a brief's data to a document: the template context, the HTML and the PDF
(WeasyPrint: A4, page numbers, the "as of" date and the confidentiality marking on every
page, charts as inline SVG so they stay vector graphics in the PDF)."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Any

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from alliance.briefings import charts
from alliance.briefings.choices import BRIEF_LANGUAGES, Marking
from alliance.briefings.party_data import PartyBrief
from alliance.briefings.party_selectors import party_brief
from alliance.briefings.selectors import AgreementBrief, agreement_brief

MARKING_COLOURS = {
    Marking.SHARED: "#25602a",
    Marking.INTERNAL: "#a4262c",
    Marking.RESTRICTED: "#5b1a8c",
}


def language_or_default(requested: str | None, default: str) -> str:
    """A brief language from a ``lang`` parameter: one of the site's, else ``default``."""
    code = (requested or "").strip().lower()[:2]
    return code if code in BRIEF_LANGUAGES else default[:2]


def brief_languages() -> list[tuple[str, str]]:
    """The languages a brief can be downloaded in, each named in its own language."""
    return [(code, translation.get_language_info(code)["name_local"]) for code in BRIEF_LANGUAGES]


def agreement_context(brief: AgreementBrief) -> dict[str, Any]:
    """What the agreement brief's templates read (in the active language)."""
    trust = brief.trust
    found: dict[str, Any] = {}
    if trust is not None:
        found["trust_trend"] = charts.trust_trend(
            trust.trend,
            threshold=trust.threshold,
            title=_("Trust index month by month, with its %(share)s interval") % {"share": "80 %"},
            threshold_label=_("%(n)d: needed for “Alliance”") % {"n": trust.threshold},
        )
        found["trust_both_ways"] = charts.trust_both_ways(
            [
                (r.party, r.trusted_by_others, r.trusts_others, r.previous_trusted_by_others)
                for r in trust.rows
            ],
            title=_("Trust both ways for the key parties"),
            by_others_label=_("trusted by the others"),
            of_others_label=_("trusts the others"),
            previous_label=_("trusted by the others, previous figure"),
        )
    previous = next((r.rating.as_of for r in brief.ratings if r.previous), None)
    return {
        "brief": brief,
        "charts": found,
        "marking_label": str(Marking(brief.marking).label),
        "previous_as_of": _previous_as_of(brief) or previous,
        "language": brief.language,
    }


def _previous_as_of(brief: AgreementBrief) -> date | None:
    return brief.trust.previous_as_of if brief.trust else None


@lru_cache(maxsize=4)
def _stylesheet(name: str) -> str:
    path = finders.find(name)
    if not path:
        raise FileNotFoundError(name)
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def pdf_bytes(
    body_template: str,
    context: dict[str, Any],
    *,
    title: str,
    running_title: str,
    as_of: date,
    marking: str,
    font_size: str = "8.4pt",
) -> bytes:
    """Render ``body_template`` as an A4 PDF in the active language."""
    from weasyprint import HTML  # imported here: loading pango takes a moment

    document = {
        **context,
        "body_template": body_template,
        "stylesheet": _stylesheet("briefings/brief.css"),
        "document_title": title,
        "running_title": running_title,
        "as_of_line": _("As of %(day)s") % {"day": date_format(as_of, "DATE_FORMAT")},
        "page_word": _("Page"),
        "marking_label": str(Marking(marking).label),
        "marking_colour": MARKING_COLOURS[Marking(marking)],
        "font_size": font_size,
        "language": translation.get_language(),
    }
    html = render_to_string("briefings/pdf/document.html", document)
    return HTML(string=html, url_fetcher=_no_network).write_pdf()


def html_document(body_template: str, context: dict[str, Any], *, title: str) -> str:
    """A standalone HTML file of a brief (the command line's ``--html``)."""
    return render_to_string(
        "briefings/pdf/standalone.html",
        {
            **context,
            "body_template": body_template,
            "stylesheet": _stylesheet("briefings/brief.css"),
            "document_title": title,
            "language": translation.get_language(),
        },
    )


def _no_network(url: str, *args: Any, **kwargs: Any) -> Any:
    """A brief is self-contained: WeasyPrint is never let fetch anything."""
    raise ValueError(f"briefs load nothing from outside the document: {url}")


def agreement_pdf(user: Any, agreement: Any, today: date, language: str) -> bytes:
    """The agreement brief as PDF, in ``language``."""
    with translation.override(language):
        brief = agreement_brief(user, agreement, today)
        context = agreement_context(brief)
        return pdf_bytes(
            "briefings/partials/agreement_body.html",
            context,
            title=f"{_('Agreement brief')} · {brief.title}",
            running_title=f"Alliance · {_('Agreement brief')} · {brief.reference or brief.title}",
            as_of=today,
            marking=brief.marking,
        )


# ----- the party brief ---------------------------------------------------------------------

PARTY_BODY = "briefings/partials/party_body.html"


def party_context(brief: PartyBrief) -> dict[str, Any]:
    """What the party brief's templates read (in the active language)."""
    chart = charts.two_way_trend(
        brief.trust_trend,
        title=_("Trust in %(party)s and of %(party)s, snapshot by snapshot")
        % {"party": brief.party_short},
        by_others_label=_("the others' trust in %(party)s") % {"party": brief.party_short},
        of_others_label=_("%(party)s's trust in the others") % {"party": brief.party_short},
    )
    return {
        "brief": brief,
        "trust_chart": chart,
        "marking_label": str(Marking(brief.marking).label),
        "language": brief.language,
    }


def party_pdf(user: Any, agreement: Any, party: Any, today: date, language: str) -> bytes:
    """The party brief ("before you meet…") as PDF, in ``language``."""
    with translation.override(language):
        brief = party_brief(user, agreement, party, today)
        return pdf_bytes(
            PARTY_BODY,
            party_context(brief),
            title=_("Before you meet %(party)s") % {"party": brief.party_short},
            running_title=f"Alliance · {_('Before you meet')} {brief.party_short} · "
            f"{brief.reference or brief.agreement_title}",
            as_of=today,
            marking=brief.marking,
            font_size="8.2pt",
        )


def party_html(user: Any, agreement: Any, party: Any, today: date, language: str) -> str:
    """The party brief as a standalone HTML file, in ``language``."""
    with translation.override(language):
        brief = party_brief(user, agreement, party, today)
        return html_document(
            PARTY_BODY,
            party_context(brief),
            title=_("Before you meet %(party)s") % {"party": brief.party_short},
        )
