"""Workflow, immutability (service, model, admin), new versions, mapping and diff."""

from __future__ import annotations

import pytest

from core.actors import SYSTEM
from core.errors import BusinessError
from referentiels import selectors, services
from referentiels.models import (
    CorrespondanceCritere,
    Critere,
    DocumentOutil,
    Noeud,
    ReferentielVersion,
    ValeurEchelle,
    VersionTransition,
)


def test_publish_logs_the_transition_and_freezes_the_version(draft_version, network):
    admin = network.user("federation")
    services.publish_version(version=draft_version, user=admin)
    draft_version.refresh_from_db()
    assert draft_version.is_published and draft_version.published_at
    log = VersionTransition.objects.get(version=draft_version)
    assert (log.from_statut, log.to_statut, log.user) == ("brouillon", "publie", admin)


def test_publish_requires_a_scale_and_a_criterion(db, sample_version):
    draft = services.create_draft(referentiel=sample_version.referentiel, numero="vide")
    with pytest.raises(BusinessError) as caught:
        services.publish_version(version=draft, user=SYSTEM)
    assert caught.value.code == "no_scale"
    services.set_echelle(
        version=draft,
        code="c",
        libelle="C",
        valeurs=[{"code": "C", "libelle": "Conforme", "poids": 1}],
    )
    with pytest.raises(BusinessError) as caught:
        services.publish_version(version=draft, user=SYSTEM)
    assert caught.value.code == "no_criterion"


def test_services_refuse_to_change_a_published_version(sample_version):
    critere = Critere.objects.filter(version=sample_version).first()
    noeud = critere.noeud
    attempts = [
        lambda: services.save_critere(
            version=sample_version, noeud=noeud, critere=critere, code=critere.code, titre="x"
        ),
        lambda: services.delete_critere(critere=critere),
        lambda: services.save_noeud(
            version=sample_version, code="9", type="theme", titre="Nouveau"
        ),
        lambda: services.set_echelle(
            version=sample_version,
            code="x",
            libelle="x",
            valeurs=[{"code": "A", "libelle": "A", "poids": 1}],
        ),
        lambda: services.add_document(version=sample_version, titre="Guide"),
        lambda: services.update_draft(version=sample_version, libelle="autre"),
        lambda: services.delete_draft(version=sample_version),
    ]
    for attempt in attempts:
        with pytest.raises(BusinessError) as caught:
            attempt()
        assert caught.value.code == "immutable"
        assert "ne peut plus être modifiée" in caught.value.message


def test_models_refuse_to_change_a_published_version(sample_version):
    critere = Critere.objects.filter(version=sample_version).first()
    critere.titre = "Modifié en douce"
    valeur = ValeurEchelle.objects.filter(echelle__version=sample_version).first()
    valeur.poids = 0
    noeud = Noeud.objects.filter(version=sample_version).first()
    for action in (
        critere.save,
        critere.delete,
        valeur.save,
        noeud.delete,
        sample_version.echelle.delete,
        lambda: DocumentOutil.objects.create(version=sample_version, titre="x"),
        lambda: setattr(sample_version, "libelle", "x") or sample_version.save(),
        sample_version.delete,
    ):
        with pytest.raises(BusinessError) as caught:
            action()
        assert caught.value.code == "immutable"
    assert Critere.objects.get(pk=critere.pk).titre != "Modifié en douce"


def test_draft_can_be_edited_and_deleted(draft_version):
    noeud = Noeud.objects.filter(version=draft_version, type="objectif").first()
    critere = services.save_critere(
        version=draft_version, noeud=noeud, code="4.9.9", titre="Nouveau critère", sources=["CASF"]
    )
    assert critere.theme == noeud.parent and critere.urn == "realisation-prestations:4.9.9"
    services.save_critere(
        version=draft_version, noeud=noeud, critere=critere, code="4.9.10", titre="Renommé"
    )
    critere.refresh_from_db()
    assert critere.urn == "realisation-prestations:4.9.9"  # identity kept
    services.delete_draft(version=draft_version)
    assert not ReferentielVersion.objects.filter(pk=draft_version.pk).exists()


def test_used_version_can_never_be_deleted(sample_version):
    services.mark_version_used(sample_version)
    services.mark_version_used(sample_version)  # idempotent
    sample_version.refresh_from_db()
    assert sample_version.utilisee
    with pytest.raises(BusinessError) as caught:
        services.delete_draft(version=sample_version)
    assert caught.value.code == "version_used"
    with pytest.raises(BusinessError):
        sample_version.delete()


