from django import forms

from annotations.models import Colour, Tag
from groups.models import ReadingGroup


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
    # "me", "everyone" or "group:<id>"; without it, `shared` says me or everyone.
    audience = forms.CharField(required=False, max_length=20, label="Who sees it")
    # Kept whatever the audience: it takes effect whenever the note is shared.
    spoiler = forms.BooleanField(required=False)
    tags = forms.CharField(required=False, max_length=2000, label="Tags")
    # The kind of the tags this creates; existing tags keep theirs.
    tag_kind = forms.ChoiceField(choices=Tag.Kind.choices, required=False)

    def __init__(self, *args, reader=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.reader = reader

    def clean_tags(self) -> list[str]:
        return split_tag_names(self.cleaned_data["tags"])

    def clean(self):
        """Turn the audience into `shared` and `group`: a group only if the reader is in it."""
        data = super().clean()
        audience = data.get("audience") or ("everyone" if data.get("shared") else "me")
        data["shared"], data["group"] = audience == "everyone", None
        if audience.startswith("group:"):
            group_id = audience.removeprefix("group:")
            data["group"] = (
                ReadingGroup.objects.filter(pk=group_id, memberships__user=self.reader).first()
                if group_id.isdigit()
                else None
            )
            if data["group"] is None:
                self.add_error("audience", "You are not in that group.")
        elif audience not in {"me", "everyone"}:
            self.add_error("audience", "Choose only me, one of your groups or everyone.")
        return data


class SelectionForm(AnnotationForm):
    """A new annotation: where the browser says the selection is, and what it says it reads."""

    utf16_start = forms.IntegerField(min_value=0, label="Selection start")
    utf16_end = forms.IntegerField(min_value=0, label="Selection end")
    exact = forms.CharField(strip=False, max_length=200_000, label="Selected text")


class ReplyForm(FirstErrorMixin, forms.Form):
    text = forms.CharField(strip=False, max_length=20_000, label="Reply")
    in_reply_to = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def clean_text(self) -> str:
        if not self.cleaned_data["text"].strip():
            raise forms.ValidationError("Write something first.")
        return self.cleaned_data["text"]


class HideForm(FirstErrorMixin, forms.Form):
    note = forms.CharField(max_length=500, label="Why", help_text="Its author sees this.")


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
