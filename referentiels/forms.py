from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from referentiels.models import DocumentOutil, Noeud, Referentiel


def _lines(value: str) -> list[str]:
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


class DraftForm(forms.Form):
    referentiel = forms.ModelChoiceField(
        Referentiel.objects.all(), label=_("Référentiel existant"), required=False
    )
    code = forms.SlugField(
        label=_("ou code d'un nouveau référentiel"), required=False, max_length=80
    )
    titre = forms.CharField(label=_("Titre du nouveau référentiel"), required=False, max_length=255)
    numero = forms.CharField(label=_("Numéro de version"), max_length=50)
    libelle = forms.CharField(label=_("Libellé"), required=False, max_length=255)

    def clean(self):
        data = super().clean()
        if not data.get("referentiel") and not (data.get("code") and data.get("titre")):
            raise forms.ValidationError(
                _("Choisissez un référentiel ou indiquez le code et le titre d'un nouveau.")
            )
        return data


class ImportForm(forms.Form):
    fichier = forms.FileField(label=_("Fichier YAML, JSON ou Excel (.xlsx), 5 Mo au plus"))


class NextVersionForm(forms.Form):
    numero = forms.CharField(label=_("Numéro de la nouvelle version"), max_length=50)


class CritereForm(forms.Form):
    noeud = forms.ModelChoiceField(Noeud.objects.none(), label=_("Objectif / nœud"))
    code = forms.CharField(label=_("Code"), max_length=50)
    titre = forms.CharField(label=_("Intitulé"), widget=forms.Textarea(attrs={"rows": 2}))
    niveau = forms.IntegerField(label=_("Niveau"), required=False, min_value=1, max_value=9)
    explication = forms.CharField(
        label=_("Explication"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    exemples = forms.CharField(
        label=_("Exemples"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    contenu_attendu = forms.CharField(
        label=_("Contenu attendu"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    sources = forms.CharField(
        label=_("Sources (une par ligne)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    preuves = forms.CharField(
        label=_("Éléments de preuve (un par ligne)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    type_livrable = forms.CharField(label=_("Type de livrable lié"), required=False, max_length=80)
    imperatif = forms.BooleanField(label=_("Impératif"), required=False)
    indicateur_effectivite = forms.BooleanField(label=_("Indicateur d'effectivité"), required=False)
    applicabilite = forms.MultipleChoiceField(
        label=_("Types de structure concernés (aucun = tous)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(t, t) for t in ("SSIAD", "SAAD", "SPASAD", "SAP")],
    )

    def __init__(self, *args, version, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["noeud"].queryset = Noeud.objects.filter(version=version).order_by("ordre")

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["sources"], data["preuves"] = _lines(data["sources"]), _lines(data["preuves"])
        return data


class DocumentForm(forms.Form):
    titre = forms.CharField(label=_("Titre"), max_length=255)
    type = forms.ChoiceField(label=_("Type"), choices=DocumentOutil.Type.choices)
    texte = forms.CharField(
        label=_("Texte du guide"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    critere_code = forms.CharField(
        label=_("Code du critère (facultatif)"), required=False, max_length=50
    )
    fichier = forms.FileField(label=_("Fichier modèle (facultatif)"), required=False)


class DocumentFileForm(forms.Form):
    fichier = forms.FileField(label=_("Nouvelle version du fichier"))
