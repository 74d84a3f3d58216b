"""The 49-criteria sample ships its toolbox: a guide, recommendations to experts and a
model document for each deliverable of the launch deck, loaded with the frame and shown
on the criterion's page; the frame says which module rate is its headline."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import BusinessError
from referentiels import services
from referentiels.models import DocumentOutil

SAMPLE_49 = Path(__file__).resolve().parents[2] / "referentiels/data/realisation_prestations.yaml"
# The deck's local deliverables and the criteria they answer.
DELIVERABLES = {
    "4.2.1": "évaluation de la situation",
    "4.2.9": "livret d'accueil",
    "4.3.1": "devis",
    "4.3.2": "contrat de prestation",
    "4.3.4": "règlement de fonctionnement",
    "4.3.7": "DIPC",
    "4.3.8": "projet personnalisé",
    "4.6.5": "synthèse des projets personnalisés",
}


@pytest.fixture
def sample(db):
    version, _created = services.load_sample(path=SAMPLE_49, publish=True)
    return version


def test_every_deliverable_of_the_deck_has_a_model_document(sample):
    documents = DocumentOutil.objects.filter(version=sample)
    by_criterion = {d.critere.code: d for d in documents.filter(critere__isnull=False)}
    for code, name in DELIVERABLES.items():
        document = by_criterion[code]
        assert name.lower() in document.titre.lower(), (code, document.titre)
        assert (
            document.texte.startswith("Ce que")
            and "Plan proposé" in document.texte
            or ("Colonnes proposées" in document.texte)
        )
    kinds = set(documents.values_list("type", flat=True))
    assert {"guide", "recommandation", "formulaire", "exemple", "procedure"} <= kinds
    assert documents.filter(type="guide", critere__isnull=True, noeud__isnull=True).exists()
    assert sample.module_headline == "moyenne_themes"


def test_criterion_page_shows_its_model_document(sample, network, client_for):
    response = client_for(network.user("referent")).get(
        f"/referentiels/versions/{sample.pk}/criteres/4.2.9/"
    )
    assert response.status_code == 200
    assert "Modèle : livret d&#x27;accueil" in response.content.decode() or (
        "Modèle : livret d'accueil" in response.content.decode()
    )


def test_an_unknown_headline_is_refused_at_import(db):
    content = SAMPLE_49.read_text(encoding="utf-8").replace(
        "taux_module: moyenne_themes", "taux_module: mediane"
    )
    with pytest.raises(BusinessError) as refused:
        services.import_version(content=content.encode(), filename="m.yaml", user=None)
    fields = [e.get("field") for e in refused.value.errors]
    assert "version.options.taux_module" in fields
