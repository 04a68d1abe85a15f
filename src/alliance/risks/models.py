"""Risks, regulation, local integration and early warnings."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from alliance.core import messages
from alliance.core.encryption import EncryptedJSONField, EncryptedTextField, seal_short
from alliance.core.models import ConfidentialModel, PublicModel, Translatable
from alliance.partnerships.models import Agreement, Commitment, Party
from alliance.risks import choices

ONE_TO_FIVE = [MinValueValidator(1), MaxValueValidator(5)]


class Risk(PublicModel, Translatable, ConfidentialModel):
    """An uncertainty that could hurt the agreement, rated the way lenders rate them. Shared
    by default; an internal one (a minister may be replaced) is the counsellor team's, a
    restricted one only the named users'."""

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="risks", verbose_name=_("agreement")
    )
    title = models.CharField(_("title"), max_length=300)
    category = models.CharField(_("category"), max_length=20, choices=choices.RiskCategory.choices)
    rating = models.CharField(_("rating"), max_length=12, choices=choices.RiskRating.choices)
    likelihood = models.PositiveSmallIntegerField(_("likelihood"), validators=ONE_TO_FIVE)
    impact = models.PositiveSmallIntegerField(_("impact"), validators=ONE_TO_FIVE)
    owner = models.ForeignKey(
        Party,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="risks_owned",
        verbose_name=_("owner"),
    )
    mitigation = models.TextField(_("mitigation"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=choices.RiskStatus.choices, default="open"
    )
    commitments = models.ManyToManyField(
        Commitment, blank=True, related_name="risks", verbose_name=_("linked commitments")
    )
    # The risk in the schedule forecast (risk-driver method): the chance it occurs, and the
    # working days it then adds to each linked commitment. Without a delay it is not sampled.
    probability = models.FloatField(
        _("probability"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text=_("Chance it occurs, from 0 to 1. Empty: read from the likelihood (1–5)."),
    )
    delay_working_days = models.PositiveIntegerField(
        _("delay if it occurs (working days)"),
        null=True,
        blank=True,
        help_text=_(
            "Working days it adds to each linked commitment when it occurs. Empty: the schedule "
            "forecast leaves it out."
        ),
    )

    class Meta:
        ordering = ["-likelihood", "-impact", "title"]
        verbose_name = _("risk")
        verbose_name_plural = _("risks")
        constraints = [
            models.CheckConstraint(
                condition=Q(likelihood__gte=1, likelihood__lte=5, impact__gte=1, impact__lte=5),
                name="risk_scales_1_5",
            ),
        ]

    def __str__(self) -> str:
        return self.localized("title")


class RegulatoryRequirement(PublicModel, Translatable):
    """A requirement of a law, decree or permit the agreement must be aligned with."""

    agreement = models.ForeignKey(
        Agreement,
        on_delete=models.CASCADE,
        related_name="regulatory_requirements",
        verbose_name=_("agreement"),
    )
    jurisdiction = models.CharField(
        _("jurisdiction"), max_length=10, help_text=_("ISO 3166 code, with subdivision if any.")
    )
    authority = models.ForeignKey(
        Party,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requirements_issued",
        verbose_name=_("authority"),
    )
    instrument = models.CharField(_("instrument"), max_length=200)
    requirement = models.TextField(_("requirement"))
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    alignment_status = models.CharField(
        _("alignment"),
        max_length=14,
        choices=choices.AlignmentStatus.choices,
        default=choices.AlignmentStatus.NOT_ASSESSED,
    )
    commitments = models.ManyToManyField(
        Commitment, blank=True, related_name="requirements", verbose_name=_("linked commitments")
    )

    class Meta:
        ordering = ["jurisdiction", "deadline"]
        verbose_name = _("regulatory requirement")
        verbose_name_plural = _("regulatory requirements")

    def __str__(self) -> str:
        return f"{self.instrument} ({self.jurisdiction})"


class LocalIndicator(PublicModel, Translatable):
    """A local integration target (local hires, procurement, partners, training)."""

    agreement = models.ForeignKey(
        Agreement,
        on_delete=models.CASCADE,
        related_name="local_indicators",
        verbose_name=_("agreement"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=choices.IndicatorKind.choices)
    name = models.CharField(_("name"), max_length=200)
    unit = models.CharField(_("unit"), max_length=40)
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2)
    target_on = models.DateField(_("target date"))

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("local indicator")
        verbose_name_plural = _("local indicators")
        constraints = [
            models.UniqueConstraint(fields=["agreement", "name"], name="indicator_name_unique"),
            models.CheckConstraint(condition=Q(target__gte=0), name="indicator_target_positive"),
        ]

    def __str__(self) -> str:
        return self.localized("name")


class IndicatorObservation(PublicModel):
    """The measured value of a local indicator on a date."""

    indicator = models.ForeignKey(
        LocalIndicator,
        on_delete=models.CASCADE,
        related_name="observations",
        verbose_name=_("indicator"),
    )
    observed_on = models.DateField(_("observed on"))
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        ordering = ["indicator", "observed_on"]
        verbose_name = _("indicator observation")
        verbose_name_plural = _("indicator observations")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "observed_on"], name="one_observation_per_day"
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="observation_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value} ({self.observed_on})"


def warning_headline(message: dict[str, Any], title: str) -> str:
    """:attr:`EarlyWarning.headline` from its two columns (the inbox ranks thousands of
    warnings read as rows, not as models)."""
    return messages.render(message.get("title")) if message else title


class EarlyWarning(PublicModel, ConfidentialModel):
    """A signal that something is drifting, raised by a rule (with a stable key, so running
    the rules again does not duplicate it) or by a person."""

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="warnings", verbose_name=_("agreement")
    )
    key = models.CharField(_("key"), max_length=120)
    rule = models.CharField(_("rule"), max_length=60, blank=True)
    # A person's warning says what and why in words; a rule's stores messages (key and
    # parameters: ``alliance.core.messages``) rendered in the reader's language when shown.
    # A person's words, encrypted at rest like every text a warning's level may restrict.
    title = EncryptedTextField(_("what"), max_length=300, blank=True)
    explanation = EncryptedTextField(_("why"), blank=True)
    message = models.JSONField(
        _("generated text"),
        default=dict,
        blank=True,
        help_text=_("A rule's title and suggested next action, as message keys and parameters."),
    )
    evidence = EncryptedJSONField(_("evidence"), default=list, blank=True)
    severity = models.CharField(_("severity"), max_length=10, choices=choices.Severity.choices)
    status = models.CharField(
        _("status"),
        max_length=14,
        choices=choices.WarningStatus.choices,
        default=choices.WarningStatus.OPEN,
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )
    raised_on = models.DateField(_("raised on"))
    commitment = models.ForeignKey(
        Commitment,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="warnings",
        verbose_name=_("commitment"),
    )

    class Meta:
        ordering = ["status", "-raised_on"]
        verbose_name = _("early warning")
        verbose_name_plural = _("early warnings")
        constraints = [
            models.UniqueConstraint(fields=["agreement", "key"], name="warning_key_unique"),
        ]

    def __str__(self) -> str:
        return self.headline

    def audit_repr(self) -> str:
        """The trail names a person's warning by its words, so encrypted (a rule's title is
        generated from shared data)."""
        return str(self)[:300] if self.message else seal_short(self.title)

    @property
    def headline(self) -> str:
        """What the warning is about, in the reader's language."""
        return warning_headline(self.message, self.title)

    @property
    def next_action(self) -> str:
        """The rule's suggested next step, in the reader's language ("" for a person's)."""
        return messages.render(self.message.get("action")) if self.message else ""

    @property
    def evidence_lines(self) -> list[Any]:
        """The evidence with every generated label rendered in the reader's language."""
        return messages.localized(self.evidence or [])

    def clean(self) -> None:
        if not self.title and not self.message:
            raise ValidationError({"title": _("Say what this warning is about.")})
        if not self.rule and not self.explanation:
            raise ValidationError({"explanation": _("Say why this warning is raised.")})
