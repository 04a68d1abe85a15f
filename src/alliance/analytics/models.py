"""Stored results of the insights engine: one dated snapshot per agreement and model."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alliance.analytics.choices import SnapshotKind, StageChangeCause, StageChangeStatus
from alliance.core import messages
from alliance.core.models import PublicModel
from alliance.partnerships.choices import MaturityStage
from alliance.partnerships.models import Agreement


class InsightSnapshot(PublicModel):
    """What one model of ``alliance.insights`` said about one agreement at the date ``as_of``.

    Pages read snapshots, never a computation per request; a history of dated snapshots gives
    trends and "what changed". Recomputing the same (agreement, kind, as_of) replaces the row.
    Snapshots are seen by every member of the agreement, so they are computed from shared data
    only (see ``alliance.analytics.selectors``).

    ``data`` is plain JSON: numbers, strings, lists, objects, ``null``; dates are ISO strings;
    indexes run 0-100. A party is referenced as ``{"uuid", "name"}``, a commitment as
    ``{"uuid", "title"}`` (other objects likewise: milestone, topic, interaction, pulse,
    requirement, grievance). Every kind starts with the same keys, so one generic panel can
    show any of them::

        {"version": 1, "kind": "...", "as_of": "2026-11-20",
         "figure": 63.2 | null,      # the headline number
         "unit": "/100" | "%" | "",  # language-neutral
         "summary": "...",           # one line in the site language at compute time
         "evidence": {"figure", "baseline", "contributions": [
             {"label", "contribution", "event_id", "event_kind", "date", <reference>}]}}

    ``baseline + sum(contributions) == figure``; long lists keep their largest movers and
    one "k other events" line so that they still add up. ``label`` is the engine's English
    sentence (names filled in); the ``<reference>`` key (``commitment``, ``interaction``,
    ``pulse``, ``party``, ``parties``, ``topic``) lets a template write its own.

    Then, per kind (``docs/insights.md``, "Stored snapshots", has every field):

    * ``trust`` - ``index``, ``low``, ``high``, ``baseline``, ``top_events``, ``trend``
      [{date, index, low, high}], ``parties`` [{party, trusted_by_others, trusts_others,
      pairs}], ``pairs`` (those with events) [{truster, trustee, index, low, high, baseline,
      components, promise_keeping, perception, evidence}], ``pairs_without_events``.
    * ``alignment`` - ``score``, ``topics`` [{topic, score, parties, pairs}], ``matrix``
      [{party, cells: [{topic, score}]}], ``missing`` [{party, topics}], ``widening``.
    * ``network`` - ``crossing_share``, ``parties`` [{party, is_local, strength, betweenness,
      community, is_broker, is_isolated}], ``ties``, ``communities``, ``brokers``,
      ``isolated``, ``person_brokers``, ``interactions``.
    * ``schedule`` - ``iterations``, ``seed``, ``distribution``, ``error``, ``counts``,
      ``commitments`` (open ones) [{commitment, party, milestone, status, due, quantiles,
      probability_on_time, criticality, mean_duration, drivers}], ``milestones``,
      ``cascade``, ``parties``.
    * ``maturity`` - ``stage``, ``next_stage``, ``stages`` [{stage, holds, criteria}],
      ``missing`` [{key, stage, label, holds, measured, threshold, missing, parties}].
    * ``warnings`` - ``warnings`` [{key, rule, severity, subject, title, value, status,
      warning, evidence, <reference>}], ``counts`` {rule: n}, ``severities``.
    * ``salience`` - ``parties`` [{party, role, mitchell_class, mendelow_quadrant,
      attributes, score, is_key}].
    """

    agreement = models.ForeignKey(
        Agreement,
        on_delete=models.CASCADE,
        related_name="insight_snapshots",
        verbose_name=_("agreement"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=SnapshotKind.choices)
    as_of = models.DateField(_("as of"), help_text=_("The date the figures describe."))
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)
    data = models.JSONField(_("results"), default=dict)
    parameters_digest = models.CharField(
        _("parameters digest"),
        max_length=64,
        help_text=_("SHA-256 of the model parameters the figures were computed with."),
    )
    duration_ms = models.PositiveIntegerField(_("computation time (ms)"), default=0)
    # What the figures were computed from, as digests (``services.fingerprint``): the
    # incremental recompute skips an agreement whose every part is unchanged.
    fingerprint = models.JSONField(_("inputs fingerprint"), default=dict, blank=True)

    class Meta:
        ordering = ["agreement", "kind", "-as_of"]
        verbose_name = _("insight snapshot")
        verbose_name_plural = _("insight snapshots")
        # The constraint's index also serves "newest per agreement and kind" (read backwards).
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "kind", "as_of"], name="one_snapshot_per_kind_and_date"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.agreement} – {self.as_of}"


class StageChange(PublicModel):
    """A move of an agreement's recorded stage, done or proposed, with its reason.

    The stage never moves silently: every move is one of these rows (and the agreement's own
    audited update). A higher stage is applied at once; a lower one waits ``pending`` until
    the criteria have failed for ``MaturityParameters.downgrade_after_days`` or a counsellor
    confirms it — or is withdrawn when the criteria hold again. ``reason`` is a list of
    messages (keys and parameters, ``alliance.core.messages``): the criteria that failed, or
    now hold, said in the reader's language when shown.
    """

    agreement = models.ForeignKey(
        Agreement,
        on_delete=models.CASCADE,
        related_name="stage_changes",
        verbose_name=_("agreement"),
    )
    from_stage = models.CharField(
        _("from stage"), max_length=20, choices=MaturityStage.choices, blank=True
    )
    to_stage = models.CharField(_("to stage"), max_length=20, choices=MaturityStage.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=StageChangeStatus.choices, db_index=True
    )
    cause = models.CharField(_("cause"), max_length=12, choices=StageChangeCause.choices)
    reason = models.JSONField(_("reason"), default=list, blank=True)
    first_seen_on = models.DateField(_("first computed on"))
    last_seen_on = models.DateField(_("last computed on"))
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    # When the change last moved (proposed, extended, applied, dismissed): "since your visit".
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")

    def __str__(self) -> str:
        return f"{self.get_from_stage_display() or '—'} → {self.get_to_stage_display()}"

    @property
    def is_downgrade(self) -> bool:
        order = list(MaturityStage.values)
        return bool(self.from_stage) and order.index(self.to_stage) < order.index(self.from_stage)

    @property
    def reasons(self) -> list[str]:
        """The reason's lines in the reader's language."""
        return [messages.render(line) for line in self.reason or []]
