from django.contrib import admin

from alliance.extraction import models


@admin.register(models.ExtractionRun)
class ExtractionRunAdmin(admin.ModelAdmin):
    list_display = ("source_name", "agreement", "language", "created_at")
    readonly_fields = ("text", "page_starts", "removed")
