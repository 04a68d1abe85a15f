"""What Alliance sends by e-mail, and how a message stands in the outbox."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    """The kinds of e-mail a user may choose to receive (all, by default)."""

    REMINDER = "reminder", _("Reminders before a due date")
    OVERDUE = "overdue", _("Overdue commitments")
    ESCALATION = "escalation", _("Escalations to the agreement's owner")
    CONFIRMATION = "confirmation", _("Deliveries waiting for your confirmation")
    DIGEST = "digest", _("Weekly digest")
    PULSE = "pulse", _("Trust pulse invitations and reminders")


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    # The worker stopped between handing the message to the mail server and recording it:
    # it may or may not have left, so it is not sent again (never twice) but shown for a
    # person to check.
    UNCONFIRMED = "unconfirmed", _("Unconfirmed (the worker stopped while sending)")


class Job(models.TextChoices):
    """Periodic jobs run by the scheduler on the task worker."""

    INSIGHTS = "insights", _("Daily recompute and early warnings")
    REMINDERS = "reminders", _("Reminders, overdue notices and escalations")
    CONFIRMATIONS = "confirmations", _("Deliveries waiting for confirmation")
    DIGEST = "digest", _("Weekly digest")
    PULSES = "pulses", _("Trust pulse invitations and reminders")
