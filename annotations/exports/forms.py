"""The export and import forms: they validate and normalise, the views act."""

from django import forms
from django.conf import settings

from annotations.exports.collect import ExportScope
from annotations.exports.formats import FORMATS
from annotations.exports.web_annotation import ExportFileError, ImportedFile, read_web_annotation
from annotations.models import Colour, Tag

WHOLE_WORK = "work"
ONE_CHAPTER = "chapter"


class ExportForm(forms.Form):
    scope = forms.ChoiceField(
        choices=[(ONE_CHAPTER, "One chapter"), (WHOLE_WORK, "The whole work")],
        widget=forms.RadioSelect,
        initial=WHOLE_WORK,
    )
    chapter = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    format = forms.ChoiceField(
        choices=[(f.key, f.label) for f in FORMATS.values()],
        widget=forms.RadioSelect,
        initial="md",
    )
    include_shared = forms.BooleanField(
        required=False,
        label="Include what others share with you (with everyone, or your groups)",
        help_text="Their spoilers of chapters you have not read past are left out.",
    )
    include_replies = forms.BooleanField(
        required=False, label="Include the replies under each annotation (always in JSON)"
    )
    tag = forms.CharField(required=False, max_length=80, label="Only with the tag")
    kind = forms.ChoiceField(
        choices=[("", "any kind"), *Tag.Kind.choices], required=False, label="Only tags of kind"
    )
    colour = forms.ChoiceField(
        choices=[("", "any colour"), *Colour.choices], required=False, label="Only the colour"
    )

    def __init__(self, *args, chapters, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chapter"].choices = [(c.position, c.display_title) for c in chapters]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("scope") == ONE_CHAPTER and cleaned.get("chapter") is None:
            self.add_error("chapter", "Choose the chapter to export.")
        return cleaned

    def export_scope(self) -> ExportScope:
        data = self.cleaned_data
        return ExportScope(
            chapter=data["chapter"] if data["scope"] == ONE_CHAPTER else None,
            include_shared=data["include_shared"],
            include_replies=data["include_replies"] or data["format"] == "json",
            tag=" ".join(data["tag"].split()),
            kind=data["kind"],
            colour=data["colour"],
        )


class ImportForm(forms.Form):
    file = forms.FileField(label="A JSON export from Marginalia")

    def clean_file(self) -> ImportedFile:
        uploaded = self.cleaned_data["file"]
        if uploaded.size > settings.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"The file is larger than {settings.MAX_UPLOAD_MB} MB: is it an export?"
            )
        try:
            return read_web_annotation(uploaded.read())
        except ExportFileError as error:
            raise forms.ValidationError(str(error)) from error
