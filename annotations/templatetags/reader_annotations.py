"""What library pages (fics) show of a reader's annotations, without fics importing them."""

from django import template

from annotations.models import Annotation

register = template.Library()


@register.inclusion_tag("_work_orphans.html", takes_context=True)
def work_orphans(context, work) -> dict:
    """The reader's annotations on this work whose words an update took away."""
    orphans = (
        Annotation.objects.live()
        .filter(owner=context["request"].user, chapter__work=work, orphaned=True)
        .exclude(orphan_dismissed=True)
        .select_related("chapter")
    )
    return {"orphans": orphans, "work": work}