def test_archive_only_from_published(sample_version):
    draft = services.create_draft(referentiel=sample_version.referentiel, numero="brouillon")
    with pytest.raises(BusinessError) as caught:
        services.archive_version(version=draft, user=SYSTEM)
    assert caught.value.code == "transition_not_allowed"
    services.archive_version(version=sample_version, user=SYSTEM)
    sample_version.refresh_from_db()
    assert sample_version.statut == "archive" and sample_version.archived_at
    with pytest.raises(BusinessError):
        services.publish_version(version=sample_version, user=SYSTEM)


def test_new_version_copies_last_published_with_urns_and_mapping(sample_version):
    new = services.create_next_version(referentiel=sample_version.referentiel, numero="2026")
    assert new.statut == "brouillon" and new.copiee_de == sample_version
    assert Critere.objects.filter(version=new).count() == 49
    old_urns = set(Critere.objects.filter(version=sample_version).values_list("urn", flat=True))
    assert set(Critere.objects.filter(version=new).values_list("urn", flat=True)) == old_urns
    mapping = CorrespondanceCritere.objects.filter(nouveau__version=new).select_related(
        "ancien", "nouveau"
    )
    assert mapping.count() == 49
    assert all(
        pair.ancien.urn == pair.nouveau.urn and pair.ancien.version_id == sample_version.pk
        for pair in mapping
    )
    diff = selectors.diff_versions(sample_version, new)
    assert diff.is_empty and diff.inchanges == 49


def test_diff_lists_added_removed_and_changed_criteria(sample_version):
    new = services.create_next_version(referentiel=sample_version.referentiel, numero="2026")
    changed = Critere.objects.get(version=new, code="4.2.9")
    services.save_critere(
        version=new,
        noeud=changed.noeud,
        critere=changed,
        code="4.2.9",
        titre="Livret d'accueil revu",
        imperatif=True,
    )
    services.delete_critere(critere=Critere.objects.get(version=new, code="4.6.2"))
    services.save_critere(version=new, noeud=changed.noeud, code="4.2.13", titre="Nouveau critère")
    services.publish_version(version=new, user=SYSTEM)
    diff = selectors.diff_versions(sample_version, new)
    assert [c.code for c in diff.ajoutes] == ["4.2.13"]
    assert [c.code for c in diff.supprimes] == ["4.6.2"]
    assert [(m.nouveau.code, m.champs) for m in diff.modifies] == [
        ("4.2.9", ["titre", "imperatif"])
    ]
    assert diff.inchanges == 47
    assert CorrespondanceCritere.objects.filter(nouveau__version=new).count() == 48


def test_new_version_needs_a_published_one_and_a_free_number(draft_version):
    with pytest.raises(BusinessError) as caught:
        services.create_next_version(referentiel=draft_version.referentiel, numero="x")
    assert caught.value.code == "no_published_version"
    services.publish_version(version=draft_version, user=SYSTEM)
    with pytest.raises(BusinessError) as caught:
        services.create_next_version(
            referentiel=draft_version.referentiel, numero=draft_version.numero
        )
    assert caught.value.code == "version_exists"


def test_admin_shows_the_immutable_message_instead_of_an_error(sample_version, network, client_for):
    client = client_for(network.user("federation"))
    network.user("federation").is_staff = network.user("federation").is_superuser = True
    network.user("federation").save()
    critere = Critere.objects.filter(version=sample_version).first()
    url = f"/admin/referentiels/critere/{critere.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    form = {
        "version": sample_version.pk,
        "noeud": critere.noeud_id,
        "theme": critere.theme_id,
        "code": critere.code,
        "titre": "Changé par l'admin",
        "ordre": critere.ordre,
        "urn": critere.urn,
        "sources": "[]",
        "preuves": "[]",
        "applicabilite": "[]",
    }
    response = client.post(url, form, follow=True)
    assert response.status_code == 200
    assert "ne peut plus être modifiée" in response.content.decode()
    assert Critere.objects.get(pk=critere.pk).titre != "Changé par l'admin"
    response = client.post(
        f"/admin/referentiels/critere/{critere.pk}/delete/", {"post": "yes"}, follow=True
    )
    assert response.status_code == 200 and "ne peut plus être modifiée" in response.content.decode()
    assert Critere.objects.filter(pk=critere.pk).exists()


@pytest.mark.parametrize("role", ["directeur", "pilote", "expert"])
def test_only_frame_managers_publish(draft_version, network, role):
    with pytest.raises(BusinessError) as caught:
        services.publish_version(version=draft_version, user=network.user(role))
    assert (caught.value.code, caught.value.status) == ("forbidden", 403)
    draft_version.refresh_from_db()
    assert draft_version.statut == "brouillon"
    assert not VersionTransition.objects.filter(version=draft_version).exists()
