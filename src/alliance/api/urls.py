"""The API under ``api/v1/``, and the page where a user manages their API tokens."""

from django.urls import path

from alliance.api import views
from alliance.api.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("account/api-tokens/", views.api_tokens, name="api_tokens"),
    path(
        "account/api-tokens/<uuid:token_id>/revoke/",
        views.api_token_revoke,
        name="api_token_revoke",
    ),
    path("account/api-tokens/webhooks/", views.webhook_create, name="webhook_create"),
    path(
        "account/api-tokens/webhooks/<uuid:subscription_id>/revoke/",
        views.webhook_revoke,
        name="webhook_revoke",
    ),
]
