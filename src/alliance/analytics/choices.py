"""Fixed vocabularies of the analytics app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SnapshotKind(models.TextChoices):
    """One stored result per model; the cockpit reads them by these names."""

    MATURITY = "maturity", _("Maturity")
    TRUST = "trust", _("Trust")
    WARNINGS = "warnings", _("Early warnings")
    SCHEDULE = "schedule", _("Schedule risk")
    ALIGNMENT = "alignment", _("Alignment of expectations")
    NETWORK = "network", _("Engagement network")
    SALIENCE = "salience", _("Salience")


class History(models.TextChoices):
    """How far apart the dated snapshots of a history are."""

    QUARTERLY = "quarterly", _("Quarterly")
    MONTHLY = "monthly", _("Monthly")


class StageChangeStatus(models.TextChoices):
    """Where a change of an agreement's recorded stage stands."""

    APPLIED = "applied", _("Applied")
    PENDING = "pending", _("Waiting for confirmation")
    DISMISSED = "dismissed", _("Dismissed by the team")
    WITHDRAWN = "withdrawn", _("Withdrawn: the criteria hold again")


class StageChangeCause(models.TextChoices):
    """What moved (or proposes to move) the stage."""

    FIRST = "first", _("First assessment")
    CRITERIA = "criteria", _("The criteria computed from the data")
    SUSTAINED = "sustained", _("Criteria failed for the whole waiting period")
    CONFIRMED = "confirmed", _("Confirmed by the team")
