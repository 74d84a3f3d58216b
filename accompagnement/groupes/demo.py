"""Demo data of collective work (idempotent): deliverable types, the Lille group's theme
planning, two meetings (one held, with minutes and attendance) and a collective action."""

from __future__ import annotations

import datetime

from accompagnement.groupes import services
from accompagnement.groupes.models import ActionCollective, PlanningTheme, ReunionCollective
from tenants.demo import calendar

GROUPE = "Groupe Lille Métropole"
EXPERT = "expert@demo.test"


def load_demo(network) -> None:
    services.load_types_livrable()
    groupe = network.groupes.get(GROUPE)
    expert = network.users.get(EXPERT)
    if groupe is None or expert is None:
        return
    if not PlanningTheme.objects.filter(groupe=groupe).exists():
        start = calendar().review_start
        for code, titre in (
            ("4.1", "Accueil et contact avec le public"),
            ("4.2", "Traitement de la demande"),
            ("4.3", "Contractualisation"),
        ):
            services.plan_theme(
                user=expert,
                groupe=groupe,
                theme_code=code,
                theme_titre=titre,
                date_debut=start,
                date_fin=start + datetime.timedelta(days=105),
            )
            start += datetime.timedelta(days=112)
    if ReunionCollective.objects.filter(groupe=groupe).exists():
        return
    cal = calendar()
    held = services.create_reunion(
        user=expert,
        groupe=groupe,
        date=cal.at(cal.days_ago(21), hour=14),
        lieu="Maison des associations, Lille",
        theme="Contractualisation",
        ordre_du_jour="1. Tour de table\n2. Le devis et le contrat de prestation\n3. Plan d'actions",
    )
    services.create_reunion(
        user=expert,
        groupe=groupe,
        date=cal.at(cal.days_ago(-5), hour=9, minute=30),
        lieu="SSIAD de Roubaix",
        theme="Contractualisation (suite)",
        ordre_du_jour="Retour sur les modèles de devis",
    )
    services.save_compte_rendu(
        user=expert,
        reunion=held,
        compte_rendu="Les structures ont comparé leurs devis et contrats.",
        questions=[
            "Comment harmoniser nos devis ?",
            "Que doit contenir le contrat de prestation ?",
        ],
        idees=[
            {"texte": "Un modèle de devis commun au groupe", "occurrences": 3},
            {"texte": "Une grille tarifaire lisible", "occurrences": 2},
        ],
        propositions=[
            {
                "texte": "Rédiger un modèle commun de devis",
                "priorite": "haute",
                "faisabilite": "Facile : s'appuyer sur le devis de Lille",
                "horizon": "court",
            }
        ],
    )
    for slug in ("aide-domicile-lille", "ssiad-roubaix"):
        structure = network.structures.get(slug)
        if structure is not None:
            services.record_emargement(
                user=expert, reunion=held, structure=structure, participants="Référent·e technique"
            )
    proposition = held.propositions.first()
    if proposition is not None and not ActionCollective.objects.filter(groupe=groupe).exists():
        services.convert_proposition(user=expert, proposition=proposition)
