"""Pages of the quality-management tools. Thin: forms parse, services write, selectors
read, ``tenants.access`` decides. Any role of the structure reads (middleware); writes are
refused with 403 by the services' rules."""

from __future__ import annotations

import os

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from accompagnement.qualite import forms, selectors, services
from accompagnement.qualite.models import (
    DocumentQualite,
    EvaluationPratique,
    MembreComite,
    ReunionComite,
    VersionDocument,
)
from core.downloads import file_download
from core.errors import BusinessError
from core.routing import structure_url
from tenants import access
from tenants.models import User


def _staff(structure):
    return User.objects.filter(memberships__structure=structure, is_active=True).distinct()


def _get(queryset_or_getter, pk):
    try:
        return queryset_or_getter(pk)
    except (
        ReunionComite.DoesNotExist,
        DocumentQualite.DoesNotExist,
        EvaluationPratique.DoesNotExist,
        MembreComite.DoesNotExist,
        VersionDocument.DoesNotExist,
    ) as error:
        raise Http404 from error


def _form_errors(form, error: BusinessError) -> None:
    for item in error.errors:
        field = item.get("field")
        form.add_error(field if field in form.fields else None, item["message"])


def _run(request, form, operation, success: str) -> bool:
    """Call a service; its refusal becomes the form's errors (403 when not allowed)."""
    try:
        operation()
    except BusinessError as error:
        if error.status == 403:
            raise PermissionDenied from error
        _form_errors(form, error)
        return False
    messages.success(request, success)
    return True


def _rights(request) -> dict:
    return {
        "can_manage": access.can_manage_qualite(request.user, request.tenant),
        "can_audit": access.can_audit_practices(request.user, request.tenant),
    }


def index(request):
    overview = selectors.overview(
        today=timezone.localdate(), within_days=settings.DOCUMENT_REVISION_RAPPEL_JOURS
    )
    return render(request, "qualite/index.html", {"overview": overview, **_rights(request)})


# --- Steering committee ---------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def comite(request):
    structure = request.tenant
    membres = selectors.committee_members()
    people = _staff(structure).exclude(pk__in=membres.values("user_id"))
    form = forms.MembreForm(request.POST or None, people=people)
    if request.method == "POST" and form.is_valid():
        done = _run(
            request,
            form,
            lambda: services.add_committee_member(
                structure=structure,
                user=request.user,
                member=form.cleaned_data["user"],
                fonction=form.cleaned_data["fonction"],
                depuis=timezone.localdate(),
            ),
            _("Membre ajouté au comité."),
        )
        if done:
            return redirect(structure_url(structure, "qualite:comite"))
    return render(
        request,
        "qualite/comite.html",
        {
            "membres": membres,
            "reunions": selectors.committee_meetings(),
            "form": form,
            **_rights(request),
        },
    )


@require_POST
def membre_retirer(request, pk: int):
    membre = _get(lambda key: MembreComite.objects.get(pk=key), pk)
    try:
        services.remove_committee_member(structure=request.tenant, user=request.user, membre=membre)
    except BusinessError as error:
        raise PermissionDenied from error
    messages.success(request, _("Membre retiré du comité."))
    return redirect(structure_url(request.tenant, "qualite:comite"))


@require_http_methods(["GET", "POST"])
def reunion(request, pk: int | None = None):
    structure = request.tenant
    instance = _get(selectors.committee_meeting, pk) if pk else None
    if request.method == "POST" and not access.can_manage_qualite(request.user, structure):
        raise PermissionDenied
    initial = (
        {
            "date": timezone.localtime(instance.date),
            "ordre_du_jour": instance.ordre_du_jour,
            "compte_rendu": instance.compte_rendu,
            "presents": list(instance.presents.all()),
        }
        if instance
        else {}
    )
    form = forms.ReunionForm(
        request.POST or None, initial=initial, membres=selectors.committee_members()
    )
    decision_form = forms.DecisionForm(people=_staff(structure))
    if request.method == "POST" and form.is_valid():
        saved: list[ReunionComite] = []
        done = _run(
            request,
            form,
            lambda: saved.append(
                services.save_committee_meeting(
                    structure=structure, user=request.user, reunion=instance, **form.cleaned_data
                )
            ),
            _("Réunion enregistrée."),
        )
        if done:
            return redirect(structure_url(structure, "qualite:reunion", saved[0].pk))
    return render(
        request,
        "qualite/reunion.html",
        {
            "reunion": instance,
            "form": form,
            "decision_form": decision_form,
            **_rights(request),
        },
    )


@require_POST
def decision(request, pk: int):
    structure = request.tenant
    instance = _get(selectors.committee_meeting, pk)
    form = forms.DecisionForm(request.POST, people=_staff(structure))
    if form.is_valid():
        data = form.cleaned_data
        done = _run(
            request,
            form,
            lambda: services.record_decision(
                structure=structure,
                user=request.user,
                reunion=instance,
                texte=data["texte"],
                create_action=data["create_action"],
                responsable=data["responsable"],
                echeance=data["echeance"],
                dimension=data["dimension"],
            ),
            _("Décision enregistrée."),
        )
        if done:
            return redirect(structure_url(structure, "qualite:reunion", instance.pk))
    if not access.can_manage_qualite(request.user, structure):
        raise PermissionDenied
    return render(
        request,
        "qualite/reunion.html",
        {
            "reunion": instance,
            "form": forms.ReunionForm(membres=selectors.committee_members()),
            "decision_form": form,
            **_rights(request),
        },
        status=400,
    )


