from django.urls import path

from alliance.attention import views

urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<str:key>/snooze/", views.snooze, name="inbox_snooze"),
    path("inbox/<str:key>/wake/", views.wake, name="inbox_wake"),
    path("inbox/<str:key>/assign/", views.assign, name="inbox_assign"),
    path("inbox/<str:key>/unassign/", views.unassign, name="inbox_unassign"),
]
