"""Fixtures of the page tests: a structure with real work in it (``situation``)."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from accompagnement.diagnostics import services as diagnostics_services
from accompagnement.groupes.models import TypeLivrable
from accompagnement.groupes.services import load_types_livrable
from accompagnement.livrables import services as livrables_services
from accompagnement.plans import services as plans_services
from accompagnement.reporting.models import Campagne
from tests.accompagnement.conftest import pdf_file
from tests.factories import build_frame


@pytest.fixture
def situation(network):
    load_types_livrable()
    types_livrable = {t.code: t for t in TypeLivrable.objects.all()}
    structure = network.structure
    referent, expert = network.user("referent"), network.user("expert")
    frame = build_frame([(2, 1), (1, 2)])  # 6 criteria
    today = timezone.localdate()
    Campagne.objects.create(
        libelle="S1 test",
        semestre=1,
        annee=today.year,
        echeance=today - datetime.timedelta(days=5),
        territoire=None,
    )
    connection.set_tenant(structure)
    try:
        first = diagnostics_services.create_autodiagnostic(
            structure=structure, version=frame.version, annee=2024, user=referent
        )
        for reponse in first.reponses.all():
            diagnostics_services.save_answer(
                structure=network.structure,
                reponse=reponse,
                valeur="C",
                commentaire="",
                expected_revision=reponse.revision,
                user=referent,
            )
        diagnostics_services.submit_autodiagnostic(
            structure=network.structure, autodiagnostic=first, user=referent
        )
        reponse = first.reponses.order_by("pk").first()
        diagnostics_services.confirm_criterion(
            structure=network.structure, reponse=reponse, expert=expert
        )
        second = diagnostics_services.create_autodiagnostic(
            structure=structure,
            version=build_frame([(3, 2), (2, 2)]).version,  # 9 criteria, none answered
            annee=2025,
            user=referent,
        )
        plans_services.create_action(
            structure=structure,
            user=referent,
            titre="Écrire la procédure d'accueil",
            echeance=today - datetime.timedelta(days=3),
        )
        redo = livrables_services.create_livrable(
            structure=structure, user=referent, type_livrable=types_livrable["livret-accueil"]
        )
        version = livrables_services.upload_version(
            structure=structure, user=referent, livrable=redo, fichier=pdf_file()
        )
        livrables_services.submit_version(structure=structure, user=referent, version=version)
        livrables_services.decide_version(
            structure=structure, user=expert, version=version, valide=False, commentaire="Daté ?"
        )
        pending = livrables_services.create_livrable(
            structure=structure, user=referent, type_livrable=types_livrable["devis"]
        )
        version = livrables_services.upload_version(
            structure=structure, user=referent, livrable=pending, fichier=pdf_file()
        )
        livrables_services.submit_version(structure=structure, user=referent, version=version)
    finally:
        connection.set_schema_to_public()
    return {"first": first, "second": second}
