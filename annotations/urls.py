from django.urls import path

from annotations import (
    orphan_views,
    reader_views,
    story_map_views,
    tag_views,
    thread_views,
    views,
)

urlpatterns = [
    path("works/<int:pk>/read/", reader_views.work_full, name="work_full"),
    path(
        "works/<int:work_pk>/chapters/<int:position>/",
        reader_views.chapter_detail,
        name="chapter",
    ),
    path("reading-preferences/", reader_views.reading_preferences, name="reading_preferences"),
    path(
        "works/<int:work_pk>/chapters/<int:position>/annotations/",
        views.annotation_create,
        name="annotation_create",
    ),
    path("annotations/<int:pk>/", views.annotation_detail, name="annotation"),
    path("annotations/<int:pk>/edit/", views.annotation_update, name="annotation_update"),
    path("annotations/<int:pk>/delete/", views.annotation_delete, name="annotation_delete"),
    path("annotations/<int:pk>/restore/", views.annotation_restore, name="annotation_restore"),
    path("annotations/<int:pk>/reattach/", views.annotation_reattach, name="annotation_reattach"),
    path("annotations/<int:pk>/reveal/", reader_views.annotation_reveal, name="annotation_reveal"),
    path("annotations/<int:pk>/thread/", thread_views.annotation_thread, name="annotation_thread"),
    path("annotations/<int:pk>/replies/", thread_views.reply_create, name="reply_create"),
    path("annotations/<int:pk>/hide/", thread_views.annotation_hide, name="annotation_hide"),
    path("replies/<int:pk>/edit/", thread_views.reply_update, name="reply_update"),
    path("replies/<int:pk>/delete/", thread_views.reply_delete, name="reply_delete"),
    path("replies/<int:pk>/hide/", thread_views.reply_hide, name="reply_hide"),
    path("works/<int:pk>/story-map/", story_map_views.story_map, name="story_map"),
    path(
        "works/<int:pk>/story-map/<str:chart>.csv",
        story_map_views.story_map_csv,
        name="story_map_csv",
    ),
    path(
        "works/<int:pk>/story-map/together/",
        story_map_views.story_map_together,
        name="story_map_together",
    ),
    path("works/<int:pk>/orphans/", orphan_views.orphan_queue, name="orphan_queue"),
    path("annotations/<int:pk>/place/", orphan_views.orphan_accept, name="orphan_accept"),
    path("annotations/<int:pk>/keep/", orphan_views.orphan_dismiss, name="orphan_dismiss"),
    path("tags/", tag_views.tag_list, name="tags"),
    path("tags/across-works.csv", tag_views.tags_across_works_csv, name="tags_csv"),
    path("tags/<int:pk>/", tag_views.tag_detail, name="tag"),
    path("tags/<int:pk>/edit/", tag_views.tag_edit, name="tag_edit"),
    path("tags/<int:pk>/merge/", tag_views.tag_merge, name="tag_merge"),
    path("tags/<int:pk>/delete/", tag_views.tag_delete, name="tag_delete"),
]
