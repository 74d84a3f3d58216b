"""Deliverables: upload, submit, decide — who may do what, the log, the emails, the index."""

from __future__ import annotations

import pytest
from django.db import connection

from accompagnement.groupes.models import SoumissionLivrable, TypeLivrable
from accompagnement.groupes.services import load_types_livrable
from accompagnement.livrables import services, workflow
from accompagnement.livrables.models import Livrable, LivrableTransition, LivrableVersion
from accompagnement.livrables.selectors import finalised_tools
from core.errors import BusinessError
from core.models import OutboxMessage
from tests.accompagnement.conftest import pdf_file

Statut = LivrableVersion.Statut


def _draft(network, types_livrable, role="referent"):
    structure = network.structure
    livrable = services.create_livrable(
        structure=structure, user=network.user(role), type_livrable=types_livrable["livret-accueil"]
    )
    version = services.upload_version(
        structure=structure, user=network.user(role), livrable=livrable, fichier=pdf_file()
    )
    return livrable, version


def _submitted(network, types_livrable):
    livrable, version = _draft(network, types_livrable)
    version = services.submit_version(
        structure=network.structure, user=network.user("directeur"), version=version
    )
    return livrable, version


def test_loader_creates_the_decks_types_once(db):
    load_types_livrable()
    assert load_types_livrable() == 0
    codes = dict(TypeLivrable.objects.values_list("code", "critere_code"))
    assert codes["evaluation-situation"] == "4.2.1"
    assert codes["livret-accueil"] == "4.2.9"
    assert codes["devis"] == "4.3.1"
    assert codes["contrat-prestation"] == "4.3.2"
    assert codes["dipc"] == "4.3.7"
    assert codes["projet-personnalise"] == "4.3.8"
    assert {"reglement-fonctionnement", "synthese-projets-personnalises"} <= set(codes)


@pytest.mark.parametrize("role", ["directeur", "referent", "contributeur"])
def test_staff_who_write_can_upload_a_draft(in_structure, network, types_livrable, role):
    _livrable, version = _draft(network, types_livrable, role)
    assert version.statut == Statut.BROUILLON and version.numero == 1
    assert version.fichier.read().startswith(b"%PDF")


@pytest.mark.parametrize("role", ["lecteur", "expert", "pilote", "sans_role", "directeur_autre"])
def test_others_cannot_upload(in_structure, network, types_livrable, role):
    with pytest.raises(BusinessError) as error:
        services.create_livrable(
            structure=network.structure,
            user=network.user(role),
            type_livrable=types_livrable["devis"],
        )
    assert error.value.code == "forbidden"


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("virus.exe", b"MZ\x90\x00", "file_type"),
        ("faux.pdf", b"MZ\x90\x00 not a pdf", "file_type"),
        ("vide.pdf", b"", "file_empty"),
    ],
)
def test_upload_refuses_wrong_files(in_structure, network, types_livrable, name, content, code):
    livrable = services.create_livrable(
        structure=network.structure,
        user=network.user("referent"),
        type_livrable=types_livrable["devis"],
    )
    with pytest.raises(BusinessError) as error:
        services.upload_version(
            structure=network.structure,
            user=network.user("referent"),
            livrable=livrable,
            fichier=pdf_file(name, content),
        )
    assert error.value.code == code and error.value.field == "fichier"


def test_upload_refuses_files_over_the_limit(in_structure, network, types_livrable, settings):
    settings.MAX_UPLOAD_SIZE = 20
    livrable = services.create_livrable(
        structure=network.structure,
        user=network.user("referent"),
        type_livrable=types_livrable["devis"],
    )
    with pytest.raises(BusinessError) as error:
        services.upload_version(
            structure=network.structure,
            user=network.user("referent"),
            livrable=livrable,
            fichier=pdf_file(),
        )
    assert error.value.code == "file_too_large"


@pytest.mark.parametrize("role", ["directeur", "referent"])
def test_director_and_referent_submit(
    in_structure, network, types_livrable, role, django_capture_on_commit_callbacks, mailoutbox
):
    _livrable, version = _draft(network, types_livrable)
    with django_capture_on_commit_callbacks(execute=True):
        version = services.submit_version(
            structure=network.structure, user=network.user(role), version=version
        )
    assert version.statut == Statut.SOUMIS and version.submitted_at
    log = list(
        LivrableTransition.objects.filter(version=version).values_list(
            "from_statut", "to_statut", "user"
        )
    )
    assert log == [("brouillon", "soumis", network.user(role).pk)]
    assert [m.to for m in mailoutbox] == [[network.user("expert").email]]
    assert SoumissionLivrable.objects.get(version_id=version.pk).decided_at is None


@pytest.mark.parametrize(
    "role",
    ["contributeur", "lecteur", "expert", "pilote", "federation", "directeur_autre", "sans_role"],
)
def test_others_cannot_submit(in_structure, network, types_livrable, role):
    _livrable, version = _draft(network, types_livrable)
    with pytest.raises(BusinessError) as error:
        services.submit_version(
            structure=network.structure, user=network.user(role), version=version
        )
    assert error.value.code == "forbidden"
    version.refresh_from_db()
    assert version.statut == Statut.BROUILLON
    assert not LivrableTransition.objects.filter(version=version).exists()


