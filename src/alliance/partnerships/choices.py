"""Fixed vocabularies of the partnerships domain (one place, translated labels)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PartyKind(models.TextChoices):
    GOVERNMENT = "government", _("Government / ministry")
    REGULATOR = "regulator", _("Regulator")
    STATE_ENTERPRISE = "state_enterprise", _("State-owned enterprise")
    LOCAL_AUTHORITY = "local_authority", _("Local authority")
    MULTINATIONAL = "multinational", _("Multinational")
    LOCAL_FIRM = "local_firm", _("Local firm")
    LENDER = "lender", _("Lender / development finance institution")
    MULTILATERAL = "multilateral", _("Multilateral")
    NGO = "ngo", _("NGO")
    COMMUNITY = "community", _("Community")


class PartyLevel(models.TextChoices):
    HEADQUARTERS = "headquarters", _("Headquarters")
    FIELD = "field", _("Field")


class AgreementKind(models.TextChoices):
    BILATERAL = "bilateral", _("Bilateral")
    CONCESSION = "concession", _("Concession / PPP")
    LOAN = "loan", _("Loan")
    MOU = "mou", _("Memorandum of understanding")
    CONSORTIUM = "consortium", _("Consortium")


class MaturityStage(models.TextChoices):
    SIGNED = "signed", _("Signed")
    CALIBRATING = "calibrating", _("Calibrating")
    IMPLEMENTING = "implementing", _("Implementing")
    INTEGRATED = "integrated", _("Integrated")
    ALLIANCE = "alliance", _("Alliance")


class ParticipationRole(models.TextChoices):
    SIGNATORY = "signatory", _("Signatory")
    LENDER = "lender", _("Lender")
    CONTRACTOR = "contractor", _("Contractor")
    REGULATOR = "regulator", _("Regulator")
    BENEFICIARY = "beneficiary", _("Beneficiary")
    OBSERVER = "observer", _("Observer")


class CommitmentCategory(models.TextChoices):
    REGULATORY = "regulatory", _("Regulatory")
    FINANCIAL = "financial", _("Financial")
    TECHNICAL = "technical", _("Technical")
    LOCAL_CONTENT = "local_content", _("Local content")
    REPORTING = "reporting", _("Reporting")
    GOVERNANCE = "governance", _("Governance")


class Importance(models.TextChoices):
    """How much a commitment matters to trust, when the team says so (else derived)."""

    MINOR = "minor", _("Minor")
    NORMAL = "normal", _("Normal")
    MAJOR = "major", _("Major")
    CRITICAL = "critical", _("Critical")


class CommitmentStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DELIVERED = "delivered", _("Delivered")
    LATE = "late", _("Late")
    WAIVED = "waived", _("Waived")
    DISPUTED = "disputed", _("Disputed")


OPEN_COMMITMENT_STATUSES = (
    CommitmentStatus.PLANNED,
    CommitmentStatus.IN_PROGRESS,
    CommitmentStatus.LATE,
    CommitmentStatus.DISPUTED,
)
# Open and running late when past due: a disputed commitment is open, but the dispute stops the
# clock (alliance.attention.counts, the briefs' ratings and the trust model agree on this).
RUNNING_COMMITMENT_STATUSES = (
    CommitmentStatus.PLANNED,
    CommitmentStatus.IN_PROGRESS,
    CommitmentStatus.LATE,
)


class DueTrigger(models.TextChoices):
    """What a relative due date counts from ("within 30 days after the effective date")."""

    FIXED = "fixed", _("Fixed date")
    SIGNED = "signed", _("Signature date")
    EFFECTIVE = "effective", _("Effective date")


class Recurrence(models.TextChoices):
    NONE = "none", _("Once")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    SEMIANNUAL = "semiannual", _("Every six months")
    ANNUAL = "annual", _("Yearly")


class ObjectiveSource(models.TextChoices):
    NATIONAL_PLAN = "national_plan", _("National development plan")
    SECTOR_STRATEGY = "sector_strategy", _("Sector strategy")
    SDG = "sdg", _("Sustainable Development Goal target")


class ConfirmationStatus(models.TextChoices):
    """What a party owed a delivery said about it."""

    PENDING = "pending", _("Waiting for confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    CONTESTED = "contested", _("Contested")
    # The delivery was taken back (the commitment reopened) before this party answered.
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ProposalStatus(models.TextChoices):
    """Where a proposed new due date stands."""

    OPEN = "open", _("Waiting for the other parties")
    ACCEPTED = "accepted", _("Accepted")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ProposalAnswer(models.TextChoices):
    PENDING = "pending", _("Not answered yet")
    ACCEPTED = "accepted", _("Accepted")
    REFUSED = "refused", _("Refused")


class CommentVisibility(models.TextChoices):
    """Who reads a comment on a commitment (the confidentiality tiers that apply to it)."""

    SHARED = "shared", _("Shared with the parties of the commitment")
    INTERNAL = "internal", _("Internal to the counsellor team")
