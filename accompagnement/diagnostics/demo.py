"""Demo data of the self-diagnosis: the demo structure's 2016 self-diagnosis on the
published sample module, answered, submitted and partly confirmed by the demo expert,
and a 2017 one in progress started from it. Idempotent; skipped when the sample module
is not published (``referentiels/demo.py`` loads it first)."""

from __future__ import annotations

from django_tenants.utils import schema_context

from accompagnement.diagnostics import services
from accompagnement.diagnostics.models import Autodiagnostic
from referentiels.models import ReferentielVersion

SAMPLE_CODE = "realisation-prestations"
# Declared value by position in the frame (cycled), then what the expert changes.
DECLARED = ["C", "C", "C", "PC", "C", "NC", "C", "NA", "C", "PC"]


def load_demo(network) -> None:
    version = (
        ReferentielVersion.objects.filter(referentiel__code=SAMPLE_CODE, statut=ReferentielVersion.Statut.PUBLIE)
        .order_by("-published_at").first()
    )
    referent = network.users.get("referent@demo.test")
    expert = network.users.get("expert@demo.test")
    if version is None or referent is None:
        return
    structure = network.demo_structure
    with schema_context(structure.schema_name):
        if Autodiagnostic.objects.filter(version=version).exists():
            return
        first = services.create_autodiagnostic(structure=structure, version=version, annee=2016, user=referent,
                                               copy_previous=False)
        reponses = list(first.reponses.select_related("critere").order_by("critere__ordre"))
        for index, reponse in enumerate(reponses):
            code = DECLARED[index % len(DECLARED)]
            services.save_answer(reponse=reponse, valeur=code,
                                 commentaire="Aucune procédure écrite à ce jour." if code == "NC" else "",
                                 expected_revision=reponse.revision, user=referent)
        services.submit_autodiagnostic(autodiagnostic=first, user=referent)
        if expert is not None:
            for index, reponse in enumerate(first.reponses.select_related("critere").order_by("critere__ordre")[:20]):
                if index % 4 == 0 and reponse.valeur and reponse.valeur.code == "C":
                    services.confirm_criterion(reponse=reponse, expert=expert, valeur="PC",
                                               commentaire="Document présent mais non daté ni diffusé à l'équipe.")
                else:
                    services.confirm_criterion(reponse=reponse, expert=expert)
        services.create_autodiagnostic(structure=structure, version=version, annee=2017, user=referent,
                                       from_previous=first)
