from django import forms

from accompagnement.reporting.models import BilanTerritoire, Campagne
from accompagnement.reporting.services import TERRITOIRE_TEXT_FIELDS


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class CampagneForm(forms.ModelForm):
    class Meta:
        model = Campagne
        fields = ("libelle", "semestre", "annee", "echeance", "territoire")
        widgets = {"echeance": DateInput()}

    def __init__(self, *args, territoires=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["libelle"].required = False
        if territoires is not None:
            self.fields["territoire"].queryset = territoires


class BilanTerritoireForm(forms.ModelForm):
    class Meta:
        model = BilanTerritoire
        fields = TERRITOIRE_TEXT_FIELDS
        widgets = {"date": DateInput()}
