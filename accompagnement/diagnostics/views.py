"""Self-diagnosis pages under ``/s/<slug>/autodiagnostics/`` (thin: parse, call a service
or a selector, render). ``StructureAccessMiddleware`` already answered 404 to anyone
without a role in the structure; write rules are checked by the services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accompagnement.diagnostics import concordance, exports, selectors, services, workflow
from accompagnement.diagnostics.forms import (
    AnswerForm,
    AutodiagnosticCreateForm,
    ConfirmForm,
    PreuveForm,
)
from accompagnement.diagnostics.models import Autodiagnostic, ExportAutodiagnostic, Preuve, Reponse
from core.downloads import file_download
from core.errors import BusinessError
from core.redirects import safe_next
from core.routing import structure_url
from tenants import access


def _autodiagnostic(pk: int) -> Autodiagnostic:
    try:
        return selectors.autodiagnostic_by_id(pk)
    except Autodiagnostic.DoesNotExist as error:
        raise Http404 from error


def _reponse(autodiagnostic: Autodiagnostic, reponse_pk: int, *related: str) -> Reponse:
    reponse = (
        Reponse.objects.filter(autodiagnostic=autodiagnostic, pk=reponse_pk)
        .select_related("critere", *related)
        .first()
    )
    if reponse is None:
        raise Http404
    return reponse


def _url(request, name: str, *args) -> str:
    return structure_url(request.tenant, f"diagnostics:{name}", *args)


def _rights(request, autodiagnostic: Autodiagnostic | None = None) -> dict:
    """What the person may do, and the self-diagnosis' base URL (per-criterion URLs are
    built from it in the templates: one ``reverse`` per page instead of one per link)."""
    structure, user = request.tenant, request.user
    return {
        "base_url": _url(request, "answer", autodiagnostic.pk) if autodiagnostic else "",
        "can_answer": access.can_answer_autodiagnostic(user, structure),
        "can_manage": access.can_manage_autodiagnostic(user, structure),
        "can_confirm": access.can_confirm_autodiagnostic(user, structure),
        "can_propose": access.can_propose_actions(user, structure),
    }


# --- List and creation --------------------------------------------------------------------


@login_required
def autodiagnostic_list(request):
    form = AutodiagnosticCreateForm(request.POST or None)
    rights = _rights(request)
    if request.method == "POST":
        if not rights["can_manage"]:
            raise PermissionDenied
        if form.is_valid():
            try:
                autodiagnostic = services.create_autodiagnostic(
                    structure=request.tenant,
                    version=form.cleaned_data["version"],
                    annee=form.cleaned_data["annee"],
                    user=request.user,
                    copy_previous=form.cleaned_data["reprendre_precedent"],
                )
            except BusinessError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(
                    request, _("Autodiagnostic %(annee)s ouvert.") % {"annee": autodiagnostic.annee}
                )
                return redirect(_url(request, "answer", autodiagnostic.pk))
    return render(
        request,
        "diagnostics/list.html",
        {
            "autodiagnostics": selectors.autodiagnostics_list(),
            "form": form,
            "history": selectors.history(),
            **rights,
        },
    )


# --- Answer page --------------------------------------------------------------------------


@login_required
def answer(request, pk: int):
    """The référent's answer page: light markup per criterion, each criterion's details
    (explanation, model documents, evidence) loaded when opened (``criterion_details``)."""
    autodiagnostic = _autodiagnostic(pk)
    sheet = selectors.answer_sheet(autodiagnostic)
    return render(
        request,
        "diagnostics/answer.html",
        {
            "sheet": sheet,
            "autodiagnostic": autodiagnostic,
            "transitions": workflow.allowed_transitions(
                autodiagnostic, request.user, structure=request.tenant
            ),
            "incomplete": sheet.first_unanswered is not None,
            **_rights(request, autodiagnostic),
            "editable": _editable(request, autodiagnostic),
        },
    )


def _fragment(request, template: str, context: dict) -> HttpResponse:
    """An htmx fragment of the answer page, rendered without the layout's context
    processors (menus and roles: about ten queries a fragment never shows)."""
    return HttpResponse(render_to_string(template, {"csrf_token": get_token(request), **context}))


def _editable(request, autodiagnostic: Autodiagnostic) -> bool:
    return access.can_answer_autodiagnostic(request.user, request.tenant) and not (
        autodiagnostic.is_locked
    )


@login_required
def criterion_details(request, pk: int, reponse_pk: int):
    """A criterion's explanation, model documents and evidence files (htmx fragment when
    the answer page opens them; a page of its own without JavaScript)."""
    autodiagnostic = _autodiagnostic(pk)
    return _details_response(request, autodiagnostic, reponse_pk)


def _details_response(request, autodiagnostic, reponse_pk: int, **extra) -> HttpResponse:
    details = selectors.criterion_details(autodiagnostic, reponse_pk)
    if details is None:
        raise Http404
    context = {
        "details": details,
        "autodiagnostic": autodiagnostic,
        "base_url": _url(request, "answer", autodiagnostic.pk),
        "editable": _editable(request, autodiagnostic),
        **extra,
    }
    if request.htmx:
        return _fragment(request, "diagnostics/_criterion_details.html", context)
    return render(request, "diagnostics/criterion_details.html", context)


@login_required
def transition_log(request, pk: int):
    """The workflow's history (loaded on demand by the answer page)."""
    autodiagnostic = _autodiagnostic(pk)
    return render(
        request, "diagnostics/_log.html", {"log": selectors.transitions_of(autodiagnostic)}
    )


