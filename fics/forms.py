from django import forms
from django.conf import settings

from fics.models import Work


class WorkForm(forms.ModelForm):
    class Meta:
        model = Work
        fields = ["title", "author", "fandom", "language", "summary", "notes"]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 5}),
            "notes": forms.Textarea(attrs={"rows": 5}),
        }


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field that takes several files at once (Django's documented recipe)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single_file_clean = super().clean
        if isinstance(data, list | tuple) and data:
            return [single_file_clean(item, initial) for item in data]
        # No file at all: the single-file clean raises "This field is required".
        return [single_file_clean(data or None, initial)]


class UploadForm(forms.Form):
    stories = MultipleFileField(
        label="Story files",
        help_text=(
            "Text, Markdown, HTML (AO3, FanFiction.net), EPUB, Kindle (MOBI, AZW3) or PDF; "
            f"up to {settings.MAX_UPLOAD_MB} MB each."
        ),
        # An empty file is reported like any other failure, in the results list.
        allow_empty_file=True,
    )


class AddressForm(forms.Form):
    """A story's address, fetched by FanFicFare (fics.following)."""

    address = forms.URLField(
        label="Story address",
        max_length=500,
        assume_scheme="https",
        help_text="A story on AO3, FanFiction.net or any site FanFicFare supports.",
    )
    # The reader's own answer, for this story only: nothing of it is kept once it is fetched.
    is_adult = forms.BooleanField(
        label="I am an adult and want adult content where the site asks", required=False
    )
