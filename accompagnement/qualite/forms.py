"""Forms of the quality-management pages (labels in French; the services validate)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accompagnement.plans.models import Action
from accompagnement.qualite.models import (
    DocumentQualite,
    EvaluationPratique,
    MembreComite,
    ResultatCritere,
)
from tenants.models import User

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or obj.email


class MembreForm(forms.Form):
    user = PersonChoiceField(label=_("Personne"), queryset=User.objects.none())
    fonction = forms.CharField(
        label=_("Fonction au comité"),
        max_length=120,
        help_text=_("Par exemple : directrice, infirmière coordinatrice, aide à domicile."),
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = people


class ReunionForm(forms.Form):
    date = forms.DateTimeField(label=_("Date et heure"), widget=DATETIME)
    ordre_du_jour = forms.CharField(
        label=_("Ordre du jour"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    compte_rendu = forms.CharField(
        label=_("Compte rendu"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    presents = forms.ModelMultipleChoiceField(
        label=_("Membres présents"),
        queryset=MembreComite.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, membres, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["presents"].queryset = membres
        self.fields["presents"].label_from_instance = lambda m: (
            f"{m.user.get_full_name() or m.user.email} — {m.fonction}"
        )


class DecisionForm(forms.Form):
    texte = forms.CharField(label=_("Décision"), widget=forms.Textarea(attrs={"rows": 2}))
    create_action = forms.BooleanField(label=_("En faire une action du plan"), required=False)
    responsable = PersonChoiceField(
        label=_("Responsable de l'action"), queryset=User.objects.none(), required=False
    )
    echeance = forms.DateField(label=_("Échéance"), required=False, widget=DATE)
    dimension = forms.ChoiceField(
        label=_("Dimension (Shortell)"),
        choices=Action.Dimension.choices,
        initial=Action.Dimension.STRUCTURELLE,
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsable"].queryset = people


class DocumentForm(forms.Form):
    reference = forms.CharField(label=_("Référence"), max_length=30)
    titre = forms.CharField(label=_("Titre"), max_length=255)
    type = forms.ChoiceField(label=_("Type"), choices=DocumentQualite.Type.choices)
    proprietaire = PersonChoiceField(
        label=_("Responsable"), queryset=User.objects.none(), required=False
    )
    version = forms.CharField(label=_("Version"), max_length=20, initial="1")
    date_validation = forms.DateField(label=_("Validé le"), widget=DATE)
    date_revision = forms.DateField(label=_("À réviser avant le"), widget=DATE)
    fichier = forms.FileField(label=_("Fichier"), required=False)

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proprietaire"].queryset = people


class VersionForm(forms.Form):
    version = forms.CharField(label=_("Nouvelle version"), max_length=20)
    date_validation = forms.DateField(label=_("Validée le"), widget=DATE)
    date_revision = forms.DateField(label=_("À réviser avant le"), widget=DATE)
    modifications = forms.CharField(
        label=_("Modifications"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    fichier = forms.FileField(label=_("Fichier"), required=False)


class EvaluationForm(forms.Form):
    titre = forms.CharField(label=_("Titre"), max_length=255)
    thematique = forms.ChoiceField(
        label=_("Pratique évaluée"), choices=EvaluationPratique.Thematique.choices
    )
    objectif = forms.CharField(
        label=_("Objectif"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    dossiers_prevus = forms.IntegerField(label=_("Nombre de dossiers à auditer"), min_value=1)
    seuil = forms.IntegerField(
        label=_("Seuil de conformité attendu (%)"), min_value=0, max_value=100, initial=80
    )
    debut = forms.DateField(label=_("Début"), widget=DATE)
    criteres = forms.CharField(
        label=_("Critères (un par ligne)"), widget=forms.Textarea(attrs={"rows": 6})
    )


class AuditForm(forms.Form):
    reference = forms.CharField(
        label=_("Référence du dossier"),
        max_length=30,
        help_text=_("Un code (par exemple D-07), jamais le nom de la personne."),
    )
    audite_le = forms.DateField(label=_("Audité le"), widget=DATE)

    def __init__(self, *args, criteres, **kwargs):
        super().__init__(*args, **kwargs)
        for critere in criteres:
            self.fields[f"critere_{critere.pk}"] = forms.ChoiceField(
                label=critere.libelle,
                choices=ResultatCritere.Reponse.choices,
                widget=forms.RadioSelect,
            )

    def reponses(self) -> dict[int, str]:
        return {
            int(name.removeprefix("critere_")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("critere_")
        }
