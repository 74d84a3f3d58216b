"""Collective work of the network (public schema)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# One list of priorities: a collective action's copies land in each structure's plan.
from accompagnement.plans.models import Priorite


class TypeLivrable(models.Model):
    """A kind of deliverable (welcome booklet, contract…), linked to its criterion code.

    Managed by the federation admin; the deck's list is loaded by the demo/sample loader.
    """

    code = models.SlugField(_("code"), max_length=80, unique=True)
    libelle = models.CharField(_("libellé"), max_length=255)
    critere_code = models.CharField(_("critère lié"), max_length=50, blank=True)
    description = models.TextField(_("description"), blank=True)
    ordre = models.PositiveIntegerField(_("ordre"), default=0)
    actif = models.BooleanField(_("actif"), default=True)

    class Meta:
        verbose_name = _("type de livrable")
        verbose_name_plural = _("types de livrable")
        ordering = ["ordre", "libelle"]

    def __str__(self) -> str:
        return self.libelle


class Horizon(models.TextChoices):
    COURT = "court", _("Court terme")
    MOYEN = "moyen", _("Moyen terme")
    LONG = "long", _("Long terme")


class SoumissionLivrable(models.Model):
    """Public index row of one submitted deliverable version (the source of truth is the
    ``LivrableVersion`` in the structure's schema).

    Maintained by ``accompagnement.livrables.services`` on submission and decision, so the
    expert's review queue and the finalised-tools list never loop over tenant schemas.
    """

    class Statut(models.TextChoices):
        SOUMIS = "soumis", _("Soumis")
        VALIDE = "valide", _("Validé")
        A_REPRENDRE = "a_reprendre", _("À reprendre")

    structure = models.ForeignKey("tenants.Structure", on_delete=models.CASCADE, related_name="+")
    type_livrable = models.ForeignKey(TypeLivrable, on_delete=models.PROTECT, related_name="+")
    livrable_id = models.PositiveBigIntegerField()
    version_id = models.PositiveBigIntegerField()
    numero = models.PositiveIntegerField()
    titre = models.CharField(max_length=255)
    statut = models.CharField(max_length=20, choices=Statut.choices, default=Statut.SOUMIS)
    submitted_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("livrable soumis (index)")
        verbose_name_plural = _("livrables soumis (index)")
        ordering = ["submitted_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["structure", "version_id"], name="soumission_livrable_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["decided_at", "submitted_at"], name="soumission_attente_idx")
        ]

    def __str__(self) -> str:
        return f"{self.structure_id} · {self.titre} v{self.numero}"


class AdhesionGroupe(models.Model):
    """When a structure joined a working group (for the participation rate).

    Without a row, the structure's ``date_engagement`` is used.
    """

    groupe = models.ForeignKey(
        "tenants.GroupeTravail", on_delete=models.CASCADE, related_name="adhesions"
    )
    structure = models.ForeignKey("tenants.Structure", on_delete=models.CASCADE, related_name="+")
    date_entree = models.DateField(_("membre depuis le"))

    class Meta:
        verbose_name = _("adhésion à un groupe")
        verbose_name_plural = _("adhésions aux groupes")
        constraints = [
            models.UniqueConstraint(fields=["groupe", "structure"], name="adhesion_groupe_unique")
        ]

    def __str__(self) -> str:
        return f"{self.structure_id} ∈ {self.groupe_id} ({self.date_entree})"


class PlanningTheme(models.Model):
    """One theme of the frame worked by the group over a period (3 to 4 months)."""

    groupe = models.ForeignKey(
        "tenants.GroupeTravail", on_delete=models.CASCADE, related_name="planning_themes"
    )
    theme_code = models.CharField(_("code du thème"), max_length=50)
    theme_titre = models.CharField(_("thème"), max_length=255)
    date_debut = models.DateField(_("début"))
    date_fin = models.DateField(_("fin"))

    class Meta:
        verbose_name = _("thème planifié")
        verbose_name_plural = _("planning par thème")
        ordering = ["groupe", "date_debut"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(date_fin__gt=models.F("date_debut")),
                name="planning_fin_apres_debut",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.theme_code} {self.theme_titre}"


class ActionCollective(models.Model):
    """An action of a group's collective plan, written by its expert, followed per structure."""

    groupe = models.ForeignKey(
        "tenants.GroupeTravail", on_delete=models.CASCADE, related_name="actions_collectives"
    )
    titre = models.CharField(_("titre"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    criteres_codes = models.JSONField(_("critères liés"), default=list, blank=True)
    theme_code = models.CharField(_("thème"), max_length=50, blank=True)
    dimension = models.CharField(_("dimension"), max_length=20, default="technique")
    priorite = models.CharField(
        _("priorité"), max_length=10, choices=Priorite.choices, default=Priorite.MOYENNE
    )
    faisabilite = models.TextField(_("faisabilité"), blank=True)
    horizon = models.CharField(
        _("horizon"), max_length=10, choices=Horizon.choices, default=Horizon.MOYEN
    )
    echeance = models.DateField(_("échéance"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("action collective")
        verbose_name_plural = _("actions collectives")
        ordering = ["groupe", "echeance", "pk"]

    def __str__(self) -> str:
        return self.titre


class SuiviActionCollective(models.Model):
    """Each member structure's own status on a collective action (a copy of the status of
    the structure's ``Action``, kept here so the collective view reads one table)."""

    action_collective = models.ForeignKey(
        ActionCollective, on_delete=models.CASCADE, related_name="suivis"
    )
    structure = models.ForeignKey("tenants.Structure", on_delete=models.CASCADE, related_name="+")
    action_id = models.PositiveBigIntegerField(null=True, blank=True)
    statut = models.CharField(_("statut"), max_length=20, default="a_faire")
    avancement = models.PositiveSmallIntegerField(_("avancement (%)"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("suivi d'une action collective")
        verbose_name_plural = _("suivis des actions collectives")
        constraints = [
            models.UniqueConstraint(
                fields=["action_collective", "structure"], name="suivi_action_collective_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action_collective_id} · {self.structure_id}: {self.statut}"


class ReunionCollective(models.Model):
    """A meeting of a working group, with its agenda and minutes."""

    groupe = models.ForeignKey(
        "tenants.GroupeTravail", on_delete=models.CASCADE, related_name="reunions"
    )
    date = models.DateTimeField(_("date et heure"))
    duree_minutes = models.PositiveIntegerField(_("durée (minutes)"), default=180)
    lieu = models.CharField(_("lieu"), max_length=255)
    theme = models.CharField(_("thème"), max_length=255, blank=True)
    ordre_du_jour = models.TextField(_("ordre du jour"), blank=True)
    compte_rendu = models.TextField(_("compte rendu"), blank=True)
    compte_rendu_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    compte_rendu_at = models.DateTimeField(null=True, blank=True)
    annulee = models.BooleanField(_("annulée"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("réunion collective")
        verbose_name_plural = _("réunions collectives")
        ordering = ["groupe", "date"]

    def __str__(self) -> str:
        return f"{self.groupe_id} · {self.date:%d/%m/%Y}"


class PieceJointeReunion(models.Model):
    reunion = models.ForeignKey(
        ReunionCollective, on_delete=models.CASCADE, related_name="pieces_jointes"
    )
    fichier = models.FileField(_("fichier"), upload_to="reunions/")
    nom_original = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100, blank=True)
    taille = models.PositiveBigIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("pièce jointe de réunion")
        verbose_name_plural = _("pièces jointes de réunion")
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.nom_original


class QuestionReunion(models.Model):
    """A question of the day (workshop minutes)."""

    reunion = models.ForeignKey(
        ReunionCollective, on_delete=models.CASCADE, related_name="questions"
    )
    texte = models.TextField(_("question"))
    ordre = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["reunion", "ordre", "pk"]

    def __str__(self) -> str:
        return self.texte[:60]


class IdeeReunion(models.Model):
    """An idea raised in the workshop, with how many times it was expressed."""

    reunion = models.ForeignKey(ReunionCollective, on_delete=models.CASCADE, related_name="idees")
    question = models.ForeignKey(
        QuestionReunion, on_delete=models.SET_NULL, null=True, blank=True, related_name="idees"
    )
    texte = models.TextField(_("idée"))
    occurrences = models.PositiveIntegerField(_("nombre de fois exprimée"), default=1)

    class Meta:
        ordering = ["reunion", "-occurrences", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(occurrences__gte=1), name="idee_occurrences_min_1"
            )
        ]

    def __str__(self) -> str:
        return f"{self.texte[:60]} ×{self.occurrences}"


class PropositionReunion(models.Model):
    """A workshop proposal; it becomes a collective action (priority, feasibility, horizon)."""

    reunion = models.ForeignKey(
        ReunionCollective, on_delete=models.CASCADE, related_name="propositions"
    )
    texte = models.TextField(_("proposition"))
    priorite = models.CharField(
        _("priorité"), max_length=10, choices=Priorite.choices, default=Priorite.MOYENNE
    )
    faisabilite = models.TextField(_("faisabilité"), blank=True)
    horizon = models.CharField(
        _("horizon"), max_length=10, choices=Horizon.choices, default=Horizon.MOYEN
    )
    action_collective = models.OneToOneField(
        ActionCollective,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposition",
    )

    class Meta:
        ordering = ["reunion", "pk"]

    def __str__(self) -> str:
        return self.texte[:60]


class Emargement(models.Model):
    """Attendance: a structure was present at a meeting, with the people who came."""

    reunion = models.ForeignKey(
        ReunionCollective, on_delete=models.CASCADE, related_name="emargements"
    )
    structure = models.ForeignKey("tenants.Structure", on_delete=models.CASCADE, related_name="+")
    personnes = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    participants = models.TextField(_("autres participants (un par ligne)"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("émargement")
        verbose_name_plural = _("émargements")
        constraints = [
            models.UniqueConstraint(fields=["reunion", "structure"], name="emargement_unique")
        ]

    def __str__(self) -> str:
        return f"{self.reunion_id} · {self.structure_id}"
