"""Alerts in the Django admin: read-only (state changes go through the pages and the API, which record
who and when, and audit them)."""

from django.contrib import admin

from tracker.alerts.models import Alert, AlertEvent, AlertTrigger, OncallPage


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class AlertEventInline(ReadOnlyInline):
    model = AlertEvent
    fields = ("at", "kind", "actor", "detail")
    readonly_fields = fields


class AlertTriggerInline(ReadOnlyInline):
    model = AlertTrigger
    fields = ("source_type", "source_id", "rule")
    readonly_fields = fields


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ("id", "patient", "rule", "severity", "status", "escalation_level", "created_at", "outcome")
    list_filter = ("status", "severity", "rule", "outcome")
    date_hierarchy = "created_at"
    list_select_related = ("patient__user",)
    readonly_fields = [f.name for f in Alert._meta.fields]
    inlines = [AlertTriggerInline, AlertEventInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(OncallPage)
class OncallPageAdmin(admin.ModelAdmin):
    list_display = ("created_at", "alert", "level", "address", "status", "attempts", "sent_at")
    list_filter = ("status",)
    readonly_fields = [f.name for f in OncallPage._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
