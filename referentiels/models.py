"""Reference frames (référentiels), shared by every structure (public schema).

A ``Referentiel`` has ``ReferentielVersion``s (brouillon → publié → archivé). A version
holds its scoring scale (``EchelleCotation`` and its ``ValeurEchelle``s) and an ordered
tree of ``Noeud``s (theme → objective per level for the module "Réalisation des
prestations"; chapter → thematic → objective for HAS-like frames) whose leaves are
``Critere``s. Every node and criterion carries a ``urn`` that is stable across versions
(``<referentiel code>:<code>``), so versions can be diffed and answers carried over.

Rates are always computed from ``ValeurEchelle.poids`` (never from labels), leaving out
values flagged ``exclue`` (e.g. "non applicable").
"""

from __future__ import annotations

from django.conf import settings
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from core.errors import BusinessError
from core.models import TransitionLog
from referentiels import purge
from referentiels.errors import ReferentielError

# ``options.taux_module``: the definition of the module rate shown as the headline — the
# mean over every criterion ("moyenne_criteres", the default) or the mean of the theme
# rates ("moyenne_themes", as the launch deck computes its 79 %). Both are always computed
# and shown (``accompagnement.diagnostics.scoring``).
MODULE_HEADLINE_OPTION = "taux_module"
MODULE_HEADLINES = ("moyenne_criteres", "moyenne_themes")

# Fields of a non-draft version that its workflow may still write (everything else is frozen).
VERSION_LIFECYCLE_FIELDS = frozenset({"statut", "published_at", "archived_at", "utilisee"})


def immutable_error(version_label: str = "") -> BusinessError:
    label = f" « {version_label} »" if version_label else ""
    return BusinessError(
        ReferentielError.IMMUTABLE,
        _(
            "La version%(label)s est publiée ou archivée : elle ne peut plus être modifiée ni "
            "supprimée. Créez une nouvelle version à partir de celle-ci pour la faire évoluer."
        )
        % {"label": label},
        status=409,
    )


class VersionContentMixin:
    """Guard of a version's content (nodes, criteria, scale, toolbox): writes are refused
    unless the version is a draft, whoever asks (pages, API, admin, import, shell)."""

    def _version_id_for_guard(self) -> int | None:
        return self.version_id  # type: ignore[attr-defined]

    def _check_version_editable(self) -> None:
        version_id = self._version_id_for_guard()
        if version_id is None:
            return
        row = (
            ReferentielVersion.objects.filter(pk=version_id).values_list("statut", "numero").first()
        )
        if row and row[0] != ReferentielVersion.Statut.BROUILLON:
            raise immutable_error(row[1])

    def save(self, *args, **kwargs):
        self._check_version_editable()
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._check_version_editable()
        deletion = self._purge()
        if deletion is None:
            return super().delete(*args, **kwargs)
        with transaction.atomic():
            deletion()
        return (1, {})

    def _purge(self):
        """The direct deletion of this row and its children (see ``referentiels.purge``)."""
        return None


