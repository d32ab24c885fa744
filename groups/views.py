"""Group pages: my groups, one group, joining by an invitation link, and the owner's actions.

Every view starts with an access helper: a group the reader is not in is a 404, as if it did
not exist; an action only the owner or a moderator may take is a 403 for other members.
"""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from groups import services
from groups.forms import GroupForm
from groups.models import Invitation, Membership, ReadingGroup


def _get_membership(request: HttpRequest, pk: int) -> Membership:
    """The reader's membership of this group; a group they are not in is a 404."""
    memberships = Membership.objects.select_related("group__owner")
    return get_object_or_404(memberships, group=pk, user=request.user)


def _get_moderated_group(request: HttpRequest, pk: int) -> ReadingGroup:
    membership = _get_membership(request, pk)
    if not membership.moderator:
        raise PermissionDenied("Only the group's moderators may do this.")
    return membership.group


def _get_owned_group(request: HttpRequest, pk: int) -> ReadingGroup:
    group = _get_membership(request, pk).group
    if group.owner_id != request.user.pk:
        raise PermissionDenied("Only the group's owner may do this.")
    return group


def _get_member(group: ReadingGroup, user_pk: int):
    return get_object_or_404(get_user_model().objects.filter(memberships__group=group), pk=user_pk)


@require_http_methods(["GET", "POST"])
@login_required
def group_list(request: HttpRequest) -> HttpResponse:
    form = GroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        group = services.group_create(owner=request.user, **form.cleaned_data)
        messages.success(request, f"Group “{group.name}” created. Invite readers with a link.")
        return redirect(group)
    memberships = Membership.objects.filter(user=request.user).select_related("group")
    return render(request, "groups.html", {"memberships": memberships, "form": form})


@require_GET
@login_required
def group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _get_membership(request, pk)
    group = membership.group
    # What was new is shown once: the visit itself makes it seen.
    since = membership.last_seen
    services.group_seen(membership=membership)
    context = {
        "group": group,
        "membership": membership,
        "since": since,
        "members": group.memberships.select_related("user").order_by("user__username"),
        "invitations": group.invitations.usable() if membership.moderator else (),
    }
    return render(request, "group.html", context)


@require_POST
@login_required
def invitation_create(request: HttpRequest, pk: int) -> HttpResponse:
    group = _get_moderated_group(request, pk)
    services.invitation_create(group=group, by=request.user)
    messages.success(request, "New invitation link made: copy it from the list below.")
    return redirect(group)


@require_POST
@login_required
def invitation_revoke(request: HttpRequest, pk: int, invitation_pk: int) -> HttpResponse:
    group = _get_moderated_group(request, pk)
    invitation = get_object_or_404(group.invitations, pk=invitation_pk)
    services.invitation_revoke(invitation=invitation)
    messages.info(request, "Invitation revoked: the link no longer lets anyone in.")
    return redirect(group)


@require_http_methods(["GET", "POST"])
@login_required
def group_join(request: HttpRequest, token: str) -> HttpResponse:
    invitation = get_object_or_404(Invitation.objects.select_related("group"), token=token)
    group = invitation.group
    if Membership.objects.filter(group=group, user=request.user).exists():
        return redirect(group)
    if request.method == "POST":
        try:
            services.group_join(invitation=invitation, user=request.user)
        except services.GroupError as error:
            messages.error(request, str(error))
            return redirect("groups")
        messages.success(request, f"You joined “{group.name}”.")
        return redirect(group)
    return render(request, "group_join.html", {"invitation": invitation, "group": group})


@require_POST
@login_required
def group_leave(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _get_membership(request, pk)
    try:
        services.group_leave(membership=membership)
    except services.GroupError as error:
        messages.error(request, str(error))
        return redirect(membership.group)
    messages.info(request, f"You left “{membership.group.name}”.")
    return redirect("groups")


@require_POST
@login_required
def member_remove(request: HttpRequest, pk: int, user_pk: int) -> HttpResponse:
    group = _get_owned_group(request, pk)
    member = _get_member(group, user_pk)
    try:
        services.member_remove(group=group, user=member)
    except services.GroupError as error:
        messages.error(request, str(error))
    return redirect(group)


@require_POST
@login_required
def group_hand_over(request: HttpRequest, pk: int, user_pk: int) -> HttpResponse:
    group = _get_owned_group(request, pk)
    member = _get_member(group, user_pk)
    services.group_hand_over(group=group, to=member)
    messages.success(request, f"{member.get_username()} now owns “{group.name}”.")
    return redirect(group)


@require_POST
@login_required
def moderator_set(request: HttpRequest, pk: int, user_pk: int) -> HttpResponse:
    group = _get_owned_group(request, pk)
    member = _get_member(group, user_pk)
    try:
        services.moderator_set(
            group=group, user=member, moderator=request.POST.get("moderator") == "1"
        )
    except services.GroupError as error:
        messages.error(request, str(error))
    return redirect(group)
