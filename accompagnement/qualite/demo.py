"""Demo data of the quality-management tools, in the demo structure only, dated relative
to today (idempotent: a second load changes nothing). The committee met last month and
turned a decision into an action; two controlled documents are due for review; an
evaluation of the personalised project is half-way (files named by codes, never names)."""

from __future__ import annotations

import datetime
import random

from django.utils import timezone
from django_tenants.utils import schema_context

from accompagnement.qualite import services
from accompagnement.qualite.models import (
    DocumentQualite,
    EvaluationPratique,
    MembreComite,
    ReunionComite,
)

# (reference, title, type, days since validation, days until the review date)
DOCUMENTS = [
    ("PR-001", "Accueil d'une nouvelle personne accompagnée", "procedure", 700, 25),
    ("PR-002", "Gestion des réclamations", "procedure", 400, 330),
    ("PT-001", "Hygiène des mains au domicile", "protocole", 760, -5),
    ("FO-001", "Fiche de liaison intervenant / famille", "formulaire", 120, 610),
    ("CH-001", "Charte de fonctionnement du comité de pilotage", "charte", 200, 530),
]
EPP_CRITERES = [
    "Le projet personnalisé est signé par la personne ou son représentant",
    "Le projet a été réévalué depuis moins d'un an",
    "Les attentes de la personne sont écrites avec ses mots",
    "Chaque objectif a une échéance",
]


def load_demo(network) -> None:
    structure = network.demo_structure
    directeur = network.member(structure, "directeur")
    referent = network.member(structure, "referent")
    if directeur is None or referent is None:
        return
    today = timezone.localdate()
    with schema_context(structure.schema_name):
        if not MembreComite.objects.exists():
            for person, fonction in (
                (directeur, "Directeur, président du comité"),
                (referent, "Référente qualité"),
            ):
                services.add_committee_member(
                    structure=structure,
                    user=directeur,
                    member=person,
                    fonction=fonction,
                    depuis=today - datetime.timedelta(days=400),
                )
        if not ReunionComite.objects.exists():
            date = timezone.make_aware(
                datetime.datetime.combine(today - datetime.timedelta(days=30), datetime.time(14, 0))
            )
            reunion = services.save_committee_meeting(
                structure=structure,
                user=directeur,
                date=date,
                ordre_du_jour="Suivi du plan d'actions ; résultats de l'autodiagnostic.",
                compte_rendu=(
                    "Le comité a revu les actions en retard et validé la nouvelle charte. "
                    "Les résultats de l'autodiagnostic seront présentés aux équipes."
                ),
                presents=MembreComite.objects.all(),
            )
            services.record_decision(
                structure=structure,
                user=directeur,
                reunion=reunion,
                texte="Présenter les résultats de l'autodiagnostic en réunion d'équipe",
                create_action=True,
                responsable=referent,
                echeance=today + datetime.timedelta(days=45),
            )
            services.record_decision(
                structure=structure,
                user=directeur,
                reunion=reunion,
                texte="La charte de fonctionnement du comité est adoptée.",
            )
        for reference, titre, kind, since, until in DOCUMENTS:
            if not DocumentQualite.objects.filter(reference=reference).exists():
                services.create_document(
                    structure=structure,
                    user=directeur,
                    reference=reference,
                    titre=titre,
                    type=kind,
                    version="1",
                    date_validation=today - datetime.timedelta(days=since),
                    date_revision=today + datetime.timedelta(days=until),
                    proprietaire=referent,
                )
        if not EvaluationPratique.objects.exists():
            evaluation = services.create_evaluation(
                structure=structure,
                user=referent,
                titre="Projet personnalisé : audit de 10 dossiers",
                thematique=EvaluationPratique.Thematique.PROJET_PERSONNALISE,
                dossiers_prevus=10,
                debut=today - datetime.timedelta(days=14),
                seuil=0.8,
                criteres=EPP_CRITERES,
                objectif="Vérifier que chaque projet personnalisé est co-construit et à jour.",
            )
            rng = random.Random("epp-demo")
            criteres = list(evaluation.criteres.all())
            for number in range(1, 7):
                services.record_audit(
                    structure=structure,
                    user=referent,
                    evaluation=evaluation,
                    reference=f"PP-{number:02}",
                    audite_le=today - datetime.timedelta(days=14 - number),
                    reponses={
                        c.pk: rng.choices(["oui", "non", "na"], weights=[7, 3, 1])[0]
                        for c in criteres
                    },
                )
