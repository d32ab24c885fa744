from django import forms

from annotations.models import Tag


class FirstErrorMixin:
    def first_error(self) -> str:
        for field, errors in self.errors.items():
            label = self.fields[field].label if field in self.fields else ""
            return f"{label}: {errors[0]}" if label else errors[0]
        return ""


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
