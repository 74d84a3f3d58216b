"""Frame pages: browse (every role) and manage (federation admins). Views parse input,
call a selector or a service, render; BusinessError messages are shown on the page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import page_jobs
from core.downloads import content_download, file_download
from core.errors import BusinessError
from referentiels import (
    concordance,
    concordance_views,
    forms,
    import_jobs,
    selectors,
    services,
    workflow,
)
from referentiels.io import EXPORT_FORMATS, export_version
from referentiels.models import Critere, DocumentOutil, DocumentOutilFichier
from tenants import access


def _require_manager(request) -> None:
    if not access.can_manage_referentiels(request.user):
        raise PermissionDenied


def _to_version(version):
    from django.urls import reverse

    return redirect(reverse("referentiels:version", args=[version.pk]))


@login_required
def referentiel_list(request):
    return render(
        request,
        "referentiels/list.html",
        {
            "referentiels": selectors.referentiels_with_versions(request.user),
            "can_manage": access.can_manage_referentiels(request.user),
        },
    )


@login_required
def version_detail(request, pk: int):
    version = selectors.version_with_tree(selectors.version_for(request.user, pk).pk)
    query = request.GET.get("q", "").strip()
    results = list(selectors.search_criteres(version, query)[:100]) if query else None
    context = {"version": version, "query": query, "results": results}
    if request.htmx and request.htmx.target == "resultats":
        return render(request, "referentiels/_search_results.html", context)
    can_manage = access.can_manage_referentiels(request.user)
    context.update(
        {
            "tree": selectors.build_tree(version),
            "can_manage": can_manage,
            "targets": workflow.allowed_targets(version, request.user),
            "export_formats": list(EXPORT_FORMATS),
            "other_versions": version.referentiel.versions.exclude(pk=version.pk)
            if can_manage
            else [],
            "documents": [
                d for d in version.documents.all() if not d.noeud_id and not d.critere_id
            ],
            "next_form": forms.NextVersionForm(),
            "document_form": forms.DocumentForm(),
        }
    )
    return render(request, "referentiels/version.html", context)


@login_required
def critere_detail(request, pk: int, code: str):
    version = selectors.version_for(request.user, pk)
    critere = selectors.critere_detail(version, code)
    return render(
        request,
        "referentiels/critere.html",
        {
            "version": version,
            "critere": critere,
            "can_edit": access.can_manage_referentiels(request.user) and version.is_editable,
            # the crosswalk is edited even on a published version (it changes no answer)
            "can_edit_concordance": access.can_manage_referentiels(request.user),
            "concordance": concordance_views.grouped_references(
                [
                    link.reference
                    for link in critere.concordances.select_related("reference").order_by(
                        "reference__systeme", "reference__ordre", "reference__code"
                    )
                ]
            ),
            "all_references": concordance_views.grouped_references(concordance.all_references()),
            "concordance_ids": set(critere.concordances.values_list("reference_id", flat=True)),
        },
    )


@login_required
def export(request, pk: int, fmt: str):
    version = selectors.version_for(request.user, pk)
    if fmt not in EXPORT_FORMATS:
        raise Http404
    content, content_type, filename = export_version(version, fmt)
    return content_download(content, filename, content_type)


@login_required
def diff(request, pk: int):
    version = selectors.version_for(request.user, pk)
    other_id = request.GET.get("other", "")
    result = None
    if other_id.isdigit():
        result = selectors.diff_versions(
            selectors.version_for(request.user, int(other_id)), version
        )
    others = (
        selectors.versions_visible_to(request.user)
        .filter(referentiel=version.referentiel)
        .exclude(pk=version.pk)
    )
    return render(
        request, "referentiels/diff.html", {"version": version, "diff": result, "others": others}
    )


@login_required
def create_draft(request):
    _require_manager(request)
    form = forms.DraftForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referentiel = data["referentiel"] or services.create_referentiel(
                code=data["code"], titre=data["titre"]
            )
            version = services.create_draft(
                referentiel=referentiel, numero=data["numero"], libelle=data["libelle"]
            )
        except BusinessError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Brouillon créé."))
            return _to_version(version)
    return render(
        request,
        "referentiels/form.html",
        {"form": form, "title": _("Nouvelle version (brouillon)")},
    )


@login_required
def import_file(request):
    """Check the file at once, then import it as a durable job (its page shows it)."""
    _require_manager(request)
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    errors: list[dict] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["fichier"]
        try:
            services.check_import_size(upload.size)
            job = import_jobs.start_version_import(
                name=upload.name,
                content=upload.read(),
                user=request.user,
                token=request.POST.get("jeton"),
            )
        except BusinessError as error:
            errors = error.errors
        else:
            return redirect("referentiels:import-job", pk=job.pk)
    status = 400 if errors else 200
    history = [
        (job, reverse("referentiels:import-job", args=[job.pk]))
        for job in page_jobs.history(import_jobs.IMPORT_JOB)
    ]
    return render(
        request,
        "referentiels/import.html",
        {
            "form": form,
            "import_errors": errors,
            "jeton": page_jobs.new_token(),
            "history": history,
        },
        status=status,
    )


@login_required
def import_job(request, pk: int):
    """A frame import's job: state, then the new draft or the refused lines (htmx polls)."""
    _require_manager(request)
    job = page_jobs.job_in_schema(import_jobs.IMPORT_JOB, pk)
    version = job.progress.get("rapport", {}).get("version")
    context = {
        "job": job,
        "poll_url": reverse("referentiels:import-job", args=[pk]),
        "done_url": reverse("referentiels:version", args=[version]) if version else "",
        "done_label": _("Vérifier puis publier le brouillon"),
        "retry_url": reverse("referentiels:import"),
    }
    if request.htmx:
        return render(request, "core/_job_status.html", context)
    return render(request, "referentiels/import_job.html", context)


