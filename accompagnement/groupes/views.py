"""Network pages of collective work: the expert's review queue, deliverable types, a
group's page (collective plan, meetings, participation), a meeting, the iCalendar feed."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accompagnement.groupes import ical, selectors, services
from accompagnement.groupes.models import (
    Horizon,
    PieceJointeReunion,
    PlanningTheme,
    Priorite,
    PropositionReunion,
    ReunionCollective,
    TypeLivrable,
)
from core.downloads import content_download, file_download
from core.errors import BusinessError
from tenants import access
from tenants.models import GroupeTravail


def _int(value) -> int | None:
    return int(value) if value and str(value).isdigit() else None


@login_required
def revue(request):
    """The expert's queue: submitted deliverables of all their structures, oldest first."""
    if not access.is_expert(request.user):
        raise Http404
    filters = {
        "type_code": request.GET.get("type", ""),
        "territoire": _int(request.GET.get("territoire")),
        "groupe": _int(request.GET.get("groupe")),
    }
    return render(
        request,
        "groupes/revue.html",
        {
            "items": list(selectors.review_queue(request.user, **filters)),
            "types": TypeLivrable.objects.all(),
            "territoires": access.territoires_visible_to(request.user),
            "groupes": access.groupes_visible_to(request.user),
            "filters": filters,
        },
    )


@login_required
def types_livrable(request):
    if not access.can_manage_types_livrable(request.user):
        raise Http404
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            services.create_type_livrable(
                user=request.user,
                code=request.POST.get("code", ""),
                libelle=request.POST.get("libelle", ""),
                critere_code=request.POST.get("critere_code", ""),
                description=request.POST.get("description", ""),
            )
            messages.success(request, _("Type de livrable ajouté."))
            return redirect("groupes:types")
        except BusinessError as error:
            errors[error.field or "general"] = error.message
    return render(
        request,
        "groupes/types.html",
        {"types": TypeLivrable.objects.all(), "errors": errors},
        status=400 if errors else 200,
    )


@login_required
def groupe_list(request):
    return render(
        request,
        "groupes/list.html",
        {
            "groupes": access.groupes_visible_to(request.user).select_related("territoire"),
        },
    )


def _groupe_for(request, pk: int) -> GroupeTravail:
    groupe = get_object_or_404(GroupeTravail.objects.select_related("territoire"), pk=pk)
    if not access.can_view_groupe(request.user, groupe):
        raise Http404
    return groupe


@login_required
def groupe_detail(request, pk: int):
    groupe = _groupe_for(request, pk)
    can_lead = access.can_lead_groupe(request.user, groupe)
    return render(
        request,
        "groupes/detail.html",
        {
            "groupe": groupe,
            "can_lead": can_lead,
            "actions": selectors.actions_collectives(groupe),
            "reunions": selectors.reunions(groupe),
            "participation": selectors.participation(groupe),
            "planning": PlanningTheme.objects.filter(groupe=groupe),
            "propositions": selectors.propose_collective_criteria(groupe)
            if can_lead and request.GET.get("propositions")
            else None,
            "priorites": Priorite.choices,
            "horizons": Horizon.choices,
        },
    )


def _lead_post(request, groupe, do, redirect_to):
    try:
        do()
    except BusinessError as error:
        if error.status == 403:
            raise Http404 from error
        messages.error(request, error.message)
    return redirect_to


@login_required
@require_POST
def action_collective_create(request, pk: int):
    groupe = _groupe_for(request, pk)
    codes = [c.strip() for c in request.POST.get("criteres_codes", "").split(",") if c.strip()]

    def do():
        services.create_action_collective(
            user=request.user,
            groupe=groupe,
            titre=request.POST.get("titre", ""),
            description=request.POST.get("description", ""),
            criteres_codes=codes,
            priorite=request.POST.get("priorite") or Priorite.MOYENNE,
            horizon=request.POST.get("horizon") or Horizon.MOYEN,
            faisabilite=request.POST.get("faisabilite", ""),
            echeance=parse_date(request.POST.get("echeance") or "") or None,
        )
        messages.success(
            request, _("Action collective ajoutée au plan de chaque structure du groupe.")
        )

    return _lead_post(request, groupe, do, redirect("groupes:detail", groupe.pk))


@login_required
@require_POST
def reunion_create(request, pk: int):
    groupe = _groupe_for(request, pk)

    def do():
        moment = parse_datetime(request.POST.get("date") or "")
        if moment is None:
            raise BusinessError("invalid", _("Date et heure attendues."), field="date")
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        services.create_reunion(
            user=request.user,
            groupe=groupe,
            date=moment,
            lieu=request.POST.get("lieu", ""),
            theme=request.POST.get("theme", ""),
            ordre_du_jour=request.POST.get("ordre_du_jour", ""),
        )
        messages.success(request, _("Réunion planifiée."))

    return _lead_post(request, groupe, do, redirect("groupes:detail", groupe.pk))