@login_required
@require_POST
def save_answer(request, pk: int, reponse_pk: int):
    """Autosave of one criterion (htmx, sent by the page while typing): its state comes
    back into the criterion's status, its revision, error and the progress out of band;
    the fields being typed in are not swapped. Errors keep what was typed."""
    autodiagnostic = _autodiagnostic(pk)
    reponse = _reponse(autodiagnostic, reponse_pk, "confirmation")
    had_confirmation = selectors.confirmation_of(reponse) is not None
    form = AnswerForm(request.POST)
    state, error, conflict, status = "saved", None, None, 200
    if not form.is_valid():
        state, error, status = "error", _("Réponse illisible : rechargez la page."), 400
    else:
        try:
            services.save_answer(
                structure=request.tenant,
                reponse=reponse,
                valeur=form.cleaned_data["valeur"] or None,
                commentaire=form.cleaned_data["commentaire"],
                expected_revision=form.cleaned_data["revision"],
                user=request.user,
            )
        except BusinessError as exc:
            state, error, status = "error", exc.message, exc.status
            conflict = exc.details.get("current")
    if not request.htmx:
        if error:
            messages.error(request, error)
        return redirect(f"{_url(request, 'answer', pk)}#critere-{reponse.pk}")
    saved = selectors.saved_row(autodiagnostic, reponse.pk)
    if saved is None:
        raise Http404
    response = _fragment(
        request,
        "diagnostics/_answer_saved.html",
        {
            "row": saved.row,
            "state": state,
            "error": error,
            "conflict": conflict,
            "confirmation_dropped": had_confirmation and saved.row.confirmation_libelle is None,
            "overall": saved.overall,
            "theme_progress": saved.theme,
        },
    )
    if status != 200:
        # htmx swaps 2xx only by default: keep 200 for the swap, tell the status in a header.
        response["X-Business-Status"] = str(status)
    return response


def _evidence_response(
    request, autodiagnostic: Autodiagnostic, reponse_pk: int, error: str | None, *, done: str
) -> HttpResponse:
    """After adding or removing an evidence file: the criterion's details again (htmx), its
    count out of band; without JavaScript, back to the criterion with a message."""
    if not request.htmx:
        if error:
            messages.error(request, error)
        return redirect(f"{_url(request, 'answer', autodiagnostic.pk)}#critere-{reponse_pk}")
    return _details_response(
        request,
        autodiagnostic,
        reponse_pk,
        state="error" if error else done,
        error=error,
        count_oob=True,
    )


@login_required
@require_POST
def upload_preuve(request, pk: int, reponse_pk: int):
    autodiagnostic = _autodiagnostic(pk)
    reponse = _reponse(autodiagnostic, reponse_pk)
    form = PreuveForm(request.POST, request.FILES)
    error = None
    if form.is_valid():
        try:
            services.add_preuve(
                structure=request.tenant,
                reponse=reponse,
                fichier=form.cleaned_data["fichier"],
                user=request.user,
            )
        except BusinessError as exc:
            error = exc.message
    else:
        error = str(form.errors["fichier"][0])
    return _evidence_response(request, autodiagnostic, reponse.pk, error, done="file_saved")


