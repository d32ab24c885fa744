from django.contrib import admin

from fics.models import Chapter, Work


@admin.register(Work)
class WorkAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "author",
        "fandom",
        "chapter_count",
        "word_count",
        "created",
        "staged_at",
    ]
    search_fields = ["title", "author", "fandom"]
    readonly_fields = ["content_hash", "source_format", "word_count", "chapter_count"]

    def get_queryset(self, request):
        # Staff see the works still being imported, or abandoned part-way, too (fics.staging).
        return Work.with_staged.order_by(*(self.get_ordering(request) or Work._meta.ordering))


@admin.register(Chapter)
class ChapterAdmin(admin.ModelAdmin):
    list_display = ["work", "position", "title", "word_count"]
    list_select_related = ["work"]
    search_fields = ["work__title", "title"]
