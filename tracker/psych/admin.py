"""Admin: the support library is edited here (modules with Markdown and media, programmes with a day
for each module). Patient-owned rows are read-only here; staff change them through the pages, which
audit-log every change."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from tracker.psych.content import render_markdown
from tracker.psych.models import ContentModule, Programme, ProgrammeModule
from tracker.psych.services import programme_changed


class ProgrammeModuleInline(admin.TabularInline):
    model = ProgrammeModule
    extra = 1
    autocomplete_fields = ["module"]
    ordering = ["day_offset"]


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "is_active", "module_count"]
    list_filter = ["is_active"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [ProgrammeModuleInline]

    @admin.display(description=_("modules"))
    def module_count(self, obj):
        return obj.items.count()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if change:
            # A module added or moved earlier reaches patients already on the programme.
            programme_changed(programme=form.instance)


@admin.register(ContentModule)
class ContentModuleAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "minutes", "has_media", "is_active", "updated_at"]
    list_filter = ["kind", "is_active"]
    search_fields = ["title", "slug", "body"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["preview"]
    fields = ["title", "slug", "kind", "minutes", "is_active", "media", "body", "preview"]

    @admin.display(boolean=True, description=_("media"))
    def has_media(self, obj):
        return bool(obj.media)

    @admin.display(description=_("preview (as patients see it, after saving)"))
    def preview(self, obj):
        return render_markdown(obj.body) if obj.pk else "-"
