"""What the briefs store: only the counsellor team's own points for a meeting with a party.
Everything else a brief shows is read from the domain and the insight snapshots."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from alliance.briefings.choices import NoteKind
from alliance.core.encryption import EncryptedTextField
from alliance.core.models import PublicModel
from alliance.partnerships.models import Agreement, Party


class PartyBriefNote(PublicModel):
    """A point the counsellor team adds to the brief for a meeting with a party: an
    objective (ours or theirs), a point to make, or a question they will likely ask with
    our answer. Internal to the team, always (the policy shows it to the team only), and
    encrypted at rest."""

    agreement = models.ForeignKey(
        Agreement,
        on_delete=models.CASCADE,
        related_name="party_brief_notes",
        verbose_name=_("agreement"),
    )
    party = models.ForeignKey(
        Party, on_delete=models.CASCADE, related_name="brief_notes", verbose_name=_("party")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=NoteKind.choices)
    text = EncryptedTextField(_("text"))
    answer = EncryptedTextField(_("our answer"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("author"),
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("point for a meeting")
        verbose_name_plural = _("points for meetings")
        indexes = [models.Index(fields=["agreement", "party"])]

    def __str__(self) -> str:
        return f"{self.party}: {self.get_kind_display()}"

    def clean(self) -> None:
        self.text = (self.text or "").strip()
        self.answer = (self.answer or "").strip()
        if not self.text:
            raise ValidationError({"text": _("Write the point.")})
        if self.answer and self.kind != NoteKind.ASK:
            raise ValidationError(
                {"answer": _("Only a question they will likely ask has an answer.")}
            )
        if (
            self.agreement_id
            and self.party_id
            and not self.agreement.participations.filter(party_id=self.party_id).exists()
        ):
            raise ValidationError({"party": _("This party does not take part in the agreement.")})
