"""Accounts: allauth's pages (login, logout, password, e-mail, two-factor) under ``account/``,
with Alliance's login (throttled), sessions, language and invitations beside them."""

from django.urls import include, path
from django.views.generic import RedirectView

from alliance.accounts.views import audit, auth, invitations, members, sessions

urlpatterns = [
    path("account/login/", auth.LoginView.as_view(), name="account_login"),
    path("account/sessions/", sessions.session_list, name="usersessions_list"),
    path("account/sessions/end/", sessions.sessions_end, name="sessions_end"),
    path("account/", include("allauth.urls")),
    # The old address of the login page (bookmarks, links in older e-mails).
    path(
        "login/",
        RedirectView.as_view(pattern_name="account_login", query_string=True),
        name="login",
    ),
    path("i18n/setlang/", auth.language_set, name="set_language"),
    path("invitations/<str:token>/", invitations.invitation_accept, name="invitation_accept"),
    path("agreements/<uuid:agreement_id>/members/", members.members, name="agreement_members"),
    path("audit/", audit.audit_log, name="audit_log"),
]