class Referentiel(models.Model):
    code = models.SlugField(_("code"), max_length=80, unique=True)
    titre = models.CharField(_("titre"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("référentiel")
        verbose_name_plural = _("référentiels")
        ordering = ["titre"]

    def __str__(self) -> str:
        return self.titre


class ReferentielVersion(models.Model):
    class Statut(models.TextChoices):
        BROUILLON = "brouillon", _("Brouillon")
        PUBLIE = "publie", _("Publié")
        ARCHIVE = "archive", _("Archivé")

    referentiel = models.ForeignKey(Referentiel, on_delete=models.PROTECT, related_name="versions")
    numero = models.CharField(_("numéro de version"), max_length=50)
    libelle = models.CharField(_("libellé"), max_length=255, blank=True)
    statut = models.CharField(
        _("statut"), max_length=20, choices=Statut.choices, default=Statut.BROUILLON
    )
    echantillon = models.BooleanField(
        _("échantillon"),
        default=False,
        help_text=_("Texte rédigé pour la plateforme, pas le texte officiel."),
    )
    avertissement = models.TextField(_("avertissement"), blank=True)
    # Frame options, e.g. {"echelle_par_niveau": true, "commentaire_obligatoire_non_conforme": true}
    options = models.JSONField(_("options"), default=dict, blank=True)
    # The shape of the tree above criteria, e.g. ["theme", "objectif"] or ["chapitre", "thematique", "objectif"]
    types_noeuds = models.JSONField(_("types de nœuds"), default=list, blank=True)
    copiee_de = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="copies",
        verbose_name=_("copiée de"),
    )
    utilisee = models.BooleanField(
        _("utilisée par des structures"),
        default=False,
        help_text=_(
            "Vrai dès qu'une structure a ouvert un autodiagnostic sur cette version "
            "(voir referentiels.services.mark_version_used) : elle ne peut plus être supprimée."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("version de référentiel")
        verbose_name_plural = _("versions de référentiel")
        ordering = ["referentiel__titre", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["referentiel", "numero"], name="version_numero_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.referentiel} — {self.numero}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            stored = (
                ReferentielVersion.objects.filter(pk=self.pk)
                .values_list("statut", flat=True)
                .first()
            )
            update_fields = kwargs.get("update_fields")
            if (
                stored is not None
                and stored != self.Statut.BROUILLON
                and (update_fields is None or not set(update_fields) <= VERSION_LIFECYCLE_FIELDS)
            ):
                raise immutable_error(self.numero)
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.pk is not None:
            stored = (
                ReferentielVersion.objects.filter(pk=self.pk)
                .values_list("statut", "utilisee")
                .first()
            )
            if stored and stored[1]:
                raise BusinessError(
                    ReferentielError.VERSION_USED,
                    _(
                        "Des structures ont répondu à cette version : elle ne peut jamais être supprimée."
                    ),
                    status=409,
                )
            if stored and stored[0] != self.Statut.BROUILLON:
                raise immutable_error(self.numero)
            with transaction.atomic():
                purge.version(self.pk)
            return (1, {})
        return super().delete(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        return self.statut == self.Statut.PUBLIE

    @property
    def is_editable(self) -> bool:
        return self.statut == self.Statut.BROUILLON

    @property
    def level_ladder(self) -> bool:
        """'Échelle par niveau': level-2 criteria of a theme open once level 1 is confirmed."""
        return bool(self.options.get("echelle_par_niveau"))

    @property
    def module_headline(self) -> str:
        """Which module rate is the headline: "moyenne_criteres" or "moyenne_themes"."""
        value = (self.options or {}).get(MODULE_HEADLINE_OPTION)
        return value if value in MODULE_HEADLINES else MODULE_HEADLINES[0]


class EchelleCotation(VersionContentMixin, models.Model):
    """The scoring scale of a version."""

    version = models.OneToOneField(
        ReferentielVersion, on_delete=models.CASCADE, related_name="echelle"
    )
    code = models.SlugField(_("code"), max_length=50)
    libelle = models.CharField(_("libellé"), max_length=255)

    class Meta:
        verbose_name = _("échelle de cotation")
        verbose_name_plural = _("échelles de cotation")

    def __str__(self) -> str:
        return self.libelle

    def _purge(self):
        return lambda: purge.echelle(self.version_id)


class ValeurEchelle(VersionContentMixin, models.Model):
    """One value of a scale: a weight between 0 and 1, or excluded from the rate."""

    echelle = models.ForeignKey(EchelleCotation, on_delete=models.CASCADE, related_name="valeurs")
    code = models.CharField(_("code"), max_length=20)
    libelle = models.CharField(_("libellé"), max_length=100)
    poids = models.DecimalField(_("poids"), max_digits=5, decimal_places=4, default=0)
    exclue = models.BooleanField(_("exclue du taux"), default=False)
    commentaire_obligatoire = models.BooleanField(_("commentaire obligatoire"), default=False)
    ordre = models.PositiveIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("valeur d'échelle")
        verbose_name_plural = _("valeurs d'échelle")
        ordering = ["echelle", "ordre"]
        constraints = [
            models.UniqueConstraint(fields=["echelle", "code"], name="valeur_code_unique"),
            models.CheckConstraint(
                condition=models.Q(poids__gte=0, poids__lte=1), name="valeur_poids_0_1"
            ),
        ]

    def __str__(self) -> str:
        return self.libelle

    def _purge(self):
        return lambda: purge.valeurs([self.pk])

    def _version_id_for_guard(self) -> int | None:
        return (
            EchelleCotation.objects.filter(pk=self.echelle_id)
            .values_list("version_id", flat=True)
            .first()
        )


class Noeud(VersionContentMixin, models.Model):
    """A node of a version's tree: theme, objective, chapter, thematic…"""

    version = models.ForeignKey(ReferentielVersion, on_delete=models.CASCADE, related_name="noeuds")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="enfants"
    )
    type = models.CharField(_("type"), max_length=30)  # theme, objectif, chapitre, thematique…
    code = models.CharField(_("code"), max_length=50)
    titre = models.CharField(_("titre"), max_length=500)
    description = models.TextField(_("description"), blank=True)
    niveau = models.PositiveSmallIntegerField(_("niveau"), null=True, blank=True)
    ordre = models.PositiveIntegerField(_("ordre"), default=0)
    urn = models.CharField(max_length=200)

    class Meta:
        verbose_name = _("nœud de référentiel")
        verbose_name_plural = _("nœuds de référentiel")
        ordering = ["version", "ordre"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="noeud_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.titre}"

    def _purge(self):
        return lambda: purge.noeuds([self.pk])


class Critere(VersionContentMixin, models.Model):
    """A criterion (a leaf of the tree). ``theme`` is its top-level ancestor (theme or
    chapter), kept for fast per-theme scoring."""

    version = models.ForeignKey(
        ReferentielVersion, on_delete=models.CASCADE, related_name="criteres"
    )
    noeud = models.ForeignKey(Noeud, on_delete=models.CASCADE, related_name="criteres")
    theme = models.ForeignKey(Noeud, on_delete=models.CASCADE, related_name="criteres_du_theme")
    code = models.CharField(_("code"), max_length=50)
    titre = models.TextField(_("intitulé"))
    niveau = models.PositiveSmallIntegerField(_("niveau"), null=True, blank=True)
    explication = models.TextField(_("explication"), blank=True)
    exemples = models.TextField(_("exemples"), blank=True)
    contenu_attendu = models.TextField(_("contenu attendu"), blank=True)
    sources = models.JSONField(_("sources"), default=list, blank=True)
    preuves = models.JSONField(_("éléments de preuve"), default=list, blank=True)
    type_livrable = models.CharField(_("type de livrable"), max_length=80, blank=True)
    imperatif = models.BooleanField(_("impératif"), default=False)
    indicateur_effectivite = models.BooleanField(_("indicateur d'effectivité"), default=False)
    applicabilite = models.JSONField(_("types de structure concernés"), default=list, blank=True)
    ordre = models.PositiveIntegerField(_("ordre"), default=0)
    urn = models.CharField(max_length=200)

    class Meta:
        verbose_name = _("critère")
        verbose_name_plural = _("critères")
        ordering = ["version", "ordre"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="critere_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.titre[:80]}"

    def _purge(self):
        return lambda: purge.criteres([self.pk])

    def applies_to(self, structure_type: str) -> bool:
        return not self.applicabilite or structure_type in self.applicabilite


class CorrespondanceCritere(VersionContentMixin, models.Model):
    """Old criterion → new criterion, so a self-diagnosis can start from earlier answers."""

    ancien = models.ForeignKey(
        Critere, on_delete=models.CASCADE, related_name="correspondances_suivantes"
    )
    nouveau = models.ForeignKey(
        Critere, on_delete=models.CASCADE, related_name="correspondances_precedentes"
    )

    class Meta:
        verbose_name = _("correspondance de critères")
        verbose_name_plural = _("correspondances de critères")
        constraints = [
            models.UniqueConstraint(fields=["ancien", "nouveau"], name="correspondance_unique")
        ]

    def __str__(self) -> str:
        return f"{self.ancien_id} → {self.nouveau_id}"

    def _version_id_for_guard(self) -> int | None:
        """A mapping belongs to the new version: frozen once that version is published."""
        return (
            Critere.objects.filter(pk=self.nouveau_id).values_list("version_id", flat=True).first()
        )


class DocumentOutil(VersionContentMixin, models.Model):
    """Toolbox (boîte à outils): a guide text or model document attached to a frame version,
    a node or a criterion. Uploaded files keep their successive versions."""

    class Type(models.TextChoices):
        GUIDE = "guide", _("Guide")
        PROCEDURE = "procedure", _("Procédure")
        FORMULAIRE = "formulaire", _("Formulaire")
        EXEMPLE = "exemple", _("Exemple")
        FICHE = "fiche", _("Fiche pratique")
        RECOMMANDATION = "recommandation", _("Recommandation aux experts")

    version = models.ForeignKey(
        ReferentielVersion, on_delete=models.CASCADE, related_name="documents"
    )
    noeud = models.ForeignKey(
        Noeud, on_delete=models.CASCADE, null=True, blank=True, related_name="documents"
    )
    critere = models.ForeignKey(
        Critere, on_delete=models.CASCADE, null=True, blank=True, related_name="documents"
    )
    type = models.CharField(_("type"), max_length=20, choices=Type.choices, default=Type.GUIDE)
    titre = models.CharField(_("titre"), max_length=255)
    texte = models.TextField(_("texte"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )

    class Meta:
        verbose_name = _("document de la boîte à outils")
        verbose_name_plural = _("documents de la boîte à outils")
        ordering = ["titre"]

    def __str__(self) -> str:
        return self.titre

    def _purge(self):
        return lambda: purge.documents([self.pk])


class DocumentOutilFichier(models.Model):
    """One uploaded version of a toolbox document's file."""

    document = models.ForeignKey(DocumentOutil, on_delete=models.CASCADE, related_name="fichiers")
    numero = models.PositiveIntegerField(_("version"), default=1)
    fichier = models.FileField(_("fichier"), upload_to="referentiels/outils/")
    nom_original = models.CharField(max_length=255)
    taille = models.PositiveBigIntegerField(default=0)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )

    class Meta:
        ordering = ["document", "-numero"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "numero"], name="outil_fichier_numero_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.nom_original} (v{self.numero})"


class VersionTransition(TransitionLog):
    """The log of a version's workflow (``workflow.VERSION``): who moved it from which
    status to which, when."""

    version = models.ForeignKey(
        ReferentielVersion, on_delete=models.CASCADE, related_name="transitions"
    )

    class Meta:
        verbose_name = _("transition de version")
        verbose_name_plural = _("transitions de version")
        ordering = ["version", "at"]

    def __str__(self) -> str:
        return f"{self.version_id}: {self.from_statut} → {self.to_statut}"


# The crosswalk to external references (defined beside its services).
from referentiels.concordance_models import Concordance, ReferenceExterne  # noqa: E402, F401
