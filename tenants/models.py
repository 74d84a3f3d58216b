"""The network: people, territories, working groups and structures (the tenants).

Everything here lives in the public schema. A ``Structure`` is a tenant: saving a new
one provisions its PostgreSQL schema (django-tenants). Who may see what is decided in
``tenants/access/``, never here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import connection, models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, ThrottlingMixin
from django_tenants.models import DomainMixin, TenantMixin
from django_tenants.utils import schema_exists
from knox.models import AbstractAuthToken

from core.models import TransitionLog
from tenants.validators import validate_finess, validate_siret

if TYPE_CHECKING:
    from django.db.models.fields.related_descriptors import ManyRelatedManager, RelatedManager


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields):
        if not email:
            raise ValueError("L'adresse e-mail est obligatoire.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields):
        fields.update(is_staff=True, is_superuser=True, is_federation_admin=True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):  # type: ignore[django-manager-missing]  # knox and django-otp are untyped
    """A person. Global (public schema): one login for every structure they may see."""

    email = models.EmailField(_("adresse e-mail"), unique=True)
    first_name = models.CharField(_("prénom"), max_length=150, blank=True)
    last_name = models.CharField(_("nom"), max_length=150, blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    function = models.CharField(_("fonction"), max_length=150, blank=True)
    is_active = models.BooleanField(_("actif"), default=True)
    is_staff = models.BooleanField(_("accès à l'administration Django"), default=False)
    is_federation_admin = models.BooleanField(_("administrateur fédération"), default=False)
    date_joined = models.DateTimeField(_("inscrit le"), default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()
    # Reverse relations from models of untyped packages (knox, django-otp), for mypy.
    auth_token_set: RelatedManager[ApiToken]
    recoverycodedevice_set: RelatedManager[RecoveryCodeDevice]

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("personne")
        verbose_name_plural = _("personnes")
        ordering = ["last_name", "first_name", "email"]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name or self.email


class Territoire(models.Model):  # type: ignore[django-manager-missing]  # Structure: untyped TenantMixin
    """A union territoriale (UT), led by one or more pilots."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    nom = models.CharField(_("nom"), max_length=200)
    pilotes = models.ManyToManyField(
        User, related_name="territoires_pilotes", blank=True, verbose_name=_("pilotes")
    )
    # Reverse relation from Structure (its TenantMixin base is untyped), for mypy.
    structures: RelatedManager[Structure]

    class Meta:
        verbose_name = _("territoire")
        verbose_name_plural = _("territoires")
        ordering = ["nom"]

    def __str__(self) -> str:
        return self.nom


class GroupeTravail(models.Model):
    """A collective working group led by its expert(s). ``territoire`` is its home
    territory (whose pilots organise it); its member structures may belong to other
    territories — the launch deck's network has 7 groups over 9 territories."""

    territoire = models.ForeignKey(
        Territoire, on_delete=models.PROTECT, related_name="groupes", verbose_name=_("territoire")
    )
    nom = models.CharField(_("nom"), max_length=200)
    experts = models.ManyToManyField(
        User, related_name="groupes_expertises", blank=True, verbose_name=_("experts-réseau")
    )
    # Reverse relation from Structure (its TenantMixin base is untyped), for mypy.
    structures: ManyRelatedManager[Structure, Any]

    class Meta:
        verbose_name = _("groupe de travail")
        verbose_name_plural = _("groupes de travail")
        ordering = ["territoire__nom", "nom"]
        constraints = [
            models.UniqueConstraint(
                fields=["territoire", "nom"], name="groupe_nom_unique_par_territoire"
            )
        ]

    def __str__(self) -> str:
        return self.nom


TEMPLATE_SCHEMA = "tenant_template"  # see tenants/provisioning.py
TECHNICAL_SCHEMAS = ("public", TEMPLATE_SCHEMA)


class StructureQuerySet(models.QuerySet):
    def reelles(self) -> StructureQuerySet:
        """Every structure but the technical rows (public tenant, template) and soft-deleted ones."""
        return self.exclude(schema_name__in=TECHNICAL_SCHEMAS).filter(deleted_at__isnull=True)


