from django.urls import path

from groups import views

urlpatterns = [
    path("groups/", views.group_list, name="groups"),
    path("groups/<int:pk>/", views.group_detail, name="group"),
    path("groups/<int:pk>/invitations/", views.invitation_create, name="invitation_create"),
    path(
        "groups/<int:pk>/invitations/<int:invitation_pk>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("groups/join/<str:token>/", views.group_join, name="group_join"),
    path("groups/<int:pk>/leave/", views.group_leave, name="group_leave"),
    path(
        "groups/<int:pk>/members/<int:user_pk>/remove/",
        views.member_remove,
        name="member_remove",
    ),
    path(
        "groups/<int:pk>/members/<int:user_pk>/hand-over/",
        views.group_hand_over,
        name="group_hand_over",
    ),
    path(
        "groups/<int:pk>/members/<int:user_pk>/moderator/",
        views.moderator_set,
        name="moderator_set",
    ),
]