@login_required
def download_preuve(request, pk: int, preuve_pk: int):
    """Evidence files are served only here, to people with a role in the structure
    (checked by the middleware and again below), never from the web root."""
    if not access.can_view_autodiagnostic(request.user, request.tenant):
        raise Http404
    preuve = Preuve.objects.filter(pk=preuve_pk, reponse__autodiagnostic_id=pk).first()
    if preuve is None:
        raise Http404
    return file_download(preuve.fichier.open("rb"), preuve.nom_original)


@login_required
@require_POST
def delete_preuve(request, pk: int, preuve_pk: int):
    autodiagnostic = _autodiagnostic(pk)
    preuve = (
        Preuve.objects.filter(pk=preuve_pk, reponse__autodiagnostic_id=pk)
        .select_related("reponse")
        .first()
    )
    if preuve is None:
        raise Http404
    error = None
    try:
        services.delete_preuve(structure=request.tenant, preuve=preuve, user=request.user)
    except BusinessError as exc:
        error = exc.message
    return _evidence_response(
        request, autodiagnostic, preuve.reponse_id, error, done="file_removed"
    )


# --- Workflow -----------------------------------------------------------------------------

TRANSITION_SERVICES = {
    "submit": services.submit_autodiagnostic,
    "request_reopen": services.request_reopen,
    "refuse_reopen": services.refuse_reopen,
    "reopen": services.reopen_autodiagnostic,
    "finish_confirmation": services.finish_confirmation,
}


@login_required
@require_POST
def transition(request, pk: int, name: str):
    autodiagnostic = _autodiagnostic(pk)
    service = TRANSITION_SERVICES.get(name)
    if service is None:
        raise Http404
    try:
        service(
            structure=request.tenant,
            autodiagnostic=autodiagnostic,
            user=request.user,
            commentaire=request.POST.get("commentaire", ""),
        )
    except BusinessError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("C'est fait : %(action)s.") % {"action": workflow.TRANSITIONS[name].label}
        )
    return redirect(safe_next(request, _url(request, "answer", pk)))


# --- Scores -------------------------------------------------------------------------------


@login_required
def scores(request, pk: int):
    autodiagnostic = _autodiagnostic(pk)
    payload = selectors.scores_payload(selectors.scores_of(autodiagnostic))
    history = selectors.history()
    declared, confirmed = _("Déclaré (%)"), _("Confirmé (%)")

    def chart(kind, labels, declared_data, confirmed_data):
        return {
            "type": kind,
            "labels": labels,
            "datasets": [
                {"label": declared, "data": declared_data, "color": "declare"},
                {"label": confirmed, "data": confirmed_data, "color": "confirme"},
            ],
        }

    themes, niveaux = payload["themes"], payload["niveaux"]
    charts = {
        "themes": chart(
            "radar",
            [f"{t['code']} {t['titre']}".strip() for t in themes],
            [(t["declare"] or {}).get("taux") for t in themes],
            [(t["confirme"] or {}).get("taux") for t in themes],
        ),
        "niveaux": chart(
            "bar",
            [_("Niveau %(n)s") % {"n": n["niveau"]} for n in niveaux],
            [(n["declare"] or {}).get("taux") for n in niveaux],
            [(n["confirme"] or {}).get("taux") for n in niveaux],
        ),
        "annees": chart(
            "line",
            [str(h["annee"]) for h in history],
            [h["declare"] for h in history],
            [h["confirme"] for h in history],
        ),
    }
    return render(
        request,
        "diagnostics/scores.html",
        {
            "autodiagnostic": autodiagnostic,
            "payload": payload,
            "history": history,
            "charts": charts,
            **_rights(request, autodiagnostic),
        },
    )


# --- Confirmation (expert) ----------------------------------------------------------------


@login_required
def confirmation(request, pk: int):
    if not access.can_confirm_autodiagnostic(request.user, request.tenant):
        raise Http404
    autodiagnostic = _autodiagnostic(pk)
    return render(
        request,
        "diagnostics/confirmation.html",
        {
            "page": selectors.confirmation_sheet(autodiagnostic),
            "autodiagnostic": autodiagnostic,
            "counts": selectors.autodiagnostics_list().get(pk=autodiagnostic.pk),
            "transitions": workflow.allowed_transitions(
                autodiagnostic, request.user, structure=request.tenant
            ),
            **_rights(request, autodiagnostic),
        },
    )


