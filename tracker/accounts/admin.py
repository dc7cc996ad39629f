from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from tracker.accounts.models import CareTeamMembership, PatientProfile, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "first_name", "last_name", "role", "is_active")
    list_filter = ("role", "is_active", "is_staff")
    search_fields = ("username", "first_name", "last_name", "email")
    fieldsets = (*BaseUserAdmin.fieldsets, ("Role", {"fields": ("role",)}))
    add_fieldsets = (*BaseUserAdmin.add_fieldsets, ("Role", {"fields": ("role",)}))


class CareTeamInline(admin.TabularInline):
    model = CareTeamMembership
    extra = 1
    autocomplete_fields = ("clinician",)


@admin.register(PatientProfile)
class PatientProfileAdmin(admin.ModelAdmin):
    list_display = ("id", "user", "primary_cancer", "spinal_stability", "checkin_schedule", "enrolled_at")
    list_filter = ("spinal_stability", "checkin_schedule")
    search_fields = ("user__username", "user__last_name")
    inlines = [CareTeamInline]
    list_select_related = ("user",)