# --- Document control -----------------------------------------------------------------------


def documents(request):
    today = timezone.localdate()
    within = settings.DOCUMENT_REVISION_RAPPEL_JOURS
    archived = request.GET.get("archives") == "1"
    return render(
        request,
        "qualite/documents.html",
        {
            "documents": selectors.documents(include_archived=archived),
            "due": set(
                selectors.documents_due(today=today, within_days=within).values_list(
                    "pk", flat=True
                )
            ),
            "today": today,
            "archived": archived,
            **_rights(request),
        },
    )


@require_http_methods(["GET", "POST"])
def document_new(request):
    structure = request.tenant
    if not access.can_manage_qualite(request.user, structure):
        raise PermissionDenied
    form = forms.DocumentForm(request.POST or None, request.FILES or None, people=_staff(structure))
    if request.method == "POST" and form.is_valid():
        created: list[DocumentQualite] = []
        done = _run(
            request,
            form,
            lambda: created.append(
                services.create_document(
                    structure=structure, user=request.user, **form.cleaned_data
                )
            ),
            _("Document enregistré."),
        )
        if done:
            return redirect(structure_url(structure, "qualite:document", created[0].pk))
    return render(request, "qualite/document_new.html", {"form": form})


@require_http_methods(["GET", "POST"])
def document(request, pk: int):
    structure = request.tenant
    instance = _get(selectors.document, pk)
    form = forms.VersionForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not access.can_manage_qualite(request.user, structure):
            raise PermissionDenied
        if form.is_valid() and _run(
            request,
            form,
            lambda: services.publish_document_version(
                structure=structure, user=request.user, document=instance, **form.cleaned_data
            ),
            _("Nouvelle version en vigueur."),
        ):
            return redirect(structure_url(structure, "qualite:document", instance.pk))
    return render(
        request,
        "qualite/document.html",
        {"document": instance, "form": form, **_rights(request)},
    )


@require_POST
def document_archive(request, pk: int):
    instance = _get(selectors.document, pk)
    try:
        services.update_document(
            structure=request.tenant, user=request.user, document=instance, archive=True
        )
    except BusinessError as error:
        raise PermissionDenied from error
    messages.success(request, _("Document archivé."))
    return redirect(structure_url(request.tenant, "qualite:documents"))


def version_fichier(request, pk: int):
    version = _get(lambda key: VersionDocument.objects.get(pk=key), pk)
    if not version.fichier:
        raise Http404
    return file_download(version.fichier.open("rb"), os.path.basename(version.fichier.name))


# --- Evaluation of practices ----------------------------------------------------------------


def evaluations(request):
    return render(
        request,
        "qualite/evaluations.html",
        {"evaluations": selectors.evaluations(), **_rights(request)},
    )


@require_http_methods(["GET", "POST"])
def evaluation_new(request):
    structure = request.tenant
    if not access.can_manage_qualite(request.user, structure):
        raise PermissionDenied
    form = forms.EvaluationForm(request.POST or None, initial={"debut": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["criteres"] = data["criteres"].splitlines()
        data["seuil"] = data["seuil"] / 100
        created: list[EvaluationPratique] = []
        done = _run(
            request,
            form,
            lambda: created.append(
                services.create_evaluation(structure=structure, user=request.user, **data)
            ),
            _("Évaluation créée."),
        )
        if done:
            return redirect(structure_url(structure, "qualite:evaluation", created[0].pk))
    return render(request, "qualite/evaluation_new.html", {"form": form})


@require_http_methods(["GET", "POST"])
def evaluation(request, pk: int):
    structure = request.tenant
    instance = _get(selectors.evaluation, pk)
    criteres = list(instance.criteres.all())
    form = forms.AuditForm(
        request.POST or None, criteres=criteres, initial={"audite_le": timezone.localdate()}
    )
    if request.method == "POST":
        if not access.can_audit_practices(request.user, structure):
            raise PermissionDenied
        if form.is_valid() and _run(
            request,
            form,
            lambda: services.record_audit(
                structure=structure,
                user=request.user,
                evaluation=instance,
                reference=form.cleaned_data["reference"],
                audite_le=form.cleaned_data["audite_le"],
                reponses=form.reponses(),
            ),
            _("Dossier enregistré."),
        ):
            return redirect(structure_url(structure, "qualite:evaluation", instance.pk))
    results = selectors.evaluation_results(instance)
    return render(
        request,
        "qualite/evaluation.html",
        {
            "evaluation": instance,
            "results": results,
            "form": form,
            **_rights(request),
        },
        status=400 if form.errors else 200,
    )


@require_POST
def evaluation_cloturer(request, pk: int):
    structure = request.tenant
    instance = _get(selectors.evaluation, pk)
    try:
        created = services.close_evaluation(
            structure=structure, user=request.user, evaluation=instance, today=timezone.localdate()
        )
    except BusinessError as error:
        if error.status == 403:
            raise PermissionDenied from error
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            ngettext(
                "Évaluation terminée : %(n)d action ajoutée au plan.",
                "Évaluation terminée : %(n)d actions ajoutées au plan.",
                len(created),
            )
            % {"n": len(created)},
        )
    return redirect(structure_url(structure, "qualite:evaluation", instance.pk))
