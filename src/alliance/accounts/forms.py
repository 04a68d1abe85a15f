"""Forms of accounts: joining through an invitation, inviting, changing a member's role."""

from __future__ import annotations

from typing import Any

from allauth.account.forms import LoginForm as AllauthLoginForm
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from alliance.accounts.choices import Role
from alliance.partnerships.models import Party


class LoginForm(AllauthLoginForm):
    """allauth's login form, its first field named for what it takes."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["login"].label = _("Username or e-mail address")
        self.fields["login"].widget.attrs.pop("placeholder", None)
        self.fields["password"].widget.attrs.pop("placeholder", None)


class InviteeRegistrationForm(forms.Form):
    """An invited person's new account: a name to log in with, their name, their language
    and a password (checked by the password policy in the service)."""

    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        help_text=_("What you will type to log in (your e-mail address works too)."),
    )
    language = forms.ChoiceField(
        label=_("Language of your pages and e-mails"), choices=settings.LANGUAGES
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_(
            "At least 12 characters; a few unrelated words are easy to remember and hard to "
            "guess. Common and leaked passwords are refused."
        ),
    )
    password2 = forms.CharField(
        label=_("Password (again)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].strip()
        user_model = get_user_model()
        if user_model.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This username is taken: choose another."))
        user_model.username_validator(username)
        return username

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return data


class InvitationForm(forms.Form):
    """Invite someone by e-mail: a party representative (of one party of the agreement), or —
    for owners — a member of the team or a viewer."""

    email = forms.EmailField(label=_("E-mail address"))
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    party = forms.ModelChoiceField(
        label=_("Party they represent"),
        queryset=None,
        required=False,
        help_text=_("For a party representative only."),
    )
    language = forms.ChoiceField(label=_("Language of the invitation"), choices=settings.LANGUAGES)

    def __init__(self, *args: Any, agreement: Any, roles: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["party"].queryset = Party.objects.filter(
            participations__agreement=agreement
        ).order_by("name")
        self.fields["role"].choices = [(v, label) for v, label in Role.choices if v in roles]
        if len(roles) == 1:
            self.fields["role"].initial = roles[0]


class MembershipRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    party = forms.ModelChoiceField(label=_("Party they represent"), queryset=None, required=False)

    def __init__(self, *args: Any, agreement: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["party"].queryset = Party.objects.filter(
            participations__agreement=agreement
        ).order_by("name")
