from django.contrib import admin

from alliance.notifications.models import Notification, ScheduledRun


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("key", "kind", "to", "status", "attempts", "sent_at")
    list_filter = ("status", "kind")
    search_fields = ("key", "to")
    exclude = ("subject", "text", "html")
    readonly_fields = ("key", "user", "kind", "to", "status", "attempts", "last_error")


@admin.register(ScheduledRun)
class ScheduledRunAdmin(admin.ModelAdmin):
    list_display = ("job", "period", "started_at", "finished_at")
    list_filter = ("job",)
