"""Fixed vocabularies of extraction."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CandidateStatus(models.TextChoices):
    PROPOSED = "proposed", _("To review")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    MERGED = "merged", _("Merged")


class CandidateChange(models.TextChoices):
    """How a candidate compares with the previous run on the same agreement."""

    FIRST = "first", _("First reading")
    ADDED = "added", _("Added")
    ALTERED = "altered", _("Altered")
    UNCHANGED = "unchanged", _("Unchanged")


# Engine keywords → the domain's choices; weekly has no domain recurrence and stays "once"
# for the reviewer to decide (shown on the candidate).
RECURRENCE = {
    None: "none",
    "annual": "annual",
    "semiannual": "semiannual",
    "quarterly": "quarterly",
    "monthly": "monthly",
}
ANCHOR_TRIGGER = {"effective": "effective", "signed": "signed"}