@login_required
@require_POST
def planning_create(request, pk: int):
    groupe = _groupe_for(request, pk)

    def do():
        debut, fin = (
            parse_date(request.POST.get("date_debut") or ""),
            parse_date(request.POST.get("date_fin") or ""),
        )
        if not debut or not fin:
            raise BusinessError(
                "invalid", _("Dates de début et de fin attendues."), field="date_debut"
            )
        services.plan_theme(
            user=request.user,
            groupe=groupe,
            theme_code=request.POST.get("theme_code", ""),
            theme_titre=request.POST.get("theme_titre", ""),
            date_debut=debut,
            date_fin=fin,
        )

    return _lead_post(request, groupe, do, redirect("groupes:detail", groupe.pk))


def _reunion_for(request, pk: int) -> ReunionCollective:
    try:
        reunion = selectors.reunion_detail(pk)
    except ReunionCollective.DoesNotExist as error:
        raise Http404 from error
    if not access.can_view_groupe(request.user, reunion.groupe):
        raise Http404
    return reunion


@login_required
def reunion_detail(request, pk: int):
    reunion = _reunion_for(request, pk)
    present = {e.structure_id for e in reunion.emargements.all()}
    return render(
        request,
        "groupes/reunion.html",
        {
            "reunion": reunion,
            "can_lead": access.can_lead_groupe(request.user, reunion.groupe),
            "membres": [(s, s.pk in present) for s in selectors.members(reunion.groupe)],
            "priorites": Priorite.choices,
            "horizons": Horizon.choices,
        },
    )


@login_required
@require_POST
def reunion_compte_rendu(request, pk: int):
    reunion = _reunion_for(request, pk)
    idees = [
        {"texte": t, "occurrences": _int(n) or 1}
        for t, n in zip(
            request.POST.getlist("idee_texte"),
            request.POST.getlist("idee_occurrences"),
            strict=False,
        )
    ]
    propositions = [
        {"texte": t, "priorite": p, "faisabilite": f, "horizon": h}
        for t, p, f, h in zip(
            request.POST.getlist("prop_texte"),
            request.POST.getlist("prop_priorite"),
            request.POST.getlist("prop_faisabilite"),
            request.POST.getlist("prop_horizon"),
            strict=False,
        )
    ]

    def do():
        services.save_compte_rendu(
            user=request.user,
            reunion=reunion,
            compte_rendu=request.POST.get("compte_rendu", ""),
            questions=[q for q in request.POST.get("questions", "").splitlines() if q.strip()],
            idees=idees,
            propositions=propositions,
        )
        messages.success(request, _("Compte rendu enregistré."))

    return _lead_post(request, reunion.groupe, do, redirect("groupes:reunion", reunion.pk))


@login_required
@require_POST
def reunion_piece_ajout(request, pk: int):
    """Attach a document (agenda, slides, attendance scan) to a meeting."""
    reunion = _reunion_for(request, pk)
    fichier = request.FILES.get("fichier")

    def do():
        if fichier is None:
            messages.error(request, _("Choisissez un fichier à joindre."))
            return
        services.add_piece_jointe(user=request.user, reunion=reunion, fichier=fichier)
        messages.success(request, _("Pièce jointe ajoutée."))

    return _lead_post(request, reunion.groupe, do, redirect("groupes:reunion", reunion.pk))


@login_required
@require_POST
def reunion_emargement(request, pk: int):
    reunion = _reunion_for(request, pk)
    present = {int(v) for v in request.POST.getlist("structures") if v.isdigit()}

    def do():
        for structure in selectors.members(reunion.groupe):
            if structure.pk in present:
                services.record_emargement(
                    user=request.user,
                    reunion=reunion,
                    structure=structure,
                    participants=request.POST.get(f"participants_{structure.pk}", ""),
                )
            else:
                services.remove_emargement(user=request.user, reunion=reunion, structure=structure)
        messages.success(request, _("Feuille d'émargement enregistrée."))

    return _lead_post(request, reunion.groupe, do, redirect("groupes:reunion", reunion.pk))


@login_required
@require_POST
def proposition_convert(request, pk: int):
    proposition = get_object_or_404(
        PropositionReunion.objects.select_related("reunion__groupe"), pk=pk
    )
    if not access.can_view_groupe(request.user, proposition.reunion.groupe):
        raise Http404

    def do():
        services.convert_proposition(user=request.user, proposition=proposition)
        messages.success(request, _("La proposition est devenue une action collective."))

    return _lead_post(
        request, proposition.reunion.groupe, do, redirect("groupes:reunion", proposition.reunion_id)
    )


@login_required
def piece_jointe(request, pk: int):
    piece = get_object_or_404(PieceJointeReunion.objects.select_related("reunion__groupe"), pk=pk)
    if not access.can_view_groupe(request.user, piece.reunion.groupe):
        raise Http404
    return file_download(piece.fichier.open("rb"), piece.nom_original, piece.content_type)


@login_required
def reunions_ics(request, pk: int):
    groupe = _groupe_for(request, pk)
    content = ical.meetings_calendar(
        groupe, list(ReunionCollective.objects.filter(groupe=groupe).order_by("date"))
    )
    return content_download(
        content, f"reunions-groupe-{groupe.pk}.ics", "text/calendar; charset=utf-8"
    )
