"""The action form of the action page (fields people edit; the status has its own form
and workflow, the origin is set where the action comes from)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.utils.translation import gettext_lazy as _

from accompagnement.plans.models import Action, AxePolitique

if TYPE_CHECKING:
    from referentiels.models import Critere
    from tenants.models import User


class ActionForm(forms.Form):
    titre = forms.CharField(label=_("Titre"), max_length=255)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea, required=False)
    responsable: forms.ModelChoiceField[User] = forms.ModelChoiceField(
        label=_("Responsable"), queryset=None, required=False, empty_label=_("— personne —")
    )
    echeance = forms.DateField(
        label=_("Échéance"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    avancement = forms.IntegerField(label=_("Avancement (%)"), min_value=0, max_value=100)
    priorite = forms.ChoiceField(label=_("Priorité"), choices=Action.Priorite.choices)
    dimension = forms.ChoiceField(label=_("Dimension (Shortell)"), choices=Action.Dimension.choices)
    axe = forms.ModelChoiceField(
        label=_("Axe de la politique qualité"),
        queryset=AxePolitique.objects.order_by("numero"),
        required=False,
        empty_label=_("— aucun —"),
    )
    criteres: forms.ModelMultipleChoiceField[Critere] = forms.ModelMultipleChoiceField(
        label=_("Critères liés"), queryset=None, required=False
    )

    def __init__(self, *args, owners, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsable"].queryset = owners
        self.fields["responsable"].label_from_instance = lambda u: u.get_full_name() or u.email
        self.fields["criteres"].queryset = criteria
        self.fields["criteres"].label_from_instance = lambda c: f"{c.code} {c.titre}"

    @classmethod
    def initial_of(cls, action: Action) -> dict:
        return {
            "titre": action.titre,
            "description": action.description,
            "responsable": action.responsable_id,
            "echeance": action.echeance,
            "avancement": action.avancement,
            "priorite": action.priorite,
            "dimension": action.dimension,
            "axe": action.axe_id,
            "criteres": [c.pk for c in action.criteres.all()],
        }
