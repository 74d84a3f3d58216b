"""An expert validates a deliverable in headless Chromium: from the review queue to the
decision, through the keyboard-accessible form."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_context

from accompagnement.groupes.models import SoumissionLivrable, TypeLivrable
from accompagnement.groupes.services import load_types_livrable
from accompagnement.livrables import services
from accompagnement.livrables.models import Livrable, LivrableVersion
from core.models import OutboxMessage

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_expert_validates_a_submitted_deliverable(
    page, live_url, browser_world, login, django_db_blocker
):
    with django_db_blocker.unblock():
        existing_types = set(TypeLivrable.objects.values_list("pk", flat=True))
        load_types_livrable()
        expert = browser_world.user("expert")
        referent = browser_world.user("referent")
        structure = browser_world.structure
        with schema_context(structure.schema_name):
            livrable = services.create_livrable(
                structure=structure,
                user=referent,
                type_livrable=TypeLivrable.objects.get(code="livret-accueil"),
                titre=f"Livret d'accueil {browser_world.suffix}",
            )
            version = services.upload_version(
                structure=structure,
                user=referent,
                livrable=livrable,
                fichier=SimpleUploadedFile("livret.pdf", PDF),
            )
            services.submit_version(structure=structure, user=referent, version=version)
    try:
        login(page, expert)
        page.goto(f"{live_url}/groupes/revue-livrables/")
        page.get_by_role("link", name=f"Livret d'accueil {browser_world.suffix} (v1)").click()
        page.get_by_label("Valider").check()
        page.get_by_label("Commentaire (obligatoire pour une reprise)").fill(
            "Conforme au critère 4.2.9."
        )
        page.get_by_role("button", name="Enregistrer la décision").click()
        page.wait_for_load_state("networkidle")
        assert page.get_by_text("Décision enregistrée.").is_visible()
        assert page.locator(".badge-ok", has_text="Validé").first.is_visible()
        with django_db_blocker.unblock(), schema_context(structure.schema_name):
            version.refresh_from_db()
            assert version.statut == LivrableVersion.Statut.VALIDE
            assert version.decided_by_id == expert.pk
        page.goto(f"{live_url}/groupes/revue-livrables/")
        assert page.get_by_text("Aucun livrable en attente de votre décision.").is_visible()
    finally:
        with django_db_blocker.unblock(), schema_context(structure.schema_name):
            for item in LivrableVersion.objects.filter(livrable=livrable):
                item.fichier.delete(save=False)
            OutboxMessage.objects.filter(
                key__contains=f":{version.pk}", schema_name=structure.schema_name
            ).delete()
            Livrable.objects.filter(pk=livrable.pk).delete()
            SoumissionLivrable.objects.filter(structure=structure, version_id=version.pk).delete()
            # Types are referenced from the structures' schemas: delete them in alpha's
            # context so Django's collector sees those tables.
            TypeLivrable.objects.exclude(pk__in=existing_types).delete()