@login_required
@require_POST
def confirm(request, pk: int, reponse_pk: int):
    autodiagnostic = _autodiagnostic(pk)
    reponse = _reponse(autodiagnostic, reponse_pk)
    preuve_ids = list(reponse.preuves.values_list("pk", flat=True))
    form = ConfirmForm(request.POST, preuve_ids=preuve_ids)
    error = None
    if form.is_valid():
        try:
            services.confirm_criterion(
                structure=request.tenant,
                reponse=reponse,
                expert=request.user,
                valeur=form.cleaned_data["valeur"] or None,
                commentaire=form.cleaned_data["commentaire"],
                preuves_examinees=list(Preuve.objects.filter(pk__in=form.cleaned_data["preuves"])),
            )
        except BusinessError as exc:
            error = exc.message
    else:
        error = _("Preuve inconnue pour ce critère.")
    if not request.htmx:
        if error:
            messages.error(request, error)
        return redirect(f"{_url(request, 'confirmation', pk)}#critere-{reponse.pk}")
    return render(
        request,
        "diagnostics/_confirm_row.html",
        {
            "autodiagnostic": autodiagnostic,
            "row": selectors.confirmation_rows(autodiagnostic, pk=reponse.pk)[0],
            "valeurs": selectors.scale_values(autodiagnostic.version),
            "error": error,
            "typed": request.POST if error else None,
            "state": "error" if error else "saved",
            **_rights(request, autodiagnostic),
        },
    )


@login_required
@require_POST
def propose_actions(request, pk: int):
    autodiagnostic = _autodiagnostic(pk)
    try:
        created = services.propose_actions_from_nonconformities(
            structure=request.tenant, autodiagnostic=autodiagnostic, user=request.user
        )
    except BusinessError as exc:
        messages.error(request, exc.message)
    else:
        if created:
            messages.success(
                request,
                ngettext(
                    "%(n)s action ajoutée au plan d'actions.",
                    "%(n)s actions ajoutées au plan d'actions.",
                    len(created),
                )
                % {"n": len(created)},
            )
        else:
            messages.info(
                request,
                _("Aucune nouvelle action : chaque non-conformité confirmée a déjà la sienne."),
            )
    return redirect(safe_next(request, _url(request, "scores", pk)))


# --- Exports ------------------------------------------------------------------------------


@login_required
@require_POST
def request_export(request, pk: int, fmt: str):
    autodiagnostic = _autodiagnostic(pk)
    try:
        export = exports.request_export(
            structure=request.tenant, autodiagnostic=autodiagnostic, fmt=fmt, user=request.user
        )
    except BusinessError as exc:
        messages.error(request, exc.message)
        return redirect(_url(request, "scores", pk))
    return redirect(_url(request, "export", export.pk))


def _export(export_pk: int) -> ExportAutodiagnostic:
    export = (
        ExportAutodiagnostic.objects.select_related("autodiagnostic").filter(pk=export_pk).first()
    )
    if export is None:
        raise Http404
    return export


@login_required
def export_status(request, export_pk: int):
    """The export's progress, polled by htmx until the file is ready."""
    export = _export(export_pk)
    template = "diagnostics/_export_status.html" if request.htmx else "diagnostics/export.html"
    return render(request, template, {"export": export, "autodiagnostic": export.autodiagnostic})


@login_required
def export_download(request, export_pk: int):
    if not access.can_view_autodiagnostic(request.user, request.tenant):
        raise Http404
    export = _export(export_pk)
    if export.etat != ExportAutodiagnostic.Etat.PRET:
        raise Http404
    return file_download(
        export.fichier.open("rb"),
        f"autodiagnostic-{export.autodiagnostic.annee}.{export.format}",
        exports.CONTENT_TYPES[export.format],
    )


def concordance_coverage(request, pk: int):
    """The self-diagnosis read by chapter of another reference (crosswalk of its frame)."""
    autodiagnostic = _autodiagnostic(pk)
    coverage = concordance.crosswalk_coverage(
        autodiagnostic,
        systeme=request.GET.get("systeme"),
        structure_type=getattr(request.tenant, "type", None),
    )
    return render(
        request,
        "diagnostics/concordance.html",
        {"autodiagnostic": autodiagnostic, "coverage": coverage},
    )
