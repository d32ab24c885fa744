"""What group pages (groups) show of the group's annotations, without groups importing them."""

from django import template

from annotations.group_activity import group_activity, group_works

register = template.Library()


@register.inclusion_tag("_group_activity.html", takes_context=True)
def group_reading(context, group, since) -> dict:
    """The group's works and its recent annotations and replies, those after `since` marked
    new."""
    reader = context["request"].user
    return {
        "group": group,
        "reader": reader,
        "works": group_works(group, reader),
        "activity": group_activity(group, reader, since),
        "moderator": context.get("membership") and context["membership"].moderator,
        "csrf_token": context.get("csrf_token"),
    }
