"""Interactions, expectations, trust pulses and grievances: the relationship itself."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from alliance.core.encryption import EncryptedJSONField, EncryptedTextField, seal_short
from alliance.core.models import ConfidentialModel, PublicModel, Translatable, choice_label
from alliance.engagement import choices
from alliance.partnerships.models import Agreement, Party, Person

LIKERT = [MinValueValidator(1), MaxValueValidator(7)]


class Interaction(PublicModel, ConfidentialModel, Translatable):
    """A meeting, call, letter, site visit or workshop between parties of an agreement."""

    agreement = models.ForeignKey(
        Agreement,
        on_delete=models.CASCADE,
        related_name="interactions",
        verbose_name=_("agreement"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=choices.InteractionKind.choices)
    occurred_on = models.DateField(_("date"), db_index=True)
    parties = models.ManyToManyField(Party, related_name="interactions", verbose_name=_("parties"))
    people = models.ManyToManyField(
        Person, blank=True, related_name="interactions", verbose_name=_("people present")
    )
    summary = EncryptedTextField(_("summary"))
    # Encrypted like the summary they translate (a summary may be internal or restricted).
    translations = EncryptedJSONField(_("translations"), blank=True)
    tone = models.SmallIntegerField(
        _("tone"), choices=choices.Tone.choices, default=choices.Tone.NEUTRAL
    )
    language = models.CharField(
        _("language"), max_length=2, choices=choices.LANGUAGE_CHOICES, default="en"
    )
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("logged by"),
    )

    class Meta:
        ordering = ["-occurred_on", "-created_at"]
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        indexes = [models.Index(fields=["agreement", "occurred_on"])]
        constraints = [
            models.CheckConstraint(condition=Q(tone__gte=-2, tone__lte=2), name="interaction_tone"),
        ]

    def __str__(self) -> str:
        return f"{choice_label(choices.InteractionKind, self.kind)} {self.occurred_on}"


class PersonNote(PublicModel, ConfidentialModel):
    """What a counsellor knows about a person, written in the context of one agreement."""

    agreement = models.ForeignKey(
        Agreement,
        on_delete=models.CASCADE,
        related_name="person_notes",
        verbose_name=_("agreement"),
    )
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="notes", verbose_name=_("person")
    )
    text = EncryptedTextField(_("note"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("author"),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("note on a person")
        verbose_name_plural = _("notes on people")

    def __str__(self) -> str:
        return f"{self.person}: {self.text[:40]}"

    def audit_repr(self) -> str:
        """The trail names a note by its words, so encrypted."""
        return seal_short(str(self))


class Topic(PublicModel, Translatable):
    """A subject on which parties hold expectations that can be compared."""

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="topics", verbose_name=_("agreement")
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    target_unit = models.CharField(
        _("unit of measurable targets"), max_length=40, blank=True, help_text=_("e.g. %, km, jobs")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        constraints = [
            models.UniqueConstraint(fields=["agreement", "name"], name="topic_name_unique"),
        ]

    def __str__(self) -> str:
        return self.localized("name")


class Expectation(PublicModel, Translatable):
    """What one party expects on a topic, as recorded on a date. A newer record for the same
    party and topic supersedes the older one; the older ones are the history."""

    topic = models.ForeignKey(
        Topic, on_delete=models.CASCADE, related_name="expectations", verbose_name=_("topic")
    )
    party = models.ForeignKey(
        Party, on_delete=models.PROTECT, related_name="expectations", verbose_name=_("party")
    )
    statement = models.TextField(_("statement"))
    target_date = models.DateField(_("target date"), null=True, blank=True)
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=choices.Priority.choices, default=choices.Priority.MODERATE
    )
    target_value = models.DecimalField(
        _("measurable target"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    recorded_on = models.DateField(_("recorded on"))

    class Meta:
        ordering = ["topic", "party", "-recorded_on"]
        verbose_name = _("expectation")
        verbose_name_plural = _("expectations")
        constraints = [
            models.UniqueConstraint(
                fields=["topic", "party", "recorded_on"], name="one_expectation_per_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.party} / {self.topic}"


class TrustPulse(PublicModel, Translatable):
    """A survey round: each respondent rates the other parties on five trust dimensions."""

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="pulses", verbose_name=_("agreement")
    )
    title = models.CharField(_("title"), max_length=200)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    remind_before_days = models.PositiveSmallIntegerField(
        _("reminder, days before closing"),
        default=3,
        help_text=_("Those who have not answered are reminded this many days before the round "
                    "closes (0: no reminder)."),
    )  # fmt: skip
    # Set when the team closes the round before its closing date (which then becomes the day
    # it was closed): its links die at once and it counts as closed everywhere.
    closed_at = models.DateTimeField(_("closed early at"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-opens_on"]
        verbose_name = _("trust pulse")
        verbose_name_plural = _("trust pulses")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=F("opens_on")), name="pulse_dates_in_order"
            ),
        ]

    def __str__(self) -> str:
        return self.localized("title")

    def clean(self) -> None:
        if self.opens_on and self.closes_on and self.closes_on < self.opens_on:
            raise ValidationError({"closes_on": _("A pulse cannot close before it opens.")})


class TrustResponse(PublicModel):
    """One respondent's answers about one party (Likert 1–7, Mayer–Davis–Schoorman plus
    predictability and communication). Rating one's own party is the self-view of the 360°."""

    pulse = models.ForeignKey(
        TrustPulse, on_delete=models.CASCADE, related_name="responses", verbose_name=_("pulse")
    )
    respondent = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="trust_responses",
        verbose_name=_("respondent"),
    )
    respondent_party = models.ForeignKey(
        Party,
        on_delete=models.PROTECT,
        related_name="trust_given",
        editable=False,
        verbose_name=_("respondent's party"),
    )
    about_party = models.ForeignKey(
        Party, on_delete=models.PROTECT, related_name="trust_received", verbose_name=_("about")
    )
    ability = models.PositiveSmallIntegerField(_("ability"), validators=LIKERT)
    benevolence = models.PositiveSmallIntegerField(_("benevolence"), validators=LIKERT)
    integrity = models.PositiveSmallIntegerField(_("integrity"), validators=LIKERT)
    predictability = models.PositiveSmallIntegerField(_("predictability"), validators=LIKERT)
    communication = models.PositiveSmallIntegerField(_("communication"), validators=LIKERT)
    comment = EncryptedTextField(_("comment"), blank=True)
    submitted_on = models.DateField(_("submitted on"))

    class Meta:
        ordering = ["pulse", "respondent"]
        verbose_name = _("trust response")
        verbose_name_plural = _("trust responses")
        constraints = [
            models.UniqueConstraint(
                fields=["pulse", "respondent", "about_party"], name="one_response_per_pair"
            ),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{dim}__gte": 1, f"{dim}__lte": 7}), name=f"response_{dim}_1_7"
                )
                for dim in choices.TRUST_DIMENSIONS
            ],
        ]

    def __str__(self) -> str:
        return f"{self.respondent} → {self.about_party}"

    def save(self, *args, **kwargs) -> None:
        self.respondent_party_id = self.respondent.party_id
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if self.pulse_id and self.submitted_on and self.pulse.opens_on > self.submitted_on:
            raise ValidationError({"submitted_on": _("Answers cannot precede the pulse opening.")})


