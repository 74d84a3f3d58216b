"""Demo data of the reviews (idempotent): the network-wide campaign of the semester just
ended (deadline three weeks ahead, see ``tenants.demo.calendar``), and the
review of every staffed structure but the demo one, completed and submitted by its
director through the services — so the snapshot store, the pilots' and the federation's
dashboards have real figures, while the demo structure's own review is left for the demo
référent to fill in and submit."""

from __future__ import annotations

from django_tenants.utils import tenant_context

from accompagnement.bilans import services as bilans_services
from accompagnement.bilans.models import BilanStructure
from accompagnement.reporting.models import Campagne
from tenants.demo import calendar
from tenants.models import Membership

REVIEW_TEXTS = {
    "lieu": "Siège de la structure",
    "benefice_pratiques": "Les procédures d'accueil sont écrites et partagées par toute l'équipe.",
    "benefice_tracabilite": "Les demandes et les réclamations sont enregistrées et suivies.",
    "difficultes_interne": "Temps de travail de l'équipe à dégager pour la démarche qualité.",
    "remarques": "Bilan de démonstration.",
}


def load_demo(network) -> None:
    admin = next((user for user in network.users.values() if user.is_federation_admin), None)
    cal = calendar()
    annee, semestre = cal.review_semester
    campagne, _ = Campagne.objects.get_or_create(
        annee=annee,
        semestre=semestre,
        territoire=None,
        defaults={
            "libelle": cal.review_label,
            "echeance": cal.review_deadline,
            "ouverte_par": admin,
        },
    )
    for structure in network.staffed_structures:
        director = network.member(structure, Membership.Role.DIRECTEUR)
        if structure == network.demo_structure or director is None:
            continue
        with tenant_context(structure):
            if BilanStructure.objects.filter(
                campagne=campagne, statut=BilanStructure.Statut.SOUMIS
            ).exists():
                continue
            bilan = bilans_services.open_bilan(
                structure=structure, campagne=campagne, user=director
            )
            bilans_services.update_bilan(
                structure=structure, bilan=bilan, user=director, data=REVIEW_TEXTS
            )
            bilans_services.submit_bilan(structure=structure, bilan=bilan, user=director)
