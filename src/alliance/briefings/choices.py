"""The brief's vocabularies: the rating scales, the evidence states, the markings and the kinds
of a counsellor's own points."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SixPoint(models.TextChoices):
    """The six-point scale lenders rate progress and implementation on, best first."""

    HIGHLY_SATISFACTORY = "highly_satisfactory", _("Highly satisfactory")
    SATISFACTORY = "satisfactory", _("Satisfactory")
    MODERATELY_SATISFACTORY = "moderately_satisfactory", _("Moderately satisfactory")
    MODERATELY_UNSATISFACTORY = "moderately_unsatisfactory", _("Moderately unsatisfactory")
    UNSATISFACTORY = "unsatisfactory", _("Unsatisfactory")
    HIGHLY_UNSATISFACTORY = "highly_unsatisfactory", _("Highly unsatisfactory")


class RiskLevel(models.TextChoices):
    """The four-point overall risk, lowest first (the same words as a risk's rating)."""

    LOW = "low", pgettext_lazy("risk", "Low")
    MODERATE = "moderate", pgettext_lazy("risk", "Moderate")
    SUBSTANTIAL = "substantial", pgettext_lazy("risk", "Substantial")
    HIGH = "high", pgettext_lazy("risk", "High")


class EvidenceState(models.TextChoices):
    """How far a figure rests on data rather than on the model's starting point."""

    ESTABLISHED = "established", _("established")
    PROVISIONAL = "provisional", _("provisional: little evidence yet")
    INSUFFICIENT = "insufficient", _("not enough evidence")


class Marking(models.TextChoices):
    """The confidentiality marking printed on every page: the most confidential item in it."""

    SHARED = "shared", _("Shared with the parties of the agreement")
    INTERNAL = "internal", _("Internal — counsellor team only")
    RESTRICTED = "restricted", _("Restricted — named readers only")


MARKING_ORDER = (Marking.SHARED, Marking.INTERNAL, Marking.RESTRICTED)


class NoteKind(models.TextChoices):
    """What a counsellor's own point in a party brief is."""

    OUR_OBJECTIVE = "our_objective", _("Our objective")
    THEIR_OBJECTIVE = "their_objective", _("Their objective")
    POINT = "point", _("Point to make")
    ASK = "ask", _("What they will likely ask")


from alliance.briefings.options import BRIEF_LANGUAGES  # noqa: E402

__all__ = [
    "BRIEF_LANGUAGES",
    "MARKING_ORDER",
    "EvidenceState",
    "Marking",
    "NoteKind",
    "RiskLevel",
    "SixPoint",
]
