"""Parties, agreements and what each party owes the others."""

from __future__ import annotations

from datetime import date as date_type

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from alliance.core.encryption import EncryptedTextField
from alliance.core.models import PublicModel, Translatable, choice_label
from alliance.partnerships import choices

country_code = RegexValidator(r"^[A-Z]{2}$", _("Use a two-letter ISO 3166 country code."))
weekmask_validator = RegexValidator(
    r"^[01]{7}$", _("Seven digits, Monday to Sunday, 1 for a working day (e.g. 1111100).")
)
SALIENCE_VALIDATORS = [MinValueValidator(0), MaxValueValidator(5)]


class Party(PublicModel):
    """An organisation with its own rhythm: how fast it decides and when it works."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=choices.PartyKind.choices)
    country = models.CharField(_("country"), max_length=2, validators=[country_code])
    level = models.CharField(
        _("level"),
        max_length=12,
        choices=choices.PartyLevel.choices,
        default=choices.PartyLevel.HEADQUARTERS,
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent party"),
    )
    decision_cycle_days = models.PositiveSmallIntegerField(
        _("decision cycle (days)"),
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("Typical working days between a request and a decision."),
    )
    approval_steps = models.PositiveSmallIntegerField(
        _("approval steps"), default=2, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    working_week = models.CharField(
        _("working week"), max_length=7, default="1111100", validators=[weekmask_validator]
    )
    holiday_country = models.CharField(
        _("holiday calendar country"), max_length=2, blank=True, validators=[country_code]
    )
    holiday_subdivision = models.CharField(
        _("holiday calendar subdivision"), max_length=10, blank=True
    )
    fiscal_year_start_month = models.PositiveSmallIntegerField(
        _("fiscal year starts (month)"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        constraints = [
            models.CheckConstraint(condition=~Q(parent=F("id")), name="party_not_own_parent"),
        ]

    def __str__(self) -> str:
        return self.short_name or self.name

    def clean(self) -> None:
        if self.parent_id is not None and self.parent_id == self.pk:
            raise ValidationError({"parent": _("A party cannot be its own parent.")})


class BlackoutPeriod(PublicModel):
    """A period when a party decides nothing (elections, budget freeze, holidays season)."""

    party = models.ForeignKey(
        Party, on_delete=models.CASCADE, related_name="blackouts", verbose_name=_("party")
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    reason = models.CharField(_("reason"), max_length=200)

    class Meta:
        ordering = ["starts_on"]
        verbose_name = _("blackout period")
        verbose_name_plural = _("blackout periods")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="blackout_dates_in_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reason} ({self.starts_on} – {self.ends_on})"

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The end must not be before the start.")})


class Person(PublicModel):
    """A contact at a party. Confidential notes about a person live in ``PersonNote``."""

    party = models.ForeignKey(
        Party, on_delete=models.PROTECT, related_name="people", verbose_name=_("party")
    )
    name = models.CharField(_("name"), max_length=200)
    role_title = models.CharField(_("role"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    languages = models.CharField(
        _("languages"), max_length=40, blank=True, help_text=_("Comma-separated codes, e.g. fr,en.")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("user account"),
    )
    # Agreements this person was taken out of by someone who could not delete them (they
    # still belong to other agreements): hidden there, kept everywhere else.
    archived_from = models.ManyToManyField(
        "Agreement", blank=True, related_name="archived_people", verbose_name=_("archived from")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.name


class Agreement(PublicModel, Translatable):
    """A signed agreement: the unit everything else hangs from and access is granted on."""

    title = models.CharField(_("title"), max_length=300)
    reference = models.CharField(_("reference"), max_length=80, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=choices.AgreementKind.choices)
    summary = models.TextField(_("summary"), blank=True)
    signed_on = models.DateField(_("signed on"))
    effective_on = models.DateField(_("effective on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    host_country = models.CharField(_("host country"), max_length=2, validators=[country_code])
    countries = models.JSONField(
        _("countries"), default=list, blank=True, help_text=_("ISO 3166 codes of all countries.")
    )
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    stage = models.CharField(
        _("stage"),
        max_length=20,
        choices=choices.MaturityStage.choices,
        default=choices.MaturityStage.SIGNED,
    )
    parties = models.ManyToManyField(
        Party, through="Participation", related_name="agreements", verbose_name=_("parties")
    )

    class Meta:
        ordering = ["-signed_on", "title"]
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_on__isnull=True) | Q(effective_on__gte=F("signed_on")),
                name="agreement_effective_after_signature",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gt=F("signed_on")),
                name="agreement_ends_after_signature",
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=0), name="agreement_value_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors = {}
        if self.signed_on and self.effective_on and self.effective_on < self.signed_on:
            errors["effective_on"] = _("The effective date cannot precede the signature.")
        if self.signed_on and self.ends_on and self.ends_on <= self.signed_on:
            errors["ends_on"] = _("The end date must follow the signature.")
        if self.value is not None and not self.currency:
            errors["currency"] = _("Give the currency of the value.")
        if errors:
            raise ValidationError(errors)


class AgreementDocument(PublicModel):
    """A document of an agreement (the signed text, an annex, a side letter)."""

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="documents", verbose_name=_("agreement")
    )
    title = models.CharField(_("title"), max_length=300)
    file = models.FileField(_("file"), upload_to="agreements/%Y/")

    class Meta:
        ordering = ["title"]
        verbose_name = _("agreement document")
        verbose_name_plural = _("agreement documents")

    def __str__(self) -> str:
        return self.title


class Participation(PublicModel):
    """A party's role in an agreement with its salience (Mitchell, Agle & Wood; Mendelow)."""

    agreement = models.ForeignKey(
        Agreement,
        on_delete=models.CASCADE,
        related_name="participations",
        verbose_name=_("agreement"),
    )
    party = models.ForeignKey(
        Party, on_delete=models.PROTECT, related_name="participations", verbose_name=_("party")
    )
    role = models.CharField(_("role"), max_length=20, choices=choices.ParticipationRole.choices)
    power = models.PositiveSmallIntegerField(_("power"), default=3, validators=SALIENCE_VALIDATORS)
    legitimacy = models.PositiveSmallIntegerField(
        _("legitimacy"), default=3, validators=SALIENCE_VALIDATORS
    )
    urgency = models.PositiveSmallIntegerField(
        _("urgency"), default=3, validators=SALIENCE_VALIDATORS
    )
    interest = models.PositiveSmallIntegerField(
        _("interest"), default=3, validators=SALIENCE_VALIDATORS
    )
    # A party that no longer takes part (dropped from a newer version of the published
    # source, or left): the participation and its history stay, marked ended, with why.
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_note = models.CharField(_("why it ended"), max_length=500, blank=True)

    class Meta:
        ordering = ["agreement", "party__name"]
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "party"], name="one_participation_per_party"
            ),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{field}__lte": 5}), name=f"participation_{field}_0_5"
                )
                for field in ("power", "legitimacy", "urgency", "interest")
            ],
        ]

    def __str__(self) -> str:
        return f"{self.party} – {choice_label(choices.ParticipationRole, self.role)}"

    def clean(self) -> None:
        if self.end_note and not self.ended_on:
            raise ValidationError({"ended_on": _("Say when the participation ended.")})


