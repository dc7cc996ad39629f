"""The exercise library and plan templates are content, managed here (media uploads included).
Plans and logs are patient records: read-only here; therapists change plans in the plan builder."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from tracker.rehab.models import (
    Exercise,
    ExerciseLog,
    ExercisePlan,
    PlanItem,
    PlanTemplate,
    PlanTemplateItem,
    PlanVersion,
)


@admin.register(Exercise)
class ExerciseAdmin(admin.ModelAdmin):
    list_display = ("name", "body_region", "suitable_for_unstable_spine", "lifting_kg", "is_active")
    list_filter = ("body_region", "suitable_for_unstable_spine", "is_active", "involves_axial_loading")
    search_fields = ("name", "slug", "purpose")
    prepopulated_fields = {"slug": ("name",)}
    fieldsets = (
        (None, {"fields": ("name", "slug", "body_region", "purpose", "instructions", "safety_cues", "is_active")}),
        (_("Image or video"), {"fields": ("media", "media_description")}),
        (
            _("Movements (what the safety check compares with each patient's precautions)"),
            {
                "fields": (
                    "involves_flexion",
                    "involves_extension",
                    "involves_rotation",
                    "involves_axial_loading",
                    "lifting_kg",
                    "suitable_for_unstable_spine",
                )
            },
        ),
        (_("Usual dose"), {"fields": ("default_sets", "default_reps", "default_hold_seconds")}),
    )

    def has_delete_permission(self, request, obj=None):
        # Plans keep pointing at exercises; untick "in the library" instead.
        return False


class PlanTemplateItemInline(admin.TabularInline):
    model = PlanTemplateItem
    extra = 1
    autocomplete_fields = ("exercise",)


@admin.register(PlanTemplate)
class PlanTemplateAdmin(admin.ModelAdmin):
    list_display = ("name", "is_active")
    inlines = [PlanTemplateItemInline]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PlanItemInline(admin.TabularInline):
    model = PlanItem
    extra = 0
    fields = ("exercise", "sets", "reps", "hold_seconds", "days_mask", "conflict_codes", "override_reason")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(PlanVersion)
class PlanVersionAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "starts_on", "ends_on", "effective_from", "created_by", "created_at")
    inlines = [PlanItemInline]
    list_select_related = ("created_by",)


@admin.register(ExercisePlan)
class ExercisePlanAdmin(ReadOnlyAdmin):
    list_display = ("id", "patient", "status", "reminder_time", "created_at", "ended_at")
    list_filter = ("status",)
    list_select_related = ("patient",)


@admin.register(ExerciseLog)
class ExerciseLogAdmin(ReadOnlyAdmin):
    list_display = ("id", "patient", "performed_on", "completed", "difficulty", "evaluated_at")
    list_filter = ("completed", "difficulty")
    list_select_related = ("patient",)
