"""Deliverable pages of a structure (access to the structure checked by the middleware;
each action by ``tenants.access`` inside the services)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accompagnement.groupes.models import TypeLivrable
from accompagnement.livrables import selectors, services, workflow
from accompagnement.livrables.models import Livrable, LivrableVersion
from core.downloads import file_download
from core.errors import BusinessError
from tenants import access


def livrable_list(request):
    structure = request.tenant
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            type_livrable = TypeLivrable.objects.filter(
                pk=request.POST.get("type_livrable") or 0, actif=True
            ).first()
            if type_livrable is None:
                raise BusinessError(
                    "invalid", _("Choisissez un type de livrable."), field="type_livrable"
                )
            if "fichier" not in request.FILES:
                raise BusinessError("invalid", _("Choisissez un fichier."), field="fichier")
            livrable = services.create_livrable(
                structure=structure,
                user=request.user,
                type_livrable=type_livrable,
                titre=request.POST.get("titre", ""),
            )
            services.upload_version(
                structure=structure,
                user=request.user,
                livrable=livrable,
                fichier=request.FILES["fichier"],
            )
            messages.success(request, _("Livrable déposé (version 1, brouillon)."))
            return redirect("livrables:detail", livrable.pk)
        except BusinessError as error:
            if error.status == 403:
                raise Http404 from error
            errors[error.field or "general"] = error.message
    return render(
        request,
        "livrables/list.html",
        {
            "structure": structure,
            "livrables": selectors.livrables_of_structure(),
            "types": TypeLivrable.objects.filter(actif=True),
            "can_upload": access.can_upload_livrable(request.user, structure),
            "errors": errors,
        },
        status=400 if errors else 200,
    )


def livrable_detail(request, pk: int, errors: dict | None = None, status: int = 200):
    structure = request.tenant
    livrable = get_object_or_404(Livrable.objects.select_related("type_livrable"), pk=pk)
    versions = list(selectors.livrable_history(livrable))
    for version in versions:
        version.targets = (  # type: ignore[attr-defined]  # shown by the template
            workflow.allowed_targets(version, request.user, structure)
            if version is versions[0]
            else []
        )
    return render(
        request,
        "livrables/detail.html",
        {
            "structure": structure,
            "livrable": livrable,
            "versions": versions,
            "can_upload": access.can_upload_livrable(request.user, structure),
            "errors": errors or {},
        },
        status=status,
    )


def _act(request, pk: int, action) -> object:
    try:
        action()
    except BusinessError as error:
        if error.status == 403:
            raise Http404 from error
        return livrable_detail(
            request,
            pk,
            errors={error.field or "general": error.message},
            status=400 if error.status == 400 else 409,
        )
    return redirect("livrables:detail", pk)


@require_POST
def version_upload(request, pk: int):
    livrable = get_object_or_404(Livrable, pk=pk)

    def do():
        if "fichier" not in request.FILES:
            raise BusinessError("invalid", _("Choisissez un fichier."), field="fichier")
        services.upload_version(
            structure=request.tenant,
            user=request.user,
            livrable=livrable,
            fichier=request.FILES["fichier"],
        )
        messages.success(request, _("Nouvelle version déposée."))

    return _act(request, pk, do)


@require_POST
def version_submit(request, pk: int):
    version = get_object_or_404(LivrableVersion.objects.select_related("livrable"), pk=pk)

    def do():
        services.submit_version(structure=request.tenant, user=request.user, version=version)
        messages.success(request, _("Version soumise à l'expert."))

    return _act(request, version.livrable_id, do)


@require_POST
def version_decide(request, pk: int):
    version = get_object_or_404(LivrableVersion.objects.select_related("livrable"), pk=pk)
    decision = request.POST.get("decision")
    if decision not in (LivrableVersion.Statut.VALIDE, LivrableVersion.Statut.A_REPRENDRE):
        return livrable_detail(
            request,
            version.livrable_id,
            errors={"decision": _("Choisissez une décision.")},
            status=400,
        )

    def do():
        services.decide_version(
            structure=request.tenant,
            user=request.user,
            version=version,
            valide=decision == LivrableVersion.Statut.VALIDE,
            commentaire=request.POST.get("commentaire", ""),
        )
        messages.success(request, _("Décision enregistrée."))

    return _act(request, version.livrable_id, do)


def version_download(request, pk: int):
    """Files are served only here, to people with a role in the structure."""
    version = get_object_or_404(LivrableVersion, pk=pk)
    if not access.can_view_structure(request.user, request.tenant):
        raise Http404
    return file_download(version.fichier.open("rb"), version.nom_original, version.content_type)
