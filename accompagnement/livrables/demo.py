"""Demo deliverables of the demo structure (idempotent): a validated welcome booklet and a
quote waiting for the expert."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_context

from accompagnement.groupes.models import TypeLivrable
from accompagnement.livrables import services
from accompagnement.livrables.models import Livrable
from tenants.demo import calendar

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def load_demo(network) -> None:
    structure = network.demo_structure
    referent = network.users.get("referent@demo.test")
    directeur = network.users.get("directeur@demo.test")
    expert = network.users.get("expert@demo.test")
    types = {t.code: t for t in TypeLivrable.objects.filter(code__in=["livret-accueil", "devis"])}
    if None in (referent, directeur, expert) or len(types) < 2:
        return
    with schema_context(structure.schema_name):
        if Livrable.objects.exists():
            return
        livret = services.create_livrable(
            structure=structure,
            user=referent,
            type_livrable=types["livret-accueil"],
            titre=f"Livret d'accueil {calendar().last_year}",
        )
        version = services.upload_version(
            structure=structure,
            user=referent,
            livrable=livret,
            fichier=SimpleUploadedFile("livret-accueil.pdf", PDF),
        )
        services.submit_version(structure=structure, user=directeur, version=version)
        services.decide_version(
            structure=structure,
            user=expert,
            version=version,
            valide=True,
            commentaire="Conforme au critère 4.2.9.",
        )
        devis = services.create_livrable(
            structure=structure,
            user=referent,
            type_livrable=types["devis"],
            titre="Modèle de devis",
        )
        version = services.upload_version(
            structure=structure,
            user=referent,
            livrable=devis,
            fichier=SimpleUploadedFile("devis.pdf", PDF),
        )
        services.submit_version(structure=structure, user=directeur, version=version)
