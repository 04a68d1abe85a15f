"""Roles on an agreement."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    COUNSELLOR = "counsellor", _("Counsellor")
    EDITOR = "editor", _("Editor")
    PARTY_REPRESENTATIVE = "party_rep", _("Party representative")
    VIEWER = "viewer", _("Viewer")


# The counsellor team: the roles that see internal items and change the agreement's data.
TEAM_ROLES = (Role.OWNER, Role.COUNSELLOR, Role.EDITOR)


class AuditAction(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Updated")
    DELETE = "delete", _("Deleted")
    STATUS = "status", _("Status changed")


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    CANCELLED = "cancelled", _("Cancelled")
