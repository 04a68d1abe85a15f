from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from alliance.core import health

# The admin logs in through the same login as everyone (throttled, with the second factor).
admin.site.login = RedirectView.as_view(pattern_name="account_login", query_string=True)

urlpatterns = [
    path("health/live/", health.live, name="health_live"),
    path("health/ready/", health.ready, name="health_ready"),
    path("admin/", admin.site.urls),
    path("", include("alliance.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("interchange/", include("alliance.interchange.urls")),
    path("", include("alliance.briefings.urls")),
    path("", include("alliance.notifications.urls")),
    path("", include("alliance.extraction.urls")),
    path("", include("alliance.api.urls")),
    path("", include("alliance.attention.urls")),
    path("", include("alliance.web.urls")),
]

# The database out of reach: a styled 503 in the reader's language (alliance.web.views.errors).
handler500 = "alliance.web.views.errors.handler500"
