from django.contrib import admin

from fics.models import Chapter, Work


@admin.register(Work)
class WorkAdmin(admin.ModelAdmin):
    list_display = ["title", "author", "fandom", "chapter_count", "word_count", "created"]
    search_fields = ["title", "author", "fandom"]
    readonly_fields = ["content_hash", "source_format", "word_count", "chapter_count"]


@admin.register(Chapter)
class ChapterAdmin(admin.ModelAdmin):
    list_display = ["work", "position", "title", "word_count"]
    list_select_related = ["work"]
    search_fields = ["work__title", "title"]
