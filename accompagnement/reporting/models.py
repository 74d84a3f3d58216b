"""Reporting (public schema): review campaigns, the immutable store of submitted
structure reviews (``InstantaneBilan``) that consolidation reads, and the territorial
review (``BilanTerritoire``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.errors import BusinessError, CommonError
from core.models import TransitionLog


class Campagne(models.Model):
    """A campaign of semi-annual reviews ("S2 2016"), for the whole network (no territory)
    or for one territory."""

    libelle = models.CharField(_("libellé"), max_length=100)
    semestre = models.PositiveSmallIntegerField(
        _("semestre"), choices=[(1, _("1er semestre")), (2, _("2e semestre"))]
    )
    annee = models.PositiveSmallIntegerField(_("année"))
    echeance = models.DateField(_("date limite de dépôt"))
    territoire = models.ForeignKey(
        "tenants.Territoire",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="campagnes",
        verbose_name=_("territoire"),
        help_text=_("Vide : toutes les structures du réseau."),
    )
    ouverte_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # The structures engaged in the programme at the opening (recorded then: a structure
    # created, engaged or moved later does not change who this campaign concerns).
    structures_concernees = models.ManyToManyField(
        "tenants.Structure",
        related_name="campagnes_concernees",
        blank=True,
        verbose_name=_("structures concernées"),
    )
    perimetre_enregistre = models.BooleanField(
        _("structures concernées enregistrées à l'ouverture"), default=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("campagne de bilans")
        verbose_name_plural = _("campagnes de bilans")
        ordering = ["-annee", "-semestre", "-echeance"]
        constraints = [
            models.UniqueConstraint(
                fields=["annee", "semestre", "territoire"],
                name="campagne_unique_par_perimetre",
                nulls_distinct=False,
            ),
        ]

    def __str__(self) -> str:
        return self.libelle


class InstantaneQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise _immutable()

    def delete(self):
        raise _immutable()


def _immutable() -> BusinessError:
    return BusinessError(
        CommonError.IMMUTABLE,
        gettext("Un bilan soumis est figé : il ne peut être ni modifié ni supprimé."),
        status=409,
    )


class InstantaneBilan(models.Model):
    """The immutable snapshot of a submitted structure review and all its figures.

    Written once by ``reporting.services.record_snapshot``; any later save, update or
    delete raises. Consolidation reads only this table (never the tenant schemas).
    Rates are fractions 0..1 (``None`` = not measured).
    """

    campagne = models.ForeignKey(Campagne, on_delete=models.PROTECT, related_name="instantanes")
    # Empty once the structure has been purged: the network keeps the figures, anonymised
    # (``anonymise_for_purge``), so past consolidations stay right.
    structure = models.ForeignKey(
        "tenants.Structure",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="instantanes_bilan",
    )
    structure_nom = models.CharField(max_length=200)
    territoire = models.ForeignKey(
        "tenants.Territoire",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="instantanes_bilan",
    )
    groupe_ids = models.JSONField(default=list)
    soumis_le = models.DateTimeField()
    soumis_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    en_retard = models.BooleanField(default=False)
    # Headline figures (columns, for fast consolidation)
    taux_declare = models.FloatField(null=True)
    taux_confirme = models.FloatField(null=True)
    tous_niveau1 = models.BooleanField(null=True)
    tous_niveau2 = models.BooleanField(null=True)
    taux_plan_actions = models.FloatField(null=True)
    taux_participation = models.FloatField(null=True)
    taux_satisfaits = models.FloatField(null=True)
    reclamations = models.PositiveIntegerField(null=True)
    taux_mecontents = models.FloatField(null=True)
    # Detail: {"themes": {code: {"titre", "declare", "confirme"}}, "niveaux": {...},
    # "criteres_cibles": {code: bool|None}, "annees": {...}, ...}
    indicateurs = models.JSONField(default=dict)
    # The review's text fields as submitted
    contenu = models.JSONField(default=dict)

    objects = InstantaneQuerySet.as_manager()

    class Meta:
        verbose_name = _("bilan soumis (instantané)")
        verbose_name_plural = _("bilans soumis (instantanés)")
        ordering = ["campagne", "structure_nom"]
        constraints = [
            models.UniqueConstraint(
                fields=["campagne", "structure"], name="instantane_unique_par_campagne"
            ),
        ]
        indexes = [
            models.Index(fields=["campagne", "territoire"], name="instantane_campagne_terr_idx"),
            # Territory-only filters (evolution of a territory over its campaigns).
            models.Index(fields=["territoire", "campagne"], name="instantane_terr_campagne_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.campagne} — {self.structure_nom}"

    def save(self, *args, **kwargs):
        if self.pk is not None or kwargs.get("force_update"):
            raise _immutable()
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise _immutable()

    # Called by ``tenants.operations.deletion`` (found through the relation to Structure).
    @classmethod
    def anonymise_for_purge(cls, structure) -> int:
        """The structure leaves the network: its snapshots keep their figures (territory,
        groups, rates) and lose the structure, its name, its author and its free texts."""
        from django.db.models.expressions import RawSQL

        from accompagnement.reporting import materialised

        snapshots = cls._base_manager.filter(structure=structure)
        scopes = list(snapshots.values_list("campagne_id", "territoire_id", "groupe_ids"))
        # The one write a snapshot allows (erasure), hence the plain queryset's update.
        count = snapshots.update(
            structure=None,
            structure_nom="",
            soumis_par=None,
            contenu=RawSQL("jsonb_build_object('figures', contenu -> 'figures')", []),
        )
        # Its rows leave the materialised scopes (names, drill-down), in this transaction;
        # campaigns in ascending order, as every writer locks them (no deadlock).
        keys: dict[int, set[materialised.Key]] = {}
        for campagne_id, territoire_id, groupe_ids in scopes:
            keys.setdefault(campagne_id, set()).update(
                materialised.keys_of(territoire_id, groupe_ids)
            )
        for campagne_id in sorted(keys):
            materialised.refresh(campagne_id, materialised.sorted_keys(keys[campagne_id]))
        return count


class AgregatCampagne(models.Model):
    """The consolidation figures of one campaign for one scope (the network: no territory
    and no group; a territory; a working group; a group within a territory), computed from
    the snapshot store by ``reporting.materialised`` in the transaction of each submission
    and of each erasure, so a dashboard reads one row instead of aggregating the scope.

    A copy, never the source: a trigger on ``InstantaneBilan`` deletes the rows of the
    scopes a written snapshot belongs to (whatever writes it: a bulk insert, a restore, raw
    SQL), and a scope without its row is computed live; ``manage.py
    rebuild_consolidation`` rebuilds them all (docs/scaling.md).
    """

    campagne = models.ForeignKey(Campagne, on_delete=models.CASCADE, related_name="+")
    # Ids as in the snapshots (a group may be deleted; its snapshots keep its id).
    territoire_id = models.PositiveIntegerField(null=True)
    groupe_id = models.PositiveIntegerField(null=True)
    bilans = models.PositiveIntegerField(default=0)
    # JSON texts: the figures of ``aggregates.scope_figures`` plus the drill-down lines
    # (``enfants``); the headline means (evolution); the per-structure rows, as sent.
    figures = models.TextField()
    entete = models.TextField()
    lignes = models.TextField()
    calcule_le = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("agrégats d'une campagne (par périmètre)")
        verbose_name_plural = _("agrégats des campagnes (par périmètre)")
        constraints = [
            models.UniqueConstraint(
                fields=["campagne", "territoire_id", "groupe_id"],
                name="agregat_unique_par_perimetre",
                nulls_distinct=False,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campagne_id} · {self.territoire_id} · {self.groupe_id}"


class BilanTerritoire(models.Model):
    """The territorial review (UT form), pre-filled by consolidation, completed and
    submitted by the pilot."""

    class Statut(models.TextChoices):
        BROUILLON = "brouillon", _("Brouillon")
        SOUMIS = "soumis", _("Soumis")

    campagne = models.ForeignKey(
        Campagne, on_delete=models.PROTECT, related_name="bilans_territoire"
    )
    territoire = models.ForeignKey(
        "tenants.Territoire", on_delete=models.PROTECT, related_name="bilans"
    )
    statut = models.CharField(
        _("statut"), max_length=20, choices=Statut.choices, default=Statut.BROUILLON
    )
    date = models.DateField(_("date"), null=True, blank=True)
    lieu = models.CharField(_("lieu"), max_length=200, blank=True)
    auteur = models.CharField(_("rédigé par"), max_length=200, blank=True)
    pilote_nom = models.CharField(_("nom du pilote"), max_length=200, blank=True)
    pilote_fonction = models.CharField(_("fonction"), max_length=200, blank=True)
    pilote_telephone = models.CharField(_("téléphone"), max_length=30, blank=True)
    themes_criteres_etudies = models.TextField(_("thèmes et critères étudiés"), blank=True)
    avancement_plan_collectif = models.TextField(
        _("avancement du plan d'actions collectif"), blank=True
    )
    dynamique_reseau = models.TextField(_("dynamique de réseau"), blank=True)
    echanges_structures = models.TextField(_("échanges entre structures"), blank=True)
    nb_structures_engagees = models.PositiveIntegerField(
        _("nombre de structures engagées dans le module"), null=True, blank=True
    )
    nb_reunions = models.PositiveIntegerField(
        _("nombre de réunions de travail"), null=True, blank=True
    )
    taux_participation = models.DecimalField(
        _("taux de participation des structures aux réunions du groupe (%)"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
    )
    livrable_planning = models.TextField(_("planning du groupe"), blank=True)
    livrable_comptes_rendus = models.TextField(_("comptes rendus"), blank=True)
    livrable_plan_actions = models.TextField(_("mise à jour du plan d'actions"), blank=True)
    difficultes_ut = models.TextField(_("difficultés rencontrées par l'UT"), blank=True)
    difficultes_structures = models.TextField(
        _("difficultés rencontrées par les structures"), blank=True
    )
    remarques = models.TextField(_("remarques"), blank=True)
    indicateurs_structures = models.JSONField(
        _("indicateurs des structures"), default=dict, blank=True
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("bilan semestriel de territoire")
        verbose_name_plural = _("bilans semestriels de territoire")
        ordering = ["-campagne__annee", "-campagne__semestre", "territoire__nom"]
        constraints = [
            models.UniqueConstraint(
                fields=["campagne", "territoire"], name="bilan_territoire_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campagne} — {self.territoire}"


class BilanTerritoireTransition(TransitionLog):
    bilan = models.ForeignKey(BilanTerritoire, on_delete=models.CASCADE, related_name="transitions")

    class Meta:
        ordering = ["bilan", "at"]


class SuiviAutodiagnostic(models.Model):
    """Public index row of one structure's self-diagnosis (the source of truth is the
    ``Autodiagnostic`` in the structure's schema): status and counts to confirm.

    Written by the self-diagnosis workflow in the same transaction as each change
    (``accompagnement.diagnostics.suivi``), so the expert's home and queue read this one
    table instead of one schema per structure they follow (as ``SoumissionLivrable`` does
    for deliverables).
    """

    structure = models.ForeignKey("tenants.Structure", on_delete=models.CASCADE, related_name="+")
    autodiagnostic_id = models.PositiveBigIntegerField()
    annee = models.PositiveSmallIntegerField()
    statut = models.CharField(max_length=30)
    submitted_at = models.DateTimeField(null=True, blank=True)
    nb_criteres = models.PositiveIntegerField(default=0)
    nb_confirmes = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("autodiagnostic (index)")
        verbose_name_plural = _("autodiagnostics (index)")
        constraints = [
            models.UniqueConstraint(
                fields=["structure", "autodiagnostic_id"], name="suivi_autodiagnostic_unique"
            ),
        ]
        indexes = [models.Index(fields=["statut", "structure"], name="suivi_autodiag_statut_idx")]

    def __str__(self) -> str:
        return f"{self.structure_id} · {self.annee} · {self.statut}"