class Milestone(PublicModel, Translatable):
    """A point of the agreement's plan that groups commitments (financial close, first train)."""

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("agreement")
    )
    title = models.CharField(_("title"), max_length=300)
    due_on = models.DateField(_("due on"))
    reached_on = models.DateField(_("reached on"), null=True, blank=True)

    class Meta:
        ordering = ["due_on", "title"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self) -> str:
        return self.localized("title")


class Commitment(PublicModel, Translatable):
    """An obligation one party owes to others, from the agreement text or from a meeting."""

    agreement = models.ForeignKey(
        Agreement,
        on_delete=models.CASCADE,
        related_name="commitments",
        verbose_name=_("agreement"),
    )
    milestone = models.ForeignKey(
        Milestone,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="commitments",
        verbose_name=_("milestone"),
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    clause = models.CharField(_("clause"), max_length=60, blank=True)
    category = models.CharField(
        _("category"), max_length=20, choices=choices.CommitmentCategory.choices
    )
    owed_by = models.ForeignKey(
        Party, on_delete=models.PROTECT, related_name="commitments_owed", verbose_name=_("owed by")
    )
    owed_to = models.ManyToManyField(
        Party, related_name="commitments_received", verbose_name=_("owed to")
    )
    start_on = models.DateField(_("planned start"), null=True, blank=True)
    due_on = models.DateField(_("due on"), db_index=True)
    due_trigger = models.CharField(
        _("due date counted from"),
        max_length=12,
        choices=choices.DueTrigger.choices,
        default=choices.DueTrigger.FIXED,
    )
    due_offset_days = models.PositiveIntegerField(
        _("days after the trigger"), null=True, blank=True
    )
    recurrence = models.CharField(
        _("recurrence"),
        max_length=12,
        choices=choices.Recurrence.choices,
        default=choices.Recurrence.NONE,
    )
    duration_optimistic = models.PositiveIntegerField(_("optimistic duration (working days)"))
    duration_likely = models.PositiveIntegerField(_("most likely duration (working days)"))
    duration_pessimistic = models.PositiveIntegerField(_("pessimistic duration (working days)"))
    depends_on = models.ManyToManyField(
        "self",
        through="CommitmentDependency",
        symmetrical=False,
        related_name="dependents",
        verbose_name=_("depends on"),
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=choices.CommitmentStatus.choices,
        default=choices.CommitmentStatus.PLANNED,
        db_index=True,
    )
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True)
    importance = models.CharField(
        _("importance"),
        max_length=10,
        choices=choices.Importance.choices,
        blank=True,
        help_text=_(
            "How much keeping it matters to trust. Leave empty to derive it from the category "
            "and the commitments that depend on it."
        ),
    )
    evidence = models.TextField(_("evidence"), blank=True)
    source_interaction = models.ForeignKey(
        "engagement.Interaction",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name=_("agreed during"),
    )

    class Meta:
        ordering = ["due_on", "title"]
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        indexes = [models.Index(fields=["agreement", "status", "due_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_optimistic__lte=F("duration_likely"))
                & Q(duration_likely__lte=F("duration_pessimistic")),
                name="commitment_durations_in_order",
            ),
            models.CheckConstraint(
                condition=Q(start_on__isnull=True) | Q(due_on__gte=F("start_on")),
                name="commitment_due_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(status="delivered") | Q(delivered_on__isnull=False),
                name="commitment_delivered_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.localized("title")

    def clean(self) -> None:
        errors: dict[str, object] = {}
        lo, ml, hi = self.duration_optimistic, self.duration_likely, self.duration_pessimistic
        if None not in (lo, ml, hi) and not (lo <= ml <= hi):
            errors["duration_likely"] = _(
                "Durations must be in order: optimistic ≤ most likely ≤ pessimistic."
            )
        if self.start_on and self.due_on and self.due_on < self.start_on:
            errors["due_on"] = _("The due date cannot precede the planned start.")
        if self.status == choices.CommitmentStatus.DELIVERED and not self.delivered_on:
            errors["delivered_on"] = _("A delivered commitment needs its delivery date.")
        if self.delivered_on and self.created_at and self.delivered_on < self.created_at.date():
            errors["delivered_on"] = _("A commitment cannot be delivered before it was recorded.")
        if self.due_trigger != choices.DueTrigger.FIXED and self.due_offset_days is None:
            errors["due_offset_days"] = _("Give the number of days after the trigger.")
        if (
            self.milestone_id
            and self.agreement_id
            and self.milestone.agreement_id != self.agreement_id
        ):
            errors["milestone"] = _("The milestone belongs to another agreement.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_open(self) -> bool:
        return self.status in choices.OPEN_COMMITMENT_STATUSES


class CommitmentDependency(models.Model):
    """``commitment`` cannot finish before ``prerequisite`` does (finish-to-start)."""

    commitment = models.ForeignKey(
        Commitment,
        on_delete=models.CASCADE,
        related_name="prerequisite_links",
        verbose_name=_("commitment"),
    )
    prerequisite = models.ForeignKey(
        Commitment,
        on_delete=models.CASCADE,
        related_name="dependent_links",
        verbose_name=_("prerequisite"),
    )

    class Meta:
        verbose_name = _("commitment dependency")
        verbose_name_plural = _("commitment dependencies")
        constraints = [
            models.UniqueConstraint(
                fields=["commitment", "prerequisite"], name="one_dependency_per_pair"
            ),
            models.CheckConstraint(
                condition=~Q(commitment=F("prerequisite")), name="commitment_not_own_prerequisite"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.prerequisite_id} → {self.commitment_id}"


class CommitmentStatusChange(PublicModel):
    """One step of a commitment's history: who moved it from which status to which, on what
    evidence. ``happened_on`` is the business date (delivery date for a delivery)."""

    commitment = models.ForeignKey(
        Commitment,
        on_delete=models.CASCADE,
        related_name="status_changes",
        verbose_name=_("commitment"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    from_status = models.CharField(
        _("from"), max_length=12, choices=choices.CommitmentStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=12, choices=choices.CommitmentStatus.choices)
    happened_on = models.DateField(_("on"))
    evidence = models.TextField(_("evidence"), blank=True)

    class Meta:
        ordering = ["commitment", "created_at"]
        verbose_name = _("commitment status change")
        verbose_name_plural = _("commitment status changes")

    def __str__(self) -> str:
        return f"{self.from_status or '∅'} → {self.to_status} ({self.happened_on})"


class DeliveryConfirmation(PublicModel):
    """A party owed a commitment is asked whether it got what was declared delivered: it
    confirms, or contests with its reason (the commitment then reopens). One per party owed
    and per delivery (``delivery`` is the status change that declared it)."""

    commitment = models.ForeignKey(
        Commitment,
        on_delete=models.CASCADE,
        related_name="confirmations",
        verbose_name=_("commitment"),
    )
    delivery = models.ForeignKey(
        CommitmentStatusChange,
        on_delete=models.CASCADE,
        related_name="confirmations",
        verbose_name=_("delivery"),
    )
    party = models.ForeignKey(
        Party, on_delete=models.PROTECT, related_name="+", verbose_name=_("party owed")
    )
    status = models.CharField(
        _("answer"),
        max_length=12,
        choices=choices.ConfirmationStatus.choices,
        default=choices.ConfirmationStatus.PENDING,
        db_index=True,
    )
    reason = models.TextField(_("reason"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    answered_on = models.DateField(_("answered on"), null=True, blank=True)

    class Meta:
        ordering = ["commitment", "created_at", "party__name"]
        verbose_name = _("delivery confirmation")
        verbose_name_plural = _("delivery confirmations")
        constraints = [
            models.UniqueConstraint(
                fields=["delivery", "party"], name="one_confirmation_per_party_and_delivery"
            ),
            models.CheckConstraint(
                condition=Q(status="pending") | Q(answered_on__isnull=False),
                name="confirmation_answer_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status="contested") | ~Q(reason=""),
                name="contested_delivery_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.commitment} – {self.party} ({self.get_status_display()})"

    def clean(self) -> None:
        if self.status == choices.ConfirmationStatus.CONTESTED and not self.reason.strip():
            raise ValidationError({"reason": _("Say why the delivery is contested.")})


class DueDateProposal(PublicModel):
    """A party asks to move a commitment's due date, with its reason; the other parties
    concerned (the owing party and the parties owed) accept or refuse. Accepted by all, the
    new date is in force from the day of the last acceptance (``CommitmentDueChange``)."""

    commitment = models.ForeignKey(
        Commitment,
        on_delete=models.CASCADE,
        related_name="due_date_proposals",
        verbose_name=_("commitment"),
    )
    party = models.ForeignKey(
        Party, on_delete=models.PROTECT, related_name="+", verbose_name=_("proposed by")
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("written by"),
    )
    proposed_on = models.DateField(_("proposed on"))
    from_due_on = models.DateField(_("due date in force"))
    to_due_on = models.DateField(_("proposed due date"))
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=choices.ProposalStatus.choices,
        default=choices.ProposalStatus.OPEN,
        db_index=True,
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)

    class Meta:
        ordering = ["commitment", "proposed_on", "created_at"]
        verbose_name = _("due date proposal")
        verbose_name_plural = _("due date proposals")
        constraints = [
            models.UniqueConstraint(
                fields=["commitment"],
                condition=Q(status="open"),
                name="one_open_due_date_proposal",
            ),
            models.CheckConstraint(
                condition=~Q(to_due_on=F("from_due_on")), name="proposal_changes_the_date"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.commitment}: {self.from_due_on} → {self.to_due_on}"

    def clean(self) -> None:
        errors = {}
        if not (self.reason or "").strip():
            errors["reason"] = _("Say why the due date should move.")
        if self.to_due_on and self.to_due_on == self.from_due_on:
            errors["to_due_on"] = _("This is already the due date.")
        if errors:
            raise ValidationError(errors)


class DueDateAnswer(PublicModel):
    """One party's answer to a proposed due date."""

    proposal = models.ForeignKey(
        DueDateProposal,
        on_delete=models.CASCADE,
        related_name="answers",
        verbose_name=_("proposal"),
    )
    party = models.ForeignKey(
        Party, on_delete=models.PROTECT, related_name="+", verbose_name=_("party")
    )
    status = models.CharField(
        _("answer"),
        max_length=12,
        choices=choices.ProposalAnswer.choices,
        default=choices.ProposalAnswer.PENDING,
        db_index=True,
    )
    reason = models.TextField(_("reason"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    answered_on = models.DateField(_("answered on"), null=True, blank=True)

    class Meta:
        ordering = ["proposal", "party__name"]
        verbose_name = _("answer to a due date proposal")
        verbose_name_plural = _("answers to due date proposals")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "party"], name="one_answer_per_party"),
            models.CheckConstraint(
                condition=Q(status="pending") | Q(answered_on__isnull=False),
                name="due_date_answer_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.party}: {self.get_status_display()}"


class CommitmentDueChange(PublicModel):
    """The dated history of a commitment's due date: from ``in_force_from`` on, the due date
    was ``to_due_on`` (before the first change, ``from_due_on`` of that change). Written when
    a renegotiation is accepted, or when the team changes the terms."""

    commitment = models.ForeignKey(
        Commitment,
        on_delete=models.CASCADE,
        related_name="due_changes",
        verbose_name=_("commitment"),
    )
    from_due_on = models.DateField(_("previous due date"))
    to_due_on = models.DateField(_("new due date"))
    in_force_from = models.DateField(_("in force from"))
    proposal = models.OneToOneField(
        DueDateProposal,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="change",
        verbose_name=_("agreed through"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("actor"),
    )

    class Meta:
        ordering = ["commitment", "in_force_from", "created_at"]
        verbose_name = _("due date change")
        verbose_name_plural = _("due date changes")

    def __str__(self) -> str:
        return f"{self.from_due_on} → {self.to_due_on} ({self.in_force_from})"


class CommitmentComment(PublicModel):
    """A comment on a commitment. A shared comment is read by the team and the
    representatives of the commitment's parties (the owing party and the parties owed); an
    internal one by the counsellor team only. The text is encrypted at rest."""

    commitment = models.ForeignKey(
        Commitment, on_delete=models.CASCADE, related_name="comments", verbose_name=_("commitment")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("author"),
    )
    # The party the author wrote for (a representative's own); empty for the counsellor team.
    party = models.ForeignKey(
        Party,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("party"),
    )
    confidentiality = models.CharField(
        _("confidentiality"),
        max_length=12,
        choices=choices.CommentVisibility.choices,
        default=choices.CommentVisibility.SHARED,
        db_index=True,
    )
    text = EncryptedTextField(_("comment"))

    class Meta:
        ordering = ["commitment", "created_at"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self) -> str:
        return _("Comment on %(commitment)s") % {"commitment": self.commitment}

    def clean(self) -> None:
        if not (self.text or "").strip():
            raise ValidationError({"text": _("Write the comment.")})


def due_in_force(
    current: date_type, changes: list[tuple[date_type, date_type, date_type]], on: date_type
) -> date_type:
    """The due date in force on ``on``: ``changes`` are (in force from, from, to), in order;
    without any, the current due date."""
    if not changes:
        return current
    due = changes[0][1]
    for in_force_from, _from, to in changes:
        if in_force_from > on:
            break
        due = to
    return due


class StrategicObjective(PublicModel, Translatable):
    """An objective of the host country's strategy (or an SDG target) the agreement serves."""

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="objectives", verbose_name=_("agreement")
    )
    source = models.CharField(_("source"), max_length=20, choices=choices.ObjectiveSource.choices)
    code = models.CharField(_("code"), max_length=40, blank=True)
    title = models.CharField(_("title"), max_length=300)
    commitments = models.ManyToManyField(
        Commitment, blank=True, related_name="objectives", verbose_name=_("commitments")
    )
    indicators = models.ManyToManyField(
        "risks.LocalIndicator", blank=True, related_name="objectives", verbose_name=_("indicators")
    )

    class Meta:
        ordering = ["code", "title"]
        verbose_name = _("strategic objective")
        verbose_name_plural = _("strategic objectives")

    def __str__(self) -> str:
        return f"{self.code} {self.localized('title')}".strip()
