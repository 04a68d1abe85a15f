"""Two-factor authentication (allauth's MFA): required for the counsellor team and
administrators, optional for representatives and viewers, and no way around it."""

from __future__ import annotations

import io

import pyotp
import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.test import Client
from django.urls import reverse

from alliance.accounts import two_factor
from alliance.accounts.adapter import TwoFactorAdapter
from alliance.testing import PASSWORD, tally

SECRET = pyotp.random_base32()


@pytest.fixture
def enforced(settings):
    settings.MFA_REQUIRED_FOR_TEAM = True


def _password_login(client: Client, username: str):
    return client.post(reverse("account_login"), {"login": username, "password": PASSWORD})


@pytest.mark.django_db
def test_who_needs_a_second_factor(world, enforced):
    needs = {name for name, user in world.actors.items() if two_factor.two_factor_required(user)}
    assert needs == {"owner", "counsellor", "editor"}
    assert two_factor.two_factor_required(world.admin)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["owner", "counsellor", "editor"])
def test_a_team_member_without_a_second_factor_is_sent_to_set_one_up(world, enforced, name):
    client = Client()
    response = _password_login(client, name)
    assert response.status_code == 302
    page = client.get(reverse("agreement", args=[world.agreement.uuid]))
    tally("mfa.refused")
    assert page.status_code == 302 and page["Location"] == reverse("mfa_index")
    setup = client.get(reverse("mfa_index"))
    assert setup.status_code == 200 and "A second factor is required" in setup.content.decode()
    # Nothing else either: not the portfolio, not an export, not the admin.
    for url in (reverse("portfolio"), reverse("search") + "?q=x", "/admin/"):
        tally("mfa.refused")
        assert client.get(url)["Location"] == reverse("mfa_index"), url


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["rep_x", "viewer", "outsider"])
def test_representatives_and_viewers_may_work_without_one(world, enforced, name):
    client = Client()
    _password_login(client, name)
    assert client.get(reverse("portfolio")).status_code == 200


@pytest.mark.django_db
def test_login_asks_for_the_code_and_a_right_one_lets_in(world, enforced):
    TOTP.activate(world.counsellor, SECRET)
    client = Client()
    response = _password_login(client, "counsellor")
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    tally("mfa.refused")
    assert wrong.status_code == 200 and "_auth_user_id" not in client.session
    done = client.post(reverse("mfa_authenticate"), {"code": pyotp.TOTP(SECRET).now()})
    assert done["Location"] == reverse("mfa_trust")
    not_trusted = client.post(reverse("mfa_trust"), {"action": "untrust"})
    assert not_trusted["Location"] == reverse("inbox")
    assert "mfa_trusted" not in client.cookies
    assert client.get(reverse("agreement", args=[world.agreement.uuid])).status_code == 200


@pytest.mark.django_db
def test_a_code_works_once(world, enforced):
    TOTP.activate(world.counsellor, SECRET)
    code = pyotp.TOTP(SECRET).now()
    first = Client()
    _password_login(first, "counsellor")
    assert first.post(reverse("mfa_authenticate"), {"code": code}).status_code == 302
    second = Client()
    _password_login(second, "counsellor")
    tally("mfa.refused")
    assert second.post(reverse("mfa_authenticate"), {"code": code}).status_code == 200
    assert "_auth_user_id" not in second.session


@pytest.mark.django_db
def test_a_recovery_code_lets_in_once(world, enforced):
    TOTP.activate(world.owner, SECRET)
    codes = RecoveryCodes.activate(world.owner).generate_codes()
    client = Client()
    _password_login(client, "owner")
    assert client.post(reverse("mfa_authenticate"), {"code": codes[0]}).status_code == 302
    again = Client()
    _password_login(again, "owner")
    tally("mfa.refused")
    assert again.post(reverse("mfa_authenticate"), {"code": codes[0]}).status_code == 200


@pytest.mark.django_db
def test_a_session_that_went_around_the_second_factor_is_ended(world, enforced):
    """A team member with a second factor whose session did not pass it (a login that did
    not go through allauth's flow) is logged out at the next request."""
    TOTP.activate(world.owner, SECRET)
    client = Client()
    client.force_login(world.owner)
    response = client.get(reverse("portfolio"))
    tally("mfa.refused")
    assert response.status_code == 302 and response["Location"] == reverse("account_login")
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_the_admin_login_is_the_same_login(world, enforced):
    response = Client().get("/admin/login/?next=/admin/")
    tally("mfa.refused")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.django_db
def test_the_team_cannot_remove_its_last_second_factor(world, enforced):
    totp = TOTP.activate(world.editor, SECRET).instance
    adapter = TwoFactorAdapter()
    assert not adapter.can_delete_authenticator(totp)
    other = Authenticator.objects.create(
        user=world.editor, type=Authenticator.Type.WEBAUTHN, data={"name": "key"}
    )
    assert adapter.can_delete_authenticator(totp) and adapter.can_delete_authenticator(other)
    rep_totp = TOTP.activate(world.rep_x, pyotp.random_base32()).instance
    assert adapter.can_delete_authenticator(rep_totp)


@pytest.mark.django_db
def test_the_authenticator_secret_is_encrypted_at_rest(world):
    TOTP.activate(world.counsellor, SECRET)
    stored = Authenticator.objects.get(user=world.counsellor).data["secret"]
    assert stored.startswith("fernet:") and SECRET not in stored
    assert TwoFactorAdapter().decrypt(stored) == SECRET


@pytest.mark.django_db
def test_a_trusted_browser_skips_the_prompt_for_the_configured_time(world, enforced, settings):
    from allauth.mfa import app_settings as mfa_settings

    TOTP.activate(world.counsellor, SECRET)
    client = Client()
    _password_login(client, "counsellor")
    response = client.post(reverse("mfa_authenticate"), {"code": pyotp.TOTP(SECRET).now()})
    assert response["Location"] == reverse("mfa_trust")
    trusted = client.post(reverse("mfa_trust"), {"action": "trust"})
    assert trusted.status_code == 302
    cookie = client.cookies[mfa_settings.TRUST_COOKIE_NAME]
    assert int(cookie["max-age"]) == settings.MFA_TRUST_COOKIE_AGE.total_seconds()
    client.post(reverse("account_logout"))
    again = _password_login(client, "counsellor")
    assert again["Location"] == reverse("inbox")
    assert client.get(reverse("portfolio")).status_code == 200


@pytest.mark.django_db
def test_key_rotation_re_encrypts_authenticator_secrets(world, settings):
    from cryptography.fernet import Fernet
    from django.core.management import call_command

    old = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old]
    TOTP.activate(world.counsellor, SECRET)
    before = Authenticator.objects.get(user=world.counsellor).data["secret"]
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), old]
    call_command("rotate_encryption_keys", stdout=io.StringIO())
    after = Authenticator.objects.get(user=world.counsellor).data["secret"]
    assert after != before
    settings.FIELD_ENCRYPTION_KEYS = settings.FIELD_ENCRYPTION_KEYS[:1]  # the old key retired
    assert TwoFactorAdapter().decrypt(after) == SECRET
