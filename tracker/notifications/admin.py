from django.contrib import admin

from tracker.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "recipient", "channel", "kind", "status", "attempts", "sent_at", "read_at")
    list_filter = ("channel", "status", "kind")
    readonly_fields = [f.name for f in Notification._meta.fields]
    list_select_related = ("recipient",)
