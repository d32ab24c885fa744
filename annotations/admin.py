from django.contrib import admin

from annotations.models import Annotation, Tag


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "colour", "owner"]
    list_filter = ["kind", "owner"]
    search_fields = ["name"]


@admin.register(Annotation)
class AnnotationAdmin(admin.ModelAdmin):
    list_display = ["exact", "owner", "chapter", "colour", "shared", "created", "deleted_at"]
    list_filter = ["shared", "colour", "owner"]
    list_select_related = ["owner", "chapter__work"]
    raw_id_fields = ["chapter", "tags"]
    # The note is read-only here: its HTML is rendered and sanitised only by the app's services.
    readonly_fields = ["start", "end", "exact", "prefix", "suffix", "segment", "note", "note_html"]
