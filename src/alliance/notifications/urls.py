from django.urls import path

from alliance.notifications import views

urlpatterns = [
    path("account/notifications/", views.preferences, name="mail_preferences"),
]
