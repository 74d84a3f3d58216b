"""Reminders: each is sent once per object and step, however often the beat task runs."""

from __future__ import annotations

import datetime

from django.db import connection
from django.utils import timezone

from accompagnement.groupes import reminders, services
from accompagnement.groupes.models import SoumissionLivrable
from accompagnement.groupes.tasks import send_reminders
from accompagnement.livrables import services as livrable_services
from accompagnement.plans import services as plan_services
from tests.accompagnement.conftest import pdf_file

TODAY = timezone.localdate()


def test_meeting_reminder_sent_once(network, django_capture_on_commit_callbacks, mailoutbox):
    services.create_reunion(
        user=network.user("expert"),
        groupe=network.groupe,
        date=timezone.now() + datetime.timedelta(days=2),
        lieu="Lille",
    )
    services.create_reunion(
        user=network.user("expert"),
        groupe=network.groupe,
        date=timezone.now() + datetime.timedelta(days=30),
        lieu="Lille",
    )
    for _run in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            reminders.remind_meetings()
    assert len(mailoutbox) == 1
    assert set(mailoutbox[0].to) == {
        network.user(r).email for r in ("expert", "directeur", "referent")
    }


def test_waiting_deliverable_reminder_after_n_days_once(
    network, types_livrable, settings, django_capture_on_commit_callbacks, mailoutbox
):
    settings.LIVRABLE_RELANCE_JOURS = 10
    connection.set_tenant(network.structure)
    livrable = livrable_services.create_livrable(
        structure=network.structure,
        user=network.user("referent"),
        type_livrable=types_livrable["devis"],
    )
    version = livrable_services.upload_version(
        structure=network.structure,
        user=network.user("referent"),
        livrable=livrable,
        fichier=pdf_file(),
    )
    livrable_services.submit_version(
        structure=network.structure, user=network.user("directeur"), version=version
    )
    connection.set_schema_to_public()
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.remind_waiting_deliverables() == 0
    SoumissionLivrable.objects.update(submitted_at=timezone.now() - datetime.timedelta(days=11))
    for _run in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            reminders.remind_waiting_deliverables()
    assert [m.to for m in mailoutbox] == [[network.user("expert").email]]


def test_action_reminders_due_soon_and_late_once_each(
    network, django_capture_on_commit_callbacks, mailoutbox
):
    connection.set_tenant(network.structure)
    plan_services.create_action(
        structure=network.structure,
        user=network.user("referent"),
        titre="Bientôt",
        echeance=TODAY + datetime.timedelta(days=3),
        responsable=network.user("referent"),
    )
    plan_services.create_action(
        structure=network.structure,
        user=network.user("referent"),
        titre="En retard",
        echeance=TODAY - datetime.timedelta(days=3),
    )
    plan_services.create_action(
        structure=network.structure,
        user=network.user("referent"),
        titre="Lointaine",
        echeance=TODAY + datetime.timedelta(days=60),
    )
    connection.set_schema_to_public()
    for _run in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            send_reminders.delay()
    subjects = sorted(m.subject for m in mailoutbox)
    assert subjects == ["Action en retard : En retard", "Action à échéance proche : Bientôt"]
