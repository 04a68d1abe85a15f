from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "alliance.accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from allauth.account.signals import password_changed, password_reset, password_set
        from allauth.mfa.signals import authenticator_added
        from django.contrib.auth.signals import user_logged_in
        from django.db.backends.signals import connection_created

        from alliance.accounts import signals
        from alliance.accounts.throttling import unlock_account
        from alliance.core.files import protect_sqlite

        for signal in (password_changed, password_reset, password_set):
            signal.connect(signals.end_other_sessions, dispatch_uid=f"alliance-{id(signal)}")
        password_reset.connect(unlock_account, dispatch_uid="alliance-unlock")
        authenticator_added.connect(signals.second_factor_added, dispatch_uid="alliance-2fa")
        user_logged_in.connect(signals.session_started, dispatch_uid="alliance-session")
        # The embedded database is its owner's only (alliance.core.files).
        connection_created.connect(protect_sqlite, dispatch_uid="alliance-owner-only-sqlite")
