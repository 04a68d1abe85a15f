from django.urls import path, register_converter

from alliance.interchange import views


class EntityConverter:
    regex = "[a-z_]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(EntityConverter, "entity")

app_name = "interchange"
urlpatterns = [
    path("import/", views.import_start, name="import"),
    path("import/<uuid:batch_id>/", views.import_batch, name="batch"),
    path("import/<uuid:batch_id>/mapping.csv", views.import_mapping_csv, name="mapping"),
    path("templates/<entity:entity>.<str:fmt>", views.template_download, name="template"),
    path("agreements/<uuid:agreement_id>/export/", views.export_page, name="export"),
    path(
        "agreements/<uuid:agreement_id>/export/<entity:entity>.csv",
        views.export_entity_csv,
        name="export_csv",
    ),
    path("agreements/<uuid:agreement_id>/export.xlsx", views.export_workbook, name="export_xlsx"),
    path("agreements/<uuid:agreement_id>/oc4ids.json", views.export_oc4ids, name="export_oc4ids"),
    path("agreements/<uuid:agreement_id>/ocds.json", views.export_ocds, name="export_ocds"),
    path("agreements/<uuid:agreement_id>/iati.xml", views.export_iati, name="export_iati"),
    path("agreements/<uuid:agreement_id>/calendar/", views.calendar_page, name="calendar"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="feed"),
]
