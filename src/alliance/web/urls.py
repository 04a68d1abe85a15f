from django.contrib.auth import views as auth_views
from django.urls import path

from alliance.web import views

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", views.portfolio, name="portfolio"),
    path("agreements/<uuid:agreement_id>/", views.agreement_overview, name="agreement"),
]
