from collections.abc import Iterable

from django import forms

from annotations.models import Tag
from fics.models import Work
from search.results import Scope


class SearchForm(forms.Form):
    """The search box and its filters; only the reader's own tags may be chosen."""

    q = forms.CharField(label="Search", required=False, max_length=200)
    work = forms.ModelChoiceField(queryset=Work.objects.all(), required=False)
    scope = forms.ChoiceField(label="In", choices=Scope.CHOICES, required=False)
    tag = forms.ModelChoiceField(queryset=Tag.objects.none(), required=False, empty_label="Any")
    fandom = forms.ChoiceField(required=False)

    def __init__(self, data, *, reader, fandoms: Iterable[str]):
        """`fandoms`: the library's (search.outline)."""
        super().__init__(data)
        tags = self.fields["tag"]
        tags.queryset = Tag.objects.filter(owner=reader).order_by("name")
        # Read once: the page's loop over the choices would count them, then read them.
        tags.choices = list(iter(tags.choices))
        self.fields["fandom"].choices = [("", "Any")] + [(f, f) for f in fandoms]

    def first_error(self) -> str:
        field, errors = next(iter(self.errors.items()))
        label = self.fields[field].label or field.capitalize() if field in self.fields else ""
        return f"{label}: {errors[0]}" if label else errors[0]
