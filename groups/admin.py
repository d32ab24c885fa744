from django.contrib import admin

from groups.models import Invitation, Membership, ReadingGroup


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(ReadingGroup)
class ReadingGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "created"]
    search_fields = ["name"]
    raw_id_fields = ["owner"]
    inlines = [MembershipInline]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["group", "created_by", "expires", "revoked_at"]
    raw_id_fields = ["group", "created_by"]
