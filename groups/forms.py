from django import forms

from groups.models import ReadingGroup


class GroupForm(forms.ModelForm):
    class Meta:
        model = ReadingGroup
        fields = ["name", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError("A group needs a name.")
        return name
