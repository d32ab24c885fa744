"""What library pages (fics) show of a reader's annotations, without fics importing them."""

from django import template

from annotations.orphan_queue import orphans_to_repair

register = template.Library()


@register.inclusion_tag("_work_orphans.html", takes_context=True)
def work_orphans(context, work) -> dict:
    """The reader's annotations on this work whose words an update took away."""
    return {"orphans": orphans_to_repair(work, context["request"].user), "work": work}
