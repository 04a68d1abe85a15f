from django.db import models
from django.utils.translation import gettext_lazy as _


class ItemKind(models.TextChoices):
    """What an inbox item is about (the first part of its key: ``<kind>-<uuid>``)."""

    OVERDUE = "overdue", _("Overdue commitment")
    AT_RISK = "at-risk", _("Commitment at risk")
    GRIEVANCE = "grievance", _("Grievance past its response date")
    WARNING = "warning", _("Early warning")
    PULSE = "pulse", _("Trust pulse to answer")
    DELIVERY = "delivery", _("Delivery to confirm")
    DUE_DATE = "due-date", _("New due date to answer")


# How a party representative is concerned by an item: what their party owes, is owed or is
# asked (a representative's inbox shows nothing else).
class Concern(models.TextChoices):
    OWES = "owes", _("Your party owes")
    OWED = "owed", _("Owed to your party")
    ASKED = "asked", _("Asked of your party")


# A commitment still ahead is "at risk" when the schedule forecast gives it less than this
# chance of being delivered by its due date.
AT_RISK_BELOW = 0.5
# ... and needs action this week (medium) below this one; otherwise it is worth knowing (low).
AT_RISK_MEDIUM_BELOW = 0.25
# A team member sees an open pulse in the inbox from this many days before it closes.
PULSE_CLOSING_DAYS = 7
