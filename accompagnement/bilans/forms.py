from django import forms

from accompagnement.bilans.models import BilanStructure
from accompagnement.bilans.services import TEXT_FIELDS


class BilanStructureForm(forms.ModelForm):
    class Meta:
        model = BilanStructure
        fields = TEXT_FIELDS
        widgets = {"date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
