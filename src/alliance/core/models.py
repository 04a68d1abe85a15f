"""Abstract bases shared by the domain models."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def choice_label(choices: type[models.Choices], value: object) -> str:
    """``get_FOO_display()`` without rebuilding the field's choices on every call (it
    showed in imports, where every audit event names its object): the label in the
    active language, or the value itself if it is not a choice."""
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


class Confidentiality(models.TextChoices):
    SHARED = "shared", _("Shared with all members")
    INTERNAL = "internal", _("Internal to the counsellor team")
    RESTRICTED = "restricted", _("Restricted to named users")


class PublicModel(models.Model):
    """A model with a UUID as its public identifier (URLs, API, exports) and a creation time.

    ``created_at`` is a plain field, not ``auto_now_add``, so that imports and the demo
    scenario can record when something really happened.
    """

    uuid = models.UUIDField(_("public identifier"), default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)

    class Meta:
        abstract = True


class Translatable(models.Model):
    """Free text kept in its original language plus translations of chosen fields.

    ``translations`` maps a language code to ``{field: text}``; pages show the current
    language's text where the data has it and the original otherwise.
    """

    translations = models.JSONField(_("translations"), default=dict, blank=True)

    class Meta:
        abstract = True

    def localized(self, field: str, language: str | None = None) -> str:
        """Return ``field`` in ``language`` (default: the active one), else the original."""
        text = self.translations.get(translation_language(language), {}).get(field)
        return text or getattr(self, field)


def translation_language(language: str | None = None) -> str:
    """The key of ``Translatable.translations`` that ``language`` (default: the active one)
    reads: a page that reads a translated field as a column (``translations__fr__title``)
    picks the text :meth:`Translatable.localized` would."""
    return (language or get_language() or "en")[:2]


class ConfidentialModel(models.Model):
    """An object whose text may be shared, internal to the counsellor team, or restricted."""

    confidentiality = models.CharField(
        _("confidentiality"),
        max_length=12,
        choices=Confidentiality.choices,
        default=Confidentiality.SHARED,
        db_index=True,
    )
    restricted_to = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="+",
        verbose_name=_("restricted to"),
        help_text=_("Only these users see the item when it is restricted."),
    )

    class Meta:
        abstract = True
