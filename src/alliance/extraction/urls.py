from django.urls import path

from alliance.extraction import views

A = "agreements/<uuid:agreement_id>/extraction/"

urlpatterns = [
    path(A, views.extraction_home, name="extraction"),
    path(A + "<uuid:run_id>/", views.run_review, name="extraction_run"),
    path(A + "<uuid:run_id>/selection/", views.run_selection, name="extraction_selection"),
    path(A + "<uuid:run_id>/milestone/", views.run_anchor, name="extraction_anchor"),
    path(
        A + "candidates/<uuid:candidate_id>/",
        views.candidate_edit,
        name="extraction_candidate",
    ),
    path(
        A + "candidates/<uuid:candidate_id>/<slug:verdict>/",
        views.candidate_verdict,
        name="extraction_verdict",
    ),
]
