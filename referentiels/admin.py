"""Django admin of the frames. The models refuse any change to a published version; this
admin turns that refusal into a message on the page (never a server error)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db import transaction
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _

from core.errors import BusinessError
from referentiels import services
from referentiels.models import (
    CorrespondanceCritere,
    Critere,
    DocumentOutil,
    DocumentOutilFichier,
    EchelleCotation,
    Noeud,
    Referentiel,
    ReferentielVersion,
    ValeurEchelle,
    VersionTransition,
)


class GuardedAdmin(admin.ModelAdmin):
    """Shows a BusinessError (e.g. "immutable") as an error message and stays on the page."""

    def _guarded(self, request, view, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except BusinessError as error:
            self.message_user(request, error.message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def changeform_view(self, request, *args, **kwargs):
        return self._guarded(request, super().changeform_view, *args, **kwargs)

    def delete_view(self, request, *args, **kwargs):
        return self._guarded(request, super().delete_view, *args, **kwargs)

    def changelist_view(self, request, *args, **kwargs):
        return self._guarded(request, super().changelist_view, *args, **kwargs)

    def get_deleted_objects(self, objs, request):
        # Django's collector would look for the structures' answers (tenant tables) in the
        # public schema; drafts are never answered, see ``referentiels.purge``.
        objs = list(objs)
        return (
            [str(obj) for obj in objs],
            {self.model._meta.verbose_name_plural: len(objs)},
            set(),
            [],
        )

    def delete_queryset(self, request, queryset):
        # One by one, so each object's guard runs (a bulk delete would bypass it).
        with transaction.atomic():
            for obj in queryset:
                obj.delete()


class VersionContentAdmin(GuardedAdmin):
    list_select_related = True


@admin.register(Referentiel)
class ReferentielAdmin(GuardedAdmin):
    list_display = ("titre", "code", "created_at")
    search_fields = ("titre", "code")


@admin.action(description=_("Publier les versions sélectionnées"))
def publish_versions(modeladmin, request, queryset):
    for version in queryset:
        services.publish_version(version=version, user=request.user)


@admin.action(description=_("Archiver les versions sélectionnées"))
def archive_versions(modeladmin, request, queryset):
    for version in queryset:
        services.archive_version(version=version, user=request.user)


@admin.register(ReferentielVersion)
class ReferentielVersionAdmin(GuardedAdmin):
    list_display = ("referentiel", "numero", "statut", "echantillon", "utilisee", "published_at")
    list_filter = ("statut", "referentiel")
    readonly_fields = ("statut", "utilisee", "published_at", "archived_at", "copiee_de")
    actions = [publish_versions, archive_versions]

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for version in queryset:
                services.delete_draft(version=version)


@admin.register(EchelleCotation)
class EchelleCotationAdmin(VersionContentAdmin):
    list_display = ("libelle", "code", "version")


@admin.register(ValeurEchelle)
class ValeurEchelleAdmin(VersionContentAdmin):
    list_display = ("libelle", "code", "poids", "exclue", "echelle")


@admin.register(Noeud)
class NoeudAdmin(VersionContentAdmin):
    list_display = ("code", "titre", "type", "niveau", "version")
    list_filter = ("version",)
    search_fields = ("code", "titre")
    raw_id_fields = ("parent",)


@admin.register(Critere)
class CritereAdmin(VersionContentAdmin):
    list_display = ("code", "titre", "niveau", "imperatif", "version")
    list_filter = ("version", "imperatif", "indicateur_effectivite")
    search_fields = ("code", "titre")
    raw_id_fields = ("noeud", "theme")


@admin.register(CorrespondanceCritere)
class CorrespondanceCritereAdmin(VersionContentAdmin):
    raw_id_fields = ("ancien", "nouveau")


@admin.register(DocumentOutil)
class DocumentOutilAdmin(VersionContentAdmin):
    list_display = ("titre", "type", "version")
    raw_id_fields = ("noeud", "critere")


admin.site.register(DocumentOutilFichier)


@admin.register(VersionTransition)
class VersionTransitionAdmin(admin.ModelAdmin):
    list_display = ("version", "from_statut", "to_statut", "user", "at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