class PulseRespondent(PublicModel):
    """One person asked to answer a pulse round: the parties they rate, their language, and
    their personal link. The link's token is never stored: only its SHA-256 digest (to find
    the sheet a link names) and a random ``nonce`` from which the server derives the token
    again with its secret key (``engagement.pulse_links``) to write a reminder. The draft
    keeps a half-filled form; the answers become ``TrustResponse`` rows when submitted, and
    the link works no more."""

    pulse = models.ForeignKey(
        TrustPulse, on_delete=models.CASCADE, related_name="respondents", verbose_name=_("pulse")
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="pulse_sheets", verbose_name=_("person")
    )
    about_parties = models.ManyToManyField(Party, related_name="+", verbose_name=_("parties rated"))
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    nonce = models.CharField(_("link nonce"), max_length=64, editable=False)
    token_hash = models.CharField(_("token digest"), max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField(_("link expires at"))
    invited_at = models.DateTimeField(_("invited at"), null=True, blank=True)
    resent_at = models.DateTimeField(_("invitation re-sent at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    draft = EncryptedJSONField(_("draft answers"), blank=True)
    comment = EncryptedTextField(_("comment"), blank=True)
    comment_confidentiality = models.CharField(
        _("confidentiality of the comment"),
        max_length=12,
        choices=choices.COMMENT_CONFIDENTIALITY,
        default="internal",
    )

    class Meta:
        ordering = ["pulse", "person__name"]
        verbose_name = _("pulse respondent")
        verbose_name_plural = _("pulse respondents")
        constraints = [
            models.UniqueConstraint(fields=["pulse", "person"], name="one_sheet_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.pulse}"


class Grievance(PublicModel):
    """A complaint from a local stakeholder and how (and how fast) it was answered."""

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="grievances", verbose_name=_("agreement")
    )
    reference = models.CharField(_("reference"), max_length=40)
    channel = models.CharField(
        _("channel"), max_length=14, choices=choices.GrievanceChannel.choices
    )
    category = models.CharField(
        _("category"), max_length=14, choices=choices.GrievanceCategory.choices
    )
    complainant = EncryptedTextField(_("complainant"), max_length=200, blank=True)
    summary = models.TextField(_("summary"))
    received_on = models.DateField(_("received on"))
    response_due_on = models.DateField(_("response due on"))
    responded_on = models.DateField(_("responded on"), null=True, blank=True)
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=choices.GrievanceStatus.choices,
        default=choices.GrievanceStatus.RECEIVED,
    )

    class Meta:
        ordering = ["-received_on"]
        verbose_name = _("grievance")
        verbose_name_plural = _("grievances")
        constraints = [
            models.UniqueConstraint(fields=["agreement", "reference"], name="grievance_reference"),
            models.CheckConstraint(
                condition=Q(response_due_on__gte=F("received_on")),
                name="grievance_due_after_receipt",
            ),
            models.CheckConstraint(
                condition=Q(responded_on__isnull=True) | Q(responded_on__gte=F("received_on")),
                name="grievance_response_after_receipt",
            ),
            models.CheckConstraint(
                condition=Q(resolved_on__isnull=True) | Q(resolved_on__gte=F("received_on")),
                name="grievance_resolution_after_receipt",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def clean(self) -> None:
        errors = {}
        for field in ("response_due_on", "responded_on", "resolved_on"):
            value = getattr(self, field)
            if value and self.received_on and value < self.received_on:
                errors[field] = _("This date cannot precede the receipt of the grievance.")
        if errors:
            raise ValidationError(errors)
