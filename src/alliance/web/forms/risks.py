"""Forms for risks, regulatory requirements, local indicators and early warnings."""

from __future__ import annotations

from django import forms

from alliance.core import clock
from alliance.partnerships.models import Commitment
from alliance.risks.models import (
    EarlyWarning,
    IndicatorObservation,
    LocalIndicator,
    RegulatoryRequirement,
    Risk,
)
from alliance.web.forms.base import ServiceForm, parties_of


def _commitments(form: ServiceForm) -> None:
    form.limit("commitments", Commitment.objects.filter(agreement=form.agreement))
    if "commitments" in form.fields:
        form.fields["commitments"].widget.attrs["size"] = 6


class RiskForm(ServiceForm):
    class Meta:
        model = Risk
        fields = [
            "title",
            "category",
            "rating",
            "likelihood",
            "impact",
            "owner",
            "mitigation",
            "status",
            "commitments",
            "probability",
            "delay_working_days",
            "confidentiality",
            "restricted_to",
        ]
        widgets = {"confidentiality": forms.RadioSelect}

    def limit_choices(self) -> None:
        self.limit("owner", parties_of(self.agreement))
        _commitments(self)


class RegulatoryRequirementForm(ServiceForm):
    class Meta:
        model = RegulatoryRequirement
        fields = [
            "jurisdiction",
            "authority",
            "instrument",
            "requirement",
            "deadline",
            "alignment_status",
            "commitments",
        ]

    def limit_choices(self) -> None:
        self.limit("authority", parties_of(self.agreement))
        _commitments(self)


class LocalIndicatorForm(ServiceForm):
    class Meta:
        model = LocalIndicator
        fields = ["kind", "name", "unit", "target", "target_on"]


class IndicatorObservationForm(ServiceForm):
    class Meta:
        model = IndicatorObservation
        fields = ["indicator", "observed_on", "value", "source"]

    def limit_choices(self) -> None:
        self.limit("indicator", LocalIndicator.objects.filter(agreement=self.agreement))
        if self.instance.pk:
            self.fields["indicator"].disabled = True
        else:
            self.default("observed_on", clock.today())

    def service_data(self) -> dict:
        data = super().service_data()
        if self.instance.pk:
            data.pop("indicator", None)
        return data


class EarlyWarningForm(ServiceForm):
    """A warning raised by a person (rules raise theirs through the insights engine)."""

    class Meta:
        model = EarlyWarning
        fields = [
            "title",
            "explanation",
            "severity",
            "status",
            "commitment",
            "confidentiality",
            "restricted_to",
            "raised_on",
        ]
        widgets = {"confidentiality": forms.RadioSelect}

    def limit_choices(self) -> None:
        self.limit("commitment", Commitment.objects.filter(agreement=self.agreement))
        self.internal_by_default()
        if not self.instance.pk:
            self.default("raised_on", clock.today())
