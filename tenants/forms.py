"""Forms of the network pages (labels and messages in French, errors next to fields)."""

from __future__ import annotations

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from tenants.models import (
    EvenementFormation,
    GroupeTravail,
    Invitation,
    Structure,
    Territoire,
    User,
)


class ActivationForm(forms.Form):
    """Accepting an invitation as a new person: name and password."""

    first_name = forms.CharField(label=_("Prénom"), max_length=150)
    last_name = forms.CharField(label=_("Nom"), max_length=150)
    password1 = forms.CharField(
        label=_("Mot de passe"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_(
            "Au moins 12 caractères, ni trop courant ni proche de votre nom ou de votre "
            "adresse, pas uniquement des chiffres."
        ),
    )
    password2 = forms.CharField(
        label=_("Confirmation du mot de passe"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("Les deux mots de passe ne correspondent pas."))
        elif data.get("password1"):
            try:
                password_validation.validate_password(
                    data["password1"],
                    User(
                        email=self.email,
                        first_name=data.get("first_name", ""),
                        last_name=data.get("last_name", ""),
                    ),
                )
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "phone", "function"]


class OTPTokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code à 6 chiffres (ou code de secours)"),
        max_length=24,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class ApiTokenForm(forms.Form):
    """A new personal API token: a name to recognise it, and how long it lasts."""

    name = forms.CharField(
        label=_("Nom du jeton"),
        max_length=100,
        required=False,
        help_text=_("Par exemple « script d'export » : pour le reconnaître et le révoquer."),
    )
    expires_days = forms.TypedChoiceField(
        label=_("Validité"),
        coerce=int,
        choices=[
            (30, _("30 jours")),
            (90, _("90 jours")),
            (365, _("1 an")),
            (0, _("Sans expiration")),
        ],
        initial=365,
    )


class StructureForm(forms.ModelForm):
    class Meta:
        model = Structure
        fields = [
            "nom",
            "slug",
            "type",
            "finess",
            "siret",
            "adresse",
            "code_postal",
            "ville",
            "territoire",
            "groupes",
            "phase",
            "date_engagement",
            "date_deploiement",
            "echelle_par_niveau",
            "directeur_nom",
            "directeur_email",
            "referent_nom",
            "referent_email",
        ]
        widgets = {
            "date_engagement": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "date_deploiement": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "groupes": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "finess": _("9 caractères, clé de contrôle comprise (ex. 590000000)."),
            "siret": _("14 chiffres."),
            "slug": _("Utilisé dans l'adresse des pages (/s/…/) ; non modifiable ensuite."),
        }

    def __init__(self, *args, territoires=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        if territoires is not None:
            self.fields["territoire"].queryset = territoires
            # A group may gather structures of several territories: any group is offered.
            self.fields["groupes"].queryset = GroupeTravail.objects.select_related("territoire")
        if self.instance.pk:
            self.fields["slug"].disabled = True

    def validate_unique(self):
        """Uniqueness is checked by the service (with the schema name)."""


class TerritoireForm(forms.ModelForm):
    class Meta:
        model = Territoire
        fields = ["code", "nom"]


class GroupeForm(forms.ModelForm):
    class Meta:
        model = GroupeTravail
        fields = ["territoire", "nom"]

    def __init__(self, *args, territoires=None, **kwargs):
        super().__init__(*args, **kwargs)
        if territoires is not None:
            self.fields["territoire"].queryset = territoires


class ImportForm(forms.Form):
    fichier = forms.FileField(
        label=_("Fichier CSV ou XLSX"),
        help_text=_("Une ligne par structure ; voir le modèle de colonnes."),
    )


class InvitationForm(forms.ModelForm):
    class Meta:
        model = Invitation
        fields = ["email", "role", "structure", "territoire", "groupe"]

    def __init__(self, *args, structures=None, territoires=None, groupes=None, **kwargs):
        super().__init__(*args, **kwargs)
        if structures is not None:
            self.fields["structure"].queryset = structures
        if territoires is not None:
            self.fields["territoire"].queryset = territoires
        if groupes is not None:
            self.fields["groupe"].queryset = groupes


class PersonChoiceField(forms.ModelMultipleChoiceField):
    """People ticked by name (their e-mail when they have none)."""

    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.email


def _people_field(label, help_text) -> PersonChoiceField:
    """Boxes to tick, one per person (the view gives the people)."""
    return PersonChoiceField(
        label=label,
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=help_text,
    )


class EvenementFormationForm(forms.Form):
    """A training of experts or an awareness session for pilots, and who attended; whether
    each person fits the event's kind is checked by ``tenants.formations``."""

    type = forms.ChoiceField(label=_("Type"), choices=EvenementFormation.Type.choices)
    intitule = forms.CharField(label=_("Intitulé"), max_length=200)
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    territoire = forms.ModelChoiceField(
        label=_("Territoire"),
        queryset=Territoire.objects.order_by("nom"),
        required=False,
        empty_label=_("National"),
        help_text=_("Vide : événement national."),
    )
    experts = _people_field(_("Experts-réseau présents"), _("Pour une formation des experts."))
    pilotes = _people_field(_("Pilotes présents"), _("Pour une sensibilisation des pilotes."))

    def __init__(self, *args, experts=None, pilotes=None, **kwargs):
        super().__init__(*args, **kwargs)
        if experts is not None:
            self.fields["experts"].queryset = experts
        if pilotes is not None:
            self.fields["pilotes"].queryset = pilotes

    def wrong_kind_field(self) -> str:
        """The field holding people who do not fit the chosen kind of event."""
        training = self.cleaned_data.get("type") == EvenementFormation.Type.FORMATION_EXPERTS
        return "pilotes" if training else "experts"