class Structure(TenantMixin):
    """A home-care or medico-social structure: a tenant with its own schema."""

    class Type(models.TextChoices):
        SSIAD = "SSIAD", "SSIAD"
        SAAD = "SAAD", "SAAD"
        SPASAD = "SPASAD", "SPASAD"
        SAP = "SAP", "SAP"
        AUTRE = "AUTRE", _("Autre")

    class Phase(models.TextChoices):
        PREPARATOIRE = "preparatoire", _("Phase préparatoire")
        DEPLOIEMENT = "deploiement", _("Déploiement")

    nom = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("identifiant d'adresse"), max_length=63, unique=True)
    type = models.CharField(_("type"), max_length=10, choices=Type.choices, default=Type.SAAD)
    finess = models.CharField(
        _("n° FINESS"), max_length=9, blank=True, validators=[validate_finess]
    )
    siret = models.CharField(_("n° SIRET"), max_length=14, blank=True, validators=[validate_siret])
    adresse = models.CharField(_("adresse"), max_length=300, blank=True)
    code_postal = models.CharField(_("code postal"), max_length=10, blank=True)
    ville = models.CharField(_("ville"), max_length=120, blank=True)
    territoire = models.ForeignKey(
        Territoire,
        on_delete=models.PROTECT,
        related_name="structures",
        null=True,
        blank=True,
        verbose_name=_("territoire"),
    )
    groupes = models.ManyToManyField(
        GroupeTravail, related_name="structures", blank=True, verbose_name=_("groupes de travail")
    )
    phase = models.CharField(
        _("phase d'engagement"), max_length=20, choices=Phase.choices, default=Phase.PREPARATOIRE
    )
    date_engagement = models.DateField(_("engagée le"), null=True, blank=True)
    date_deploiement = models.DateField(_("en déploiement depuis le"), null=True, blank=True)
    echelle_par_niveau = models.BooleanField(
        _("échelle par niveau"),
        default=False,
        help_text=_(
            "Les critères de niveau 2 d'un thème s'ouvrent quand ses critères de niveau 1 sont "
            "confirmés satisfaits par l'expert (même si le référentiel n'impose pas l'option)."
        ),
    )
    directeur_nom = models.CharField(_("directeur·rice"), max_length=200, blank=True)
    directeur_email = models.EmailField(_("e-mail du directeur·rice"), blank=True)
    referent_nom = models.CharField(_("référent·e technique"), max_length=200, blank=True)
    referent_email = models.EmailField(_("e-mail du référent·e technique"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    deleted_at = models.DateTimeField(_("supprimée le"), null=True, blank=True)

    auto_create_schema = True
    auto_drop_schema = False

    objects = StructureQuerySet.as_manager()

    class Meta:
        verbose_name = _("structure")
        verbose_name_plural = _("structures")
        ordering = ["nom"]
        constraints = [
            models.UniqueConstraint(
                fields=["finess"], condition=~Q(finess=""), name="structure_finess_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.nom

    @property
    def is_public(self) -> bool:
        return self.schema_name == "public"

    @property
    def is_technical(self) -> bool:
        """The public tenant and the template schema's row are not real structures."""
        return self.schema_name in TECHNICAL_SCHEMAS

    def create_schema(self, check_if_exists=False, sync_schema=True, verbosity=1):
        """Provision the schema by cloning the migrated template (tenants/provisioning.py)
        instead of running every migration."""
        from tenants.provisioning import provision_schema

        if self.is_technical or not sync_schema:
            return super().create_schema(check_if_exists, sync_schema, verbosity)
        if check_if_exists and schema_exists(self.schema_name):
            return False
        provision_schema(self.schema_name)
        connection.set_schema_to_public()
        return True


class Domain(DomainMixin):
    """django-tenants' routing row: with subfolder routing, ``domain`` holds the slug."""


class Membership(models.Model):
    """A person's role inside one structure."""

    class Role(models.TextChoices):
        DIRECTEUR = "directeur", _("Directeur·rice")
        REFERENT = "referent", _("Référent·e technique")
        CONTRIBUTEUR = "contributeur", _("Contributeur·rice")
        LECTEUR = "lecteur", _("Lecteur·rice")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("rôle dans une structure")
        verbose_name_plural = _("rôles dans les structures")
        constraints = [
            models.UniqueConstraint(fields=["user", "structure"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.structure}"


class ExpertAffectation(models.Model):
    """A direct assignment of an expert to a structure (besides their groups')."""

    expert = models.ForeignKey(User, on_delete=models.CASCADE, related_name="affectations_expert")
    structure = models.ForeignKey(
        Structure, on_delete=models.CASCADE, related_name="affectations_expert"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("affectation d'expert")
        verbose_name_plural = _("affectations d'experts")
        constraints = [
            models.UniqueConstraint(fields=["expert", "structure"], name="affectation_unique")
        ]

    def __str__(self) -> str:
        return f"{self.expert} → {self.structure}"


class Invitation(models.Model):
    """An invitation by email to join the network with a role (signed link, expiry, one use).

    The link carries a signed token of the invitation's id and ``nonce``; it is refused
    once ``accepted_at`` is set or after ``expires_at``.
    """

    class Role(models.TextChoices):
        FEDERATION = "federation", _("Administration fédération")
        PILOTE = "pilote", _("Pilote territorial")
        EXPERT = "expert", _("Expert-réseau")
        DIRECTEUR = "directeur", _("Directeur·rice")
        REFERENT = "referent", _("Référent·e technique")
        CONTRIBUTEUR = "contributeur", _("Contributeur·rice")
        LECTEUR = "lecteur", _("Lecteur·rice")

    email = models.EmailField(_("adresse e-mail"))
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices)
    structure = models.ForeignKey(
        Structure,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("structure"),
    )
    territoire = models.ForeignKey(
        Territoire,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("territoire"),
    )
    groupe = models.ForeignKey(
        GroupeTravail,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("groupe de travail"),
    )
    invited_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, related_name="invitations_sent"
    )
    nonce = models.CharField(max_length=32, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expire le"))
    accepted_at = models.DateTimeField(_("acceptée le"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="invitations_accepted"
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} ({self.get_role_display()})"

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at


class AuditLog(models.Model):
    """What happened to accounts and rights: logins, lockouts, roles, invitations, tokens."""

    class Action(models.TextChoices):
        LOGIN_SUCCESS = "login_success", _("Connexion réussie")
        LOGIN_FAILURE = "login_failure", _("Échec de connexion")
        LOCKOUT = "lockout", _("Compte verrouillé (trop d'échecs)")
        ROLE_GRANTED = "role_granted", _("Rôle attribué")
        ROLE_REVOKED = "role_revoked", _("Rôle retiré")
        INVITATION_SENT = "invitation_sent", _("Invitation envoyée")
        INVITATION_ACCEPTED = "invitation_accepted", _("Invitation acceptée")
        PASSWORD_RESET = "password_reset", _("Réinitialisation du mot de passe demandée")
        TOKEN_CREATED = "token_created", _("Jeton d'API créé")
        TOKEN_REVOKED = "token_revoked", _("Jeton d'API révoqué")
        OTP_ENABLED = "otp_enabled", _("Double authentification activée")
        OTP_FAILURE = "otp_failure", _("Code de double authentification refusé")
        STRUCTURE_CREATED = "structure_created", _("Structure créée")
        STRUCTURE_IMPORT = "structure_import", _("Import de structures")
        RECOVERY_CODES_CREATED = "recovery_codes_created", _("Codes de secours générés")
        RECOVERY_CODE_USED = "recovery_code_used", _("Code de secours utilisé")

    action = models.CharField(_("action"), max_length=30, choices=Action.choices)
    actor = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audit_actions",
        verbose_name=_("auteur"),
    )
    target_user = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audit_entries",
        verbose_name=_("personne concernée"),
    )
    identifier = models.CharField(_("identifiant saisi"), max_length=254, blank=True)
    structure = models.ForeignKey(
        Structure,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audit_entries",
        verbose_name=_("structure"),
    )
    details = models.JSONField(_("détails"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("adresse IP"), null=True, blank=True)
    created_at = models.DateTimeField(_("date"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("entrée du journal d'audit")
        verbose_name_plural = _("journal d'audit")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.get_action_display()}"


class ImportStructures(models.Model):
    """A bulk import of structures from a CSV/XLSX file, with its progress.

    Rows are validated before anything is created (``erreurs``); valid rows are kept in
    ``lignes`` for the Celery task, which provisions them and advances ``faits``. The
    statut follows ``tenants.workflow.IMPORT``.
    """

    class Statut(models.TextChoices):
        REJETE = "rejete", _("Refusé (erreurs dans le fichier)")
        EN_ATTENTE = "en_attente", _("En attente")
        EN_COURS = "en_cours", _("En cours")
        TERMINE = "termine", _("Terminé")
        ECHOUE = "echoue", _("Échoué (rien n'a été créé)")

    fichier_nom = models.CharField(_("fichier"), max_length=255)
    auteur = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, related_name="imports_structures"
    )
    statut = models.CharField(_("statut"), max_length=20, choices=Statut.choices)
    lignes = models.JSONField(default=list, blank=True)
    erreurs = models.JSONField(default=list, blank=True)
    total = models.PositiveIntegerField(default=0)
    faits = models.PositiveIntegerField(default=0)
    structures_creees = models.JSONField(default=list, blank=True)
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("import de structures")
        verbose_name_plural = _("imports de structures")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.fichier_nom} ({self.get_statut_display()})"

    @property
    def pourcentage(self) -> int:
        return round(100 * self.faits / self.total) if self.total else 0

    @property
    def is_running(self) -> bool:
        return self.statut in (self.Statut.EN_ATTENTE, self.Statut.EN_COURS)


class ImportTransition(TransitionLog):
    """The log of an import's status changes (who, when, from, to, comment)."""

    import_structures = models.ForeignKey(
        ImportStructures, on_delete=models.CASCADE, related_name="transitions"
    )

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_statut or '∅'} → {self.to_statut}"


# --- Account security: API tokens and recovery codes (services in tenants/accounts.py) -----


class ApiToken(AbstractAuthToken):
    """A personal API token (django-rest-knox, ``KNOX_TOKEN_MODEL``): only the SHA-512
    digest of the key is stored, with the key's first characters to find it. A person may
    hold several, each with a name, an optional expiry and its last use."""

    name = models.CharField(_("nom"), max_length=100)
    last_used_at = models.DateTimeField(_("dernière utilisation"), null=True, blank=True)

    class Meta:
        verbose_name = _("jeton d'API")
        verbose_name_plural = _("jetons d'API")
        ordering = ["-created"]

    PUBLIC_ID_LENGTH = 16

    def __str__(self) -> str:
        return self.name

    @property
    def public_id(self) -> str:
        """How the person names the token to revoke it: the start of its digest (a hash,
        never the key)."""
        return self.digest[: self.PUBLIC_ID_LENGTH]


class RecoveryCodeDevice(ThrottlingMixin, Device):
    """The person's single-use recovery codes, a django-otp device so that the login's
    second step accepts them. django-otp's static plugin stores its codes in clear; here
    only a SHA-256 digest of each (80-bit random) code is kept."""

    class Meta:
        verbose_name = _("codes de secours")
        verbose_name_plural = _("codes de secours")

    def get_throttle_factor(self) -> int:
        return 1  # 1, 2, 4, 8… seconds between attempts after failures

    def verify_token(self, token) -> bool:
        from tenants import accounts

        return accounts.use_recovery_code(device=self, code=str(token))


class RecoveryCode(models.Model):
    device = models.ForeignKey(RecoveryCodeDevice, on_delete=models.CASCADE, related_name="codes")
    digest = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("code de secours")
        verbose_name_plural = _("codes de secours")

    def __str__(self) -> str:
        return self.digest[:8]


# A director's request to export or erase the structure's data (defined beside its service).
from tenants.privacy_models import DemandeDonnees, DemandeDonneesTransition  # noqa: E402, F401


class EvenementFormation(models.Model):
    """A training of experts or an awareness session for territorial pilots, with who
    attended: the deck's "experts formés" and "pilotes sensibilisés" count them."""

    class Type(models.TextChoices):
        FORMATION_EXPERTS = "formation_experts", _("Formation des experts-réseau")
        SENSIBILISATION_PILOTES = "sensibilisation_pilotes", _("Sensibilisation des pilotes")

    type = models.CharField(_("type"), max_length=30, choices=Type.choices)
    intitule = models.CharField(_("intitulé"), max_length=200)
    date = models.DateField(_("date"))
    territoire = models.ForeignKey(
        Territoire,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evenements_formation",
        verbose_name=_("territoire"),
        help_text=_("Vide : événement national."),
    )
    participants = models.ManyToManyField(
        User, related_name="formations_suivies", blank=True, verbose_name=_("participants")
    )
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("formation ou sensibilisation")
        verbose_name_plural = _("formations et sensibilisations")
        ordering = ["-date", "intitule"]

    def __str__(self) -> str:
        return f"{self.intitule} ({self.date:%d/%m/%Y})"
