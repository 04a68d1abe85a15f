"""Fixed vocabularies of the engagement domain."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class InteractionKind(models.TextChoices):
    MEETING = "meeting", _("Meeting")
    CALL = "call", _("Call")
    LETTER = "letter", _("Letter")
    SITE_VISIT = "site_visit", _("Site visit")
    WORKSHOP = "workshop", _("Workshop")


class Tone(models.IntegerChoices):
    HOSTILE = -2, _("Hostile")
    TENSE = -1, _("Tense")
    NEUTRAL = 0, _("Neutral")
    CORDIAL = 1, _("Cordial")
    WARM = 2, _("Warm")


class Priority(models.IntegerChoices):
    LOW = 1, _("Low")
    MODERATE = 2, _("Moderate")
    HIGH = 3, _("High")
    CRITICAL = 4, _("Critical")


class GrievanceChannel(models.TextChoices):
    HOTLINE = "hotline", _("Hotline")
    MEETING = "meeting", _("Community meeting")
    LETTER = "letter", _("Letter")
    EMAIL = "email", _("E-mail")
    INTERMEDIARY = "intermediary", _("Through an intermediary")


class GrievanceCategory(models.TextChoices):
    LAND = "land", _("Land and resettlement")
    EMPLOYMENT = "employment", _("Employment")
    ENVIRONMENT = "environment", _("Environment")
    SAFETY = "safety", _("Health and safety")
    COMPENSATION = "compensation", _("Compensation")
    OTHER = "other", _("Other")


class GrievanceStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    ANSWERED = "answered", _("Answered")
    RESOLVED = "resolved", _("Resolved")
    REJECTED = "rejected", _("Rejected")


LANGUAGE_CHOICES = [
    ("fr", _("French")),
    ("en", _("English")),
    ("de", _("German")),
    ("es", _("Spanish")),
    ("pt", _("Portuguese")),
    ("ar", _("Arabic")),
]
TRUST_DIMENSIONS = ("ability", "benevolence", "integrity", "predictability", "communication")
# Who reads the comment a respondent leaves with a pulse: the counsellor team only, or also the
# parties (never with the respondent's name).
COMMENT_CONFIDENTIALITY = [
    ("internal", _("Only the counsellor team")),
    ("shared", _("The parties too, without my name")),
]
