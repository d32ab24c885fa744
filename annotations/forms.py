from django import forms

from annotations.models import Colour, Tag


class FirstErrorMixin:
    def first_error(self) -> str:
        for field, errors in self.errors.items():
            label = self.fields[field].label if field in self.fields else ""
            return f"{label}: {errors[0]}" if label else errors[0]
        return ""


def split_tag_names(value: str) -> list[str]:
    return [name.strip() for name in value.split(",") if name.strip()]


class AnnotationForm(FirstErrorMixin, forms.Form):
    colour = forms.ChoiceField(choices=Colour.choices, required=False)
    note = forms.CharField(required=False, strip=False, max_length=20_000, label="Note")
    shared = forms.BooleanField(required=False)
    tags = forms.CharField(required=False, max_length=2000, label="Tags")
    # The kind of the tags this creates; existing tags keep theirs.
    tag_kind = forms.ChoiceField(choices=Tag.Kind.choices, required=False)

    def clean_tags(self) -> list[str]:
        return split_tag_names(self.cleaned_data["tags"])


class SelectionForm(AnnotationForm):
    """A new annotation: where the browser says the selection is, and what it says it reads."""

    utf16_start = forms.IntegerField(min_value=0, label="Selection start")
    utf16_end = forms.IntegerField(min_value=0, label="Selection end")
    exact = forms.CharField(strip=False, max_length=200_000, label="Selected text")


class TagForm(FirstErrorMixin, forms.ModelForm):
    class Meta:
        model = Tag
        fields = ["name", "kind", "colour"]

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        others = Tag.objects.filter(owner=self.instance.owner).exclude(pk=self.instance.pk)
        if any(tag.name.casefold() == name.casefold() for tag in others):
            raise forms.ValidationError(f"You already have a tag “{name}”: merge them instead.")
        return name


class TagMergeForm(FirstErrorMixin, forms.Form):
    into = forms.ModelChoiceField(queryset=Tag.objects.none(), label="Merge into")

    def __init__(self, *args, owner, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = Tag.objects.filter(owner=owner)
