from django.urls import path

from alliance.briefings import views

A = "agreements/<uuid:agreement_id>/brief/"
P = A + "parties/<uuid:party_id>/"

urlpatterns = [
    path(A, views.agreement_page, name="agreement_brief"),
    path(A + "pdf/", views.agreement_pdf, name="agreement_brief_pdf"),
    path(A + "parties/", views.party_choose, name="party_briefs"),
    path(P, views.party_page, name="party_brief"),
    path(P + "pdf/", views.party_pdf, name="party_brief_pdf"),
    path(P + "points/", views.party_points, name="party_brief_points"),
    path(
        P + "points/<uuid:note_id>/delete/",
        views.party_point_delete,
        name="party_brief_point_delete",
    ),
]
