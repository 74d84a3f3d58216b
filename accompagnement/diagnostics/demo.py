"""Demo data of the self-diagnosis (idempotent; skipped when the sample module is not
published — ``referentiels/demo.py`` loads it first).

* The demo structure: last year's self-diagnosis answered, submitted and partly confirmed
  by the demo expert, and this year's in progress started from it.
* The other structures with demo staff: last year's self-diagnosis answered by their director
  (each with its own answers), submitted, fully confirmed by their group's expert (who
  lowers some answers: structures overestimate themselves), confirmation closed.
Everything goes through the services, as people would do it.
"""

from __future__ import annotations

from django_tenants.utils import tenant_context

from accompagnement.diagnostics import services
from accompagnement.diagnostics.models import Autodiagnostic
from referentiels.models import ReferentielVersion
from tenants.demo import calendar
from tenants.models import Membership

SAMPLE_CODE = "realisation-prestations"
# Declared value by position in the frame (cycled), then what the expert changes.
DECLARED = ["C", "C", "C", "PC", "C", "NC", "C", "NA", "C", "PC"]
EXPERT_COMMENT = "Document présent mais non daté ni diffusé à l'équipe."


def load_demo(network) -> None:
    version = (
        ReferentielVersion.objects.filter(
            referentiel__code=SAMPLE_CODE, statut=ReferentielVersion.Statut.PUBLIE
        )
        .order_by("-published_at")
        .first()
    )
    if version is None:
        return
    for position, structure in enumerate(network.staffed_structures):
        demo = structure == network.demo_structure
        author = network.member(
            structure, Membership.Role.REFERENT if demo else Membership.Role.DIRECTEUR
        )
        groupe = structure.groupes.order_by("pk").first()
        expert = groupe.experts.order_by("pk").first() if groupe else None
        if author is None:
            continue
        with tenant_context(structure):
            if Autodiagnostic.objects.filter(version=version).exists():
                continue
            if demo:
                _demo_structure(structure, version, author, expert)
            else:
                _answered_and_confirmed(structure, version, author, expert, shift=position)


def _answer_all(
    structure, version, user, *, shift: int = 0, level_one_done: bool = False
) -> Autodiagnostic:
    autodiagnostic = services.create_autodiagnostic(
        structure=structure,
        version=version,
        annee=calendar().last_year,
        user=user,
        copy_previous=False,
    )
    for index, reponse in enumerate(
        autodiagnostic.reponses.select_related("critere").order_by("critere__ordre")
    ):
        # Level ladder (one demo structure turns it on): level 2 waits for level 1.
        if services.is_level_locked(
            autodiagnostic, reponse.critere, open_themes=set(), structure=structure
        ):
            continue
        code = (
            "C"
            if level_one_done and reponse.critere.niveau == 1
            else DECLARED[(index + shift) % len(DECLARED)]
        )
        services.save_answer(
            structure=structure,
            reponse=reponse,
            valeur=code,
            commentaire="Aucune procédure écrite à ce jour." if code == "NC" else "",
            expected_revision=reponse.revision,
            user=user,
        )
    services.submit_autodiagnostic(structure=structure, autodiagnostic=autodiagnostic, user=user)
    return autodiagnostic


def _confirm(structure, autodiagnostic, expert, *, lowered, limit: int | None = None) -> None:
    """The expert confirms the first ``limit`` criteria (all by default), lowering a "C" to
    "PC" where ``lowered(index, reponse)`` says so."""
    reponses = autodiagnostic.reponses.select_related("critere", "valeur").order_by(
        "critere__ordre"
    )
    for index, reponse in enumerate(reponses[:limit] if limit else reponses):
        if reponse.valeur is None:  # level 2 not open yet (level ladder)
            continue
        if reponse.valeur and reponse.valeur.code == "C" and lowered(index, reponse):
            services.confirm_criterion(
                structure=structure,
                reponse=reponse,
                expert=expert,
                valeur="PC",
                commentaire=EXPERT_COMMENT,
            )
        else:
            services.confirm_criterion(structure=structure, reponse=reponse, expert=expert)


def _demo_structure(structure, version, referent, expert) -> None:
    first = _answer_all(structure, version, referent)
    if expert is not None:
        _confirm(structure, first, expert, lowered=lambda index, reponse: index % 4 == 0, limit=20)
    services.create_autodiagnostic(
        structure=structure,
        version=version,
        annee=calendar().year,
        user=referent,
        from_previous=first,
    )


def _answered_and_confirmed(structure, version, director, expert, *, shift: int) -> None:
    """One structure in three has every level-1 criterion satisfied (and confirmed so)."""
    level_one_done = shift % 3 == 0
    autodiagnostic = _answer_all(
        structure, version, director, shift=shift, level_one_done=level_one_done
    )
    if expert is None:
        return
    _confirm(
        structure,
        autodiagnostic,
        expert,
        lowered=lambda index, reponse: (
            not (level_one_done and reponse.critere.niveau == 1)
            and (reponse.pk + shift) % (3 + shift % 3) == 0
        ),
    )
    services.finish_confirmation(structure=structure, autodiagnostic=autodiagnostic, user=expert)
