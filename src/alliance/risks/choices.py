"""Fixed vocabularies of risks, regulation, local integration and warnings."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RiskCategory(models.TextChoices):
    """The lenders' familiar set (systematic operations risk-rating categories)."""

    POLITICAL = "political", _("Political and governance")
    MACROECONOMIC = "macroeconomic", _("Macroeconomic")
    SECTOR = "sector", _("Sector strategies and policies")
    TECHNICAL = "technical", _("Technical design")
    INSTITUTIONAL = "institutional", _("Institutional capacity")
    FIDUCIARY = "fiduciary", _("Fiduciary")
    ENVIRONMENT_SOCIAL = "environment_social", _("Environment and social")
    STAKEHOLDERS = "stakeholders", _("Stakeholders")
    OTHER = "other", _("Other")


class RiskRating(models.TextChoices):
    LOW = "low", _("Low")
    MODERATE = "moderate", _("Moderate")
    SUBSTANTIAL = "substantial", _("Substantial")
    HIGH = "high", _("High")


class RiskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    MITIGATED = "mitigated", _("Mitigated")
    CLOSED = "closed", _("Closed")


class AlignmentStatus(models.TextChoices):
    NOT_ASSESSED = "not_assessed", _("Not assessed")
    GAP = "gap", _("Gap")
    PARTIAL = "partial", _("Partially aligned")
    ALIGNED = "aligned", _("Aligned")


class IndicatorKind(models.TextChoices):
    LOCAL_HIRES = "local_hires", _("Local hires")
    LOCAL_PROCUREMENT = "local_procurement", _("Local procurement")
    LOCAL_PARTNERS = "local_partners", _("Local partners engaged")
    TRAINING = "training", _("Training")


class Severity(models.TextChoices):
    INFO = "info", _("Information")
    WARNING = "warning", _("Warning")
    CRITICAL = "critical", _("Critical")


class WarningStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    RESOLVED = "resolved", _("Resolved")
