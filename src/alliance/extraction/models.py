"""What extraction keeps: each reading of an agreement's text (a run) and the candidate
commitments it proposed, for the counsellor team to review. Both are internal to the team:
a party representative never sees them (see ``accounts.policy``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from alliance.core.models import PublicModel
from alliance.extraction import choices


class ExtractionRun(PublicModel):
    """One reading of a document of an agreement by the extraction engine."""

    agreement = models.ForeignKey(
        "partnerships.Agreement",
        on_delete=models.CASCADE,
        related_name="extraction_runs",
        verbose_name=_("agreement"),
    )
    document = models.ForeignKey(
        "partnerships.AgreementDocument",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="extraction_runs",
        verbose_name=_("document"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("read by"),
    )
    previous = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("previous reading"),
    )
    source_name = models.CharField(_("file name"), max_length=255)
    language = models.CharField(_("language"), max_length=2)
    method = models.CharField(_("read as"), max_length=10)
    text = models.TextField(_("text"))
    page_starts = models.JSONField(_("page starts"), default=list)
    notes = models.JSONField(_("notes"), default=list, blank=True)
    removed = models.JSONField(_("removed since the previous reading"), default=list, blank=True)
    engine_version = models.CharField(_("engine version"), max_length=10)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("extraction run")
        verbose_name_plural = _("extraction runs")

    def __str__(self) -> str:
        return f"{self.source_name} ({self.created_at:%Y-%m-%d %H:%M})"

    @property
    def pages(self) -> int:
        return len(self.page_starts) or 1


class Candidate(PublicModel):
    """A proposed commitment: the engine's reading, then the reviewer's corrections."""

    run = models.ForeignKey(
        ExtractionRun,
        on_delete=models.CASCADE,
        related_name="candidates",
        verbose_name=_("extraction run"),
    )
    position = models.PositiveIntegerField(_("position"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=choices.CandidateStatus.choices,
        default=choices.CandidateStatus.PROPOSED,
    )
    change = models.CharField(
        _("since the previous reading"),
        max_length=10,
        choices=choices.CandidateChange.choices,
        default=choices.CandidateChange.FIRST,
    )
    title = models.CharField(_("title"), max_length=300)
    action = models.TextField(_("action"))
    clause = models.CharField(_("clause"), max_length=60, blank=True)
    owed_by_written = models.CharField(_("owed by, as written"), max_length=200, blank=True)
    owed_by_all = models.BooleanField(_("owed by every party"), default=False)
    owed_by = models.ForeignKey(
        "partnerships.Party",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owed by"),
    )
    owed_to = models.ManyToManyField(
        "partnerships.Party", blank=True, related_name="+", verbose_name=_("owed to")
    )
    due = models.JSONField(_("due"), null=True, blank=True)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    recurrence = models.CharField(_("recurrence"), max_length=12, blank=True)
    conditions = models.JSONField(_("conditions"), default=list, blank=True)
    category = models.CharField(_("category"), max_length=20, blank=True)
    span_start = models.PositiveIntegerField(_("starts at"))
    span_end = models.PositiveIntegerField(_("ends at"))
    sentence = models.TextField(_("words"))
    rule = models.CharField(_("rule"), max_length=40)
    rule_description = models.CharField(_("why"), max_length=200, blank=True)
    confidence = models.FloatField(_("confidence"))
    negative = models.BooleanField(_("negative obligation"), default=False)
    evidence = models.JSONField(_("evidence"), default=list, blank=True)
    milestone = models.ForeignKey(
        "partnerships.Milestone",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("counted from milestone"),
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="merged",
        verbose_name=_("merged into"),
    )
    commitments = models.ManyToManyField(
        "partnerships.Commitment",
        blank=True,
        related_name="extraction_sources",
        verbose_name=_("commitments"),
    )

    class Meta:
        ordering = ["run", "position"]
        verbose_name = _("candidate commitment")
        verbose_name_plural = _("candidate commitments")
        constraints = [
            models.UniqueConstraint(fields=["run", "position"], name="one_candidate_per_position"),
            models.CheckConstraint(
                condition=models.Q(span_end__gte=models.F("span_start")),
                name="candidate_span_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.clause} {self.title}".strip()

    @property
    def page(self) -> int:
        starts = self.run.page_starts or [0]
        return sum(1 for s in starts if s <= self.span_start) or 1
