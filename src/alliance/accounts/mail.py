"""E-mail from Alliance: every message in plain text and HTML, in the recipient's language.

A message is a template prefix: ``<prefix>_subject.txt``, ``<prefix>_message.txt`` and,
optionally, ``<prefix>_message.html``. Without an HTML template the text is laid out in the
common HTML frame (``accounts/email/frame.html``), so no message goes out as text only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import translation

from alliance.accounts.models import Profile


def language_of(user: Any | None) -> str:
    """The language a user chose (their profile), else the site's default."""
    if user is not None and getattr(user, "pk", None):
        language = Profile.objects.filter(user_id=user.pk).values_list("language", flat=True)
        chosen = language.first()
        if chosen:
            return chosen
    return settings.LANGUAGE_CODE


def render_message(
    template_prefix: str, context: Mapping[str, Any], *, language: str
) -> tuple[str, str, str]:
    """The subject, plain text and HTML of a message, rendered in ``language``."""
    with translation.override(language):
        context = {**context, "LANGUAGE_CODE": language}
        subject = render_to_string(f"{template_prefix}_subject.txt", context)
        subject = " ".join(subject.splitlines()).strip()
        prefix = getattr(settings, "ACCOUNT_EMAIL_SUBJECT_PREFIX", "")
        if prefix and not subject.startswith(prefix):
            subject = prefix + subject
        text = render_to_string(f"{template_prefix}_message.txt", context).strip()
        try:
            html = render_to_string(f"{template_prefix}_message.html", context).strip()
        except TemplateDoesNotExist:
            html = render_to_string(
                "accounts/email/frame.html", {**context, "subject": subject, "text": text}
            ).strip()
    return subject, text, html


def build_message(
    *,
    to: str,
    template_prefix: str,
    context: Mapping[str, Any],
    language: str,
    headers: Mapping[str, str] | None = None,
) -> EmailMultiAlternatives:
    subject, text, html = render_message(template_prefix, context, language=language)
    message = EmailMultiAlternatives(
        subject, text, settings.DEFAULT_FROM_EMAIL, [to], headers=dict(headers or {})
    )
    message.attach_alternative(html, "text/html")
    return message


def send_message(
    *,
    to: str,
    template_prefix: str,
    context: Mapping[str, Any],
    language: str,
    headers: Mapping[str, str] | None = None,
) -> None:
    """Render and send one message now (call it from ``transaction.on_commit``)."""
    build_message(
        to=to, template_prefix=template_prefix, context=context, language=language, headers=headers
    ).send()
