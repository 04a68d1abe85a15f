"""Stored results of the insights engine: one dated snapshot per agreement and model."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alliance.analytics.choices import SnapshotKind
from alliance.core.models import PublicModel
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
