from django.contrib import admin

from tracker.audit.models import AuditLog


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    list_display = ("created_at", "actor", "actor_role", "action", "patient", "target")
    list_filter = ("action", "actor_role")
    search_fields = ("actor__username", "target")
    date_hierarchy = "created_at"
    list_select_related = ("actor", "patient")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