def _version_action(request, pk: int, action) -> HttpResponse:
    _require_manager(request)
    version = selectors.version_for(request.user, pk)
    try:
        result = action(version)
    except BusinessError as error:
        messages.error(request, error.message)
        return _to_version(version)
    return result


@login_required
@require_POST
def publish(request, pk: int):
    def run(version):
        services.publish_version(version=version, user=request.user)
        messages.success(request, _("Version publiée : elle ne peut plus être modifiée."))
        return _to_version(version)

    return _version_action(request, pk, run)


@login_required
@require_POST
def archive(request, pk: int):
    def run(version):
        services.archive_version(version=version, user=request.user)
        messages.success(request, _("Version archivée."))
        return _to_version(version)

    return _version_action(request, pk, run)


@login_required
@require_POST
def delete_draft(request, pk: int):
    def run(version):
        services.delete_draft(version=version)
        messages.success(request, _("Brouillon supprimé."))
        return redirect("referentiels:list")

    return _version_action(request, pk, run)


@login_required
@require_POST
def next_version(request, pk: int):
    def run(version):
        form = forms.NextVersionForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Indiquez le numéro de la nouvelle version."))
            return _to_version(version)
        new = services.create_next_version(
            referentiel=version.referentiel, numero=form.cleaned_data["numero"], user=request.user
        )
        messages.success(
            request,
            _("Nouvelle version créée en brouillon à partir de la dernière version publiée."),
        )
        return _to_version(new)

    return _version_action(request, pk, run)


@login_required
def edit_critere(request, pk: int, code: str | None = None):
    _require_manager(request)
    version = selectors.version_for(request.user, pk)
    critere = get_object_or_404(Critere, version=version, code=code) if code else None
    initial = None
    if critere is not None:
        initial = {
            name: getattr(critere, name)
            for name in forms.CritereForm.base_fields
            if hasattr(critere, name)
        }
        initial["sources"], initial["preuves"] = (
            "\n".join(critere.sources),
            "\n".join(critere.preuves),
        )
    form = forms.CritereForm(request.POST or None, initial=initial, version=version)
    if request.method == "POST" and form.is_valid():
        data = form.service_fields()
        try:
            saved = services.save_critere(version=version, critere=critere, **data)
        except BusinessError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Critère enregistré."))
            from django.urls import reverse

            return redirect(reverse("referentiels:critere", args=[version.pk, saved.code]))
    title = _("Modifier le critère %s") % code if code else _("Ajouter un critère")
    return render(
        request, "referentiels/form.html", {"form": form, "title": title, "version": version}
    )


@login_required
@require_POST
def add_document(request, pk: int):
    def run(version):
        form = forms.DocumentForm(request.POST, request.FILES)
        if not form.is_valid():
            messages.error(
                request, _("Le document n'a pas été ajouté : titre et type sont obligatoires.")
            )
            return _to_version(version)
        data = form.cleaned_data
        critere = (
            Critere.objects.filter(version=version, code=data["critere_code"]).first()
            if data["critere_code"]
            else None
        )
        services.add_document(
            version=version,
            titre=data["titre"],
            type=data["type"],
            texte=data["texte"],
            critere=critere,
            fichier=data["fichier"],
            user=request.user,
        )
        messages.success(request, _("Document ajouté à la boîte à outils."))
        return _to_version(version)

    return _version_action(request, pk, run)


@login_required
@require_POST
def add_document_file(request, pk: int):
    _require_manager(request)
    document = get_object_or_404(DocumentOutil.objects.select_related("version"), pk=pk)
    form = forms.DocumentFileForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_document_file(
                document=document, fichier=form.cleaned_data["fichier"], user=request.user
            )
            messages.success(request, _("Nouvelle version du fichier ajoutée."))
        except BusinessError as error:
            messages.error(request, error.message)
    return _to_version(document.version)


@login_required
def download_file(request, pk: int):
    """Toolbox files are served only here, after the access check."""
    fichier = DocumentOutilFichier.objects.select_related("document__version").filter(pk=pk).first()
    if fichier is None or not access.can_download_document_outil(request.user, fichier.document):
        raise Http404
    return file_download(fichier.fichier.open("rb"), fichier.nom_original)