def test_expert_validates_and_managers_are_told_once(
    in_structure, network, types_livrable, django_capture_on_commit_callbacks, mailoutbox
):
    livrable, version = _submitted(network, types_livrable)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        version = services.decide_version(
            structure=network.structure, user=network.user("expert"), version=version, valide=True
        )
    assert version.statut == Statut.VALIDE and version.decided_by == network.user("expert")
    assert len(mailoutbox) == 1
    assert sorted(mailoutbox[0].to) == sorted(
        [network.user("directeur").email, network.user("referent").email]
    )
    index = SoumissionLivrable.objects.get(version_id=version.pk)
    assert index.statut == "valide" and index.decided_at
    tools = finalised_tools(network.structure)
    assert [(t["type_code"], t["critere_code"], t["version"]) for t in tools] == [
        ("livret-accueil", "4.2.9", 1)
    ]


def test_send_back_requires_a_comment(in_structure, network, types_livrable):
    _livrable, version = _submitted(network, types_livrable)
    with pytest.raises(BusinessError) as error:
        services.decide_version(
            structure=network.structure,
            user=network.user("expert"),
            version=version,
            valide=False,
            commentaire="  ",
        )
    assert error.value.code == "comment_required" and error.value.field == "commentaire"
    version = services.decide_version(
        structure=network.structure,
        user=network.user("expert"),
        version=version,
        valide=False,
        commentaire="Ajouter les tarifs.",
    )
    assert (
        version.statut == Statut.A_REPRENDRE
        and version.commentaire_decision == "Ajouter les tarifs."
    )
    assert finalised_tools(network.structure) == []


@pytest.mark.parametrize(
    "role",
    [
        "directeur",
        "referent",
        "contributeur",
        "lecteur",
        "pilote",
        "federation",
        "expert_autre",
        "sans_role",
    ],
)
def test_only_the_structures_expert_decides(in_structure, network, types_livrable, role):
    _livrable, version = _submitted(network, types_livrable)
    with pytest.raises(BusinessError) as error:
        services.decide_version(
            structure=network.structure, user=network.user(role), version=version, valide=True
        )
    assert error.value.code == "forbidden"
    version.refresh_from_db()
    assert version.statut == Statut.SOUMIS


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("brouillon", "valide"),
        ("brouillon", "a_reprendre"),
        ("soumis", "soumis"),
        ("soumis", "brouillon"),
        ("valide", "soumis"),
        ("valide", "a_reprendre"),
        ("a_reprendre", "valide"),
        ("a_reprendre", "soumis"),
    ],
)
def test_moves_outside_the_table_are_refused(in_structure, network, types_livrable, source, target):
    _livrable, version = _draft(network, types_livrable)
    LivrableVersion.objects.filter(pk=version.pk).update(statut=source)
    with pytest.raises(BusinessError) as error:
        workflow.apply_transition(
            version=version, to=target, user=network.user("federation"), structure=network.structure
        )
    assert error.value.code == "transition_not_allowed" and error.value.status == 409


def test_workflow_table_is_the_documented_one():
    assert workflow.VERSION.edges() == {
        ("brouillon", "soumis"),
        ("soumis", "valide"),
        ("soumis", "a_reprendre"),
    }


def test_new_version_after_rework_and_history_is_kept(in_structure, network, types_livrable):
    livrable, version = _submitted(network, types_livrable)
    with pytest.raises(BusinessError) as error:
        services.upload_version(
            structure=network.structure,
            user=network.user("referent"),
            livrable=livrable,
            fichier=pdf_file(),
        )
    assert error.value.code == "version_pending"
    services.decide_version(
        structure=network.structure,
        user=network.user("expert"),
        version=version,
        valide=False,
        commentaire="Revoir.",
    )
    v2 = services.upload_version(
        structure=network.structure,
        user=network.user("referent"),
        livrable=livrable,
        fichier=pdf_file("v2.pdf"),
    )
    assert v2.numero == 2
    with pytest.raises(BusinessError) as error:
        services.submit_version(
            structure=network.structure, user=network.user("directeur"), version=version
        )
    assert error.value.code in {"not_latest", "transition_not_allowed"}
    services.submit_version(structure=network.structure, user=network.user("directeur"), version=v2)
    services.decide_version(
        structure=network.structure, user=network.user("expert"), version=v2, valide=True
    )
    history = [
        (t.version.numero, t.from_statut, t.to_statut)
        for t in LivrableTransition.objects.select_related("version").order_by("pk")
    ]
    assert history == [
        (1, "brouillon", "soumis"),
        (1, "soumis", "a_reprendre"),
        (2, "brouillon", "soumis"),
        (2, "soumis", "valide"),
    ]
    assert [t["version"] for t in finalised_tools(network.structure)] == [2]
    assert Livrable.objects.count() == 1


def test_a_retried_notification_is_not_sent_twice(
    in_structure, network, types_livrable, django_capture_on_commit_callbacks, mailoutbox
):
    from core import outbox

    _livrable, version = _draft(network, types_livrable)
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_version(
            structure=network.structure, user=network.user("directeur"), version=version
        )
    key = f"livrable-soumis:{connection.schema_name}:{version.pk}"
    message = OutboxMessage.objects.get(key=key)
    assert len(mailoutbox) == 1
    # A retried task delivers nothing more; a retried enqueue with the same key writes nothing.
    assert outbox.deliver(message.pk) is False
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox.enqueue_email(key=key, to=["x@example.org"], subject="s", body="b") is None
    assert outbox.deliver_pending() == 0
    assert len(mailoutbox) == 1
