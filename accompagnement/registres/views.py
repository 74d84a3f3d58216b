"""Register pages (list, create, edit, delete, XLSX import/export), one set of views for
the four registers described in ``registry``. Access: any role reads (middleware);
directors, référents and contributors write (``access.can_contribute``)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accompagnement.registres import selectors, services, xlsx
from accompagnement.registres.forms import form_class
from accompagnement.registres.registry import REGISTRES, field_label, registre_by_slug
from core import page_jobs
from core.downloads import content_download
from core.errors import BusinessError
from core.routing import structure_url
from tenants import access


def _require_contributor(request) -> None:
    if not access.can_contribute(request.user, request.tenant):
        raise PermissionDenied


def index(request):
    return render(request, "registres/index.html", {"registres": REGISTRES.values()})


def entry_list(request, slug: str):
    registre = registre_by_slug(slug)
    entries = selectors.register_entries(registre)
    columns = [(name, field_label(registre, name)) for name in registre.list_fields]
    rows = [(entry, [_display(entry, name) for name in registre.list_fields]) for entry in entries]
    return render(
        request,
        "registres/list.html",
        {
            "registre": registre,
            "columns": columns,
            "rows": rows,
            "can_write": access.can_contribute(request.user, request.tenant),
        },
    )


def _display(entry, name: str):
    field = entry._meta.get_field(name)
    if field.choices:
        return getattr(entry, f"get_{name}_display")()
    value = getattr(entry, name)
    if field.get_internal_type() == "BooleanField":
        return _("oui") if value else _("non")
    return value if value not in (None, "") else "—"


@require_http_methods(["GET", "POST"])
def entry_form(request, slug: str, pk: int | None = None):
    registre = registre_by_slug(slug)
    _require_contributor(request)
    instance = selectors.register_entry(registre, pk) if pk else None
    form = form_class(registre)(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_register_entry(
                structure=request.tenant,
                registre=registre,
                data=form.cleaned_data,
                user=request.user,
                instance=instance,
            )
        except BusinessError as error:
            for item in error.errors:
                form.add_error(
                    item.get("field") if item.get("field") in form.fields else None, item["message"]
                )
        else:
            messages.success(request, _("Enregistré."))
            return redirect(structure_url(request.tenant, "registres:list", slug))
    return render(
        request, "registres/form.html", {"registre": registre, "form": form, "instance": instance}
    )


@require_POST
def entry_delete(request, slug: str, pk: int):
    registre = registre_by_slug(slug)
    _require_contributor(request)
    services.delete_register_entry(
        structure=request.tenant,
        registre=registre,
        instance=selectors.register_entry(registre, pk),
        user=request.user,
    )
    messages.success(request, _("Supprimé."))
    return redirect(structure_url(request.tenant, "registres:list", slug))


@require_http_methods(["GET", "POST"])
def entry_import(request, slug: str):
    """Check the file at once, then import it as a durable job (its page shows it)."""
    registre = registre_by_slug(slug)
    _require_contributor(request)
    errors = []
    if request.method == "POST":
        upload = request.FILES.get("fichier")
        if upload is None:
            errors = [{"message": _("Choisissez un fichier .xlsx.")}]
        else:
            try:
                job = services.start_register_import(
                    structure=request.tenant,
                    registre=registre,
                    name=upload.name,
                    content=upload.read(),
                    user=request.user,
                    token=request.POST.get("jeton"),
                )
            except BusinessError as error:
                errors = error.errors
            else:
                return redirect(structure_url(request.tenant, "registres:import-job", slug, job.pk))
    columns = [field_label(registre, name) for name in registre.import_fields]
    history = [
        (job, structure_url(request.tenant, "registres:import-job", slug, job.pk))
        for job in page_jobs.history(services.IMPORT_JOB, registre=registre.slug)
    ]
    return render(
        request,
        "registres/import.html",
        {
            "registre": registre,
            "errors": errors,
            "columns": columns,
            "jeton": page_jobs.new_token(),
            "history": history,
        },
        status=400 if errors else 200,
    )


def import_job(request, slug: str, pk: int):
    """An import's job: state, report or refused rows (polled by htmx while it runs)."""
    registre = registre_by_slug(slug)
    _require_contributor(request)
    job = page_jobs.job_in_schema(services.IMPORT_JOB, pk)
    if job.progress.get("registre") != registre.slug:
        raise Http404
    context = {
        "registre": registre,
        "job": job,
        "poll_url": structure_url(request.tenant, "registres:import-job", slug, pk),
        "done_url": structure_url(request.tenant, "registres:list", slug),
        "done_label": _("Voir le registre"),
        "retry_url": structure_url(request.tenant, "registres:import", slug),
    }
    if request.htmx:
        return render(request, "core/_job_status.html", context)
    return render(request, "registres/import_job.html", context)


def entry_export(request, slug: str):
    registre = registre_by_slug(slug)
    content = xlsx.export_register(registre, list(selectors.register_entries(registre)))
    return content_download(
        content,
        f"{registre.slug}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
