"""Organisation screens: territories, working groups, structures (create/edit, bulk
import with progress), invitations and the audit log.

The federation admin manages everything; a pilot what belongs to their territories.
Lists come from ``tenants.access`` querysets, so an object out of reach answers 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from core.errors import BusinessError
from core.pagination import paginate
from tenants import access, invitations, selectors, services, structure_import
from tenants.forms import GroupeForm, ImportForm, InvitationForm, StructureForm, TerritoireForm
from tenants.models import (
    AuditLog,
    GroupeTravail,
    ImportStructures,
    Invitation,
    Structure,
    Territoire,
)


def _require(allowed: bool) -> None:
    if not allowed:
        raise Http404


def _managed_territoires(user):
    if access.is_federation_admin(user):
        return Territoire.objects.all()
    return access.territoires_piloted_by(user)


def _can_organise(user) -> bool:
    return access.is_federation_admin(user) or access.is_pilote(user)


# --- Structures ---------------------------------------------------------------------------


@login_required
def structure_list(request):
    _require(_can_organise(request.user))
    visible = selectors.structures_for_person(request.user)
    return render(
        request,
        "tenants/structure_list.html",
        {
            "page_obj": paginate(request, selectors.filter_structures(visible, request.GET)),
            "territoires": Territoire.objects.filter(
                pk__in=visible.values("territoire_id")
            ).order_by("nom"),
            "types": Structure.Type.choices,
            "filtres": request.GET,
            "can_import": access.can_import_structures(request.user),
        },
    )


@login_required
def structure_detail(request, slug: str):
    structure = get_object_or_404(selectors.structures_for_person(request.user), slug=slug)
    _require(access.can_pilot_structure(request.user, structure))
    return render(
        request,
        "tenants/structure_detail.html",
        {
            "structure": structure,
            "memberships": structure.memberships.select_related("user").order_by(
                "role", "user__email"
            ),
            "can_edit": access.can_edit_structure_profile(request.user, structure),
        },
    )


@login_required
def structure_form(request, slug: str | None = None):
    structure = None
    if slug is not None:
        structure = get_object_or_404(selectors.structures_for_person(request.user), slug=slug)
        _require(access.can_edit_structure_profile(request.user, structure))
    else:
        _require(_can_organise(request.user))
    form = StructureForm(
        request.POST or None, instance=structure, territoires=_managed_territoires(request.user)
    )
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.fields if name in form.cleaned_data}
        if structure is None and not access.can_create_structure(
            request.user, data.get("territoire")
        ):
            form.add_error("territoire", _("Choisissez un territoire que vous pilotez."))
            return render(request, "tenants/structure_form.html", {"form": form, "structure": None})
        try:
            if structure is None:
                groupes = list(data.pop("groupes", []))
                structure = services.create_structure(by=request.user, groupes=groupes, **data)
                messages.success(request, _("Structure créée, son espace est prêt."))
            else:
                services.update_structure(structure=structure, by=request.user, **data)
                messages.success(request, _("Structure enregistrée."))
            return redirect("organisation:structure-detail", slug=structure.slug)
        except ValidationError as error:
            for field, errors in getattr(error, "error_dict", {}).items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
    return render(request, "tenants/structure_form.html", {"form": form, "structure": structure})


# --- Bulk import --------------------------------------------------------------------------


@login_required
def structure_import_form(request):
    _require(access.can_import_structures(request.user))
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["fichier"]
        try:
            record = structure_import.start_structure_import(
                name=upload.name, content=upload.read(), user=request.user
            )
        except BusinessError as error:
            form.add_error("fichier", error.message)
        else:
            return redirect("organisation:import-detail", pk=record.pk)
    return render(
        request,
        "tenants/import_form.html",
        {"form": form, "columns": structure_import.REQUIRED + structure_import.OPTIONAL},
    )


@login_required
def structure_import_detail(request, pk: int):
    record = get_object_or_404(_imports_visible_to(request.user), pk=pk)
    template = "tenants/_import_progress.html" if request.htmx else "tenants/import_detail.html"
    return render(request, template, {"record": record})


def _imports_visible_to(user):
    queryset = ImportStructures.objects.all()
    if not access.is_federation_admin(user):
        queryset = queryset.filter(auteur=user)
    return queryset


# --- Territories and groups ---------------------------------------------------------------


@login_required
def territoire_list(request):
    _require(_can_organise(request.user))
    territoires = access.territoires_visible_to(request.user).prefetch_related("pilotes", "groupes")
    return render(
        request,
        "tenants/territoire_list.html",
        {
            "territoires": territoires,
            "can_create": access.can_manage_network(request.user),
        },
    )


@login_required
def territoire_form(request, pk: int | None = None):
    territoire = None
    if pk is not None:
        territoire = get_object_or_404(access.territoires_visible_to(request.user), pk=pk)
        _require(access.can_manage_territoire(request.user, territoire))
    else:
        _require(access.can_manage_network(request.user))
    form = TerritoireForm(request.POST or None, instance=territoire)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Territoire enregistré."))
        return redirect("organisation:territoires")
    return render(
        request,
        "tenants/simple_form.html",
        {
            "form": form,
            "title": _("Territoire") if territoire else _("Nouveau territoire"),
        },
    )


@login_required
def groupe_form(request, pk: int | None = None):
    groupe = None
    if pk is not None:
        groupe = get_object_or_404(access.groupes_visible_to(request.user), pk=pk)
        _require(access.can_edit_groupe(request.user, groupe))
    else:
        _require(_can_organise(request.user))
    form = GroupeForm(
        request.POST or None, instance=groupe, territoires=_managed_territoires(request.user)
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Groupe de travail enregistré."))
        return redirect("organisation:territoires")
    return render(
        request,
        "tenants/simple_form.html",
        {
            "form": form,
            "title": _("Groupe de travail") if groupe else _("Nouveau groupe de travail"),
        },
    )


# --- People -------------------------------------------------------------------------------


@login_required
def invitation_list(request):
    """Invitations sent (all for the federation admin) and a form to invite someone."""
    user = request.user
    _require(access.can_invite_someone(user))
    structures = access.structures_visible_to(user)
    form = InvitationForm(
        request.POST or None,
        structures=structures,
        territoires=_managed_territoires(user),
        groupes=GroupeTravail.objects.filter(territoire__in=_managed_territoires(user)),
    )
    if request.method == "POST" and form.is_valid():
        try:
            invitations.invite(by=user, **form.cleaned_data)
        except BusinessError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Invitation envoyée."))
            return redirect("organisation:invitations")
    sent = Invitation.objects.select_related("structure", "territoire", "groupe", "invited_by")
    if not access.is_federation_admin(user):
        sent = sent.filter(invited_by=user)
    page = paginate(request, sent)
    return render(
        request,
        "tenants/invitation_list.html",
        {"form": form, "invitations": page, "page_obj": page},
    )


@login_required
def audit_log(request):
    _require(access.can_view_audit_log(request.user))
    entries = AuditLog.objects.select_related("actor", "target_user", "structure")
    action = request.GET.get("action", "")
    if action:
        entries = entries.filter(action=action)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "tenants/audit_log.html",
        {
            "page_obj": page,
            "actions": AuditLog.Action.choices,
            "current": action,
        },
    )
