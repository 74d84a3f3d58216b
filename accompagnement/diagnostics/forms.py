"""Forms of the self-diagnosis pages (shape only: the services validate the rules)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from referentiels.models import ReferentielVersion


class AutodiagnosticCreateForm(forms.Form):
    version = forms.ModelChoiceField(
        label=_("Version du référentiel"),
        queryset=ReferentielVersion.objects.none(),
        error_messages={
            "required": _("Choisissez une version du référentiel."),
            "invalid_choice": _("Choisissez une version publiée du référentiel."),
        },
    )
    annee = forms.IntegerField(
        label=_("Année"),
        min_value=2000,
        max_value=2100,
        error_messages={"required": _("Indiquez l'année.")},
    )
    reprendre_precedent = forms.BooleanField(
        label=_("Partir des réponses du dernier autodiagnostic"), required=False, initial=True
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].queryset = ReferentielVersion.objects.filter(
            statut=ReferentielVersion.Statut.PUBLIE
        ).select_related("referentiel")
        self.fields["annee"].initial = timezone.now().year


class AnswerForm(forms.Form):
    valeur = forms.CharField(label=_("Cotation"), required=False)
    commentaire = forms.CharField(
        label=_("Commentaire"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class PreuveForm(forms.Form):
    fichier = forms.FileField(
        label=_("Ajouter une preuve"), error_messages={"required": _("Choisissez un fichier.")}
    )


class ConfirmForm(forms.Form):
    valeur = forms.CharField(label=_("Cotation confirmée"), required=False)
    commentaire = forms.CharField(
        label=_("Commentaire de l'expert"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    preuves = forms.TypedMultipleChoiceField(
        label=_("Preuves examinées"), required=False, coerce=int, choices=[]
    )

    def __init__(self, *args, preuve_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["preuves"].choices = [(pk, pk) for pk in preuve_ids]
