"""The demo network (``manage.py load_demo``): idempotent, refused in production.

``load_demo()`` loads this app's part (territories, groups, people, structures from
``tenants/data/demo_network.yaml``), then calls ``load_demo(network)`` in the ``demo``
module of every other local app, in ``settings.LOCAL_APPS`` order, so each app owns its
demo data. Running it twice changes nothing.

Every date of the demo is relative to the day it is loaded (``calendar()``): the network is
in mid-programme — last year's self-diagnoses confirmed, this year's in progress, the
review of the semester just ended being collected (six structures submitted, the demo
structure's still to do, deadline three weeks ahead), meetings in the afternoon (Paris
time) three weeks ago and next week.
"""

from __future__ import annotations

import datetime
import importlib
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from tenants import services
from tenants.models import GroupeTravail, Structure, Territoire, User
from tenants.validators import luhn_complete

DATA_FILE = Path(__file__).parent / "data" / "demo_network.yaml"
DEMO_STRUCTURE_SLUG = "aide-domicile-lille"


@dataclass(frozen=True)
class DemoCalendar:
    """The demo's dates, relative to ``today`` (the day the demo is loaded)."""

    today: datetime.date

    @property
    def year(self) -> int:
        """This year: the self-diagnoses in progress."""
        return self.today.year

    @property
    def last_year(self) -> int:
        """Last year: the self-diagnoses answered and confirmed, the quality policy's start."""
        return self.today.year - 1

    @property
    def review_semester(self) -> tuple[int, int]:
        """(year, semester) of the semester just ended, whose review is being collected."""
        if self.today.month <= 6:
            return self.today.year - 1, 2
        return self.today.year, 1

    @property
    def review_label(self) -> str:
        annee, semestre = self.review_semester
        return f"S{semestre} {annee}"

    @property
    def review_start(self) -> datetime.date:
        annee, semestre = self.review_semester
        return datetime.date(annee, 1 if semestre == 1 else 7, 1)

    @property
    def review_deadline(self) -> datetime.date:
        """Three weeks ahead: the reviews already in are on time, the demo structure's is due."""
        return self.today + datetime.timedelta(days=21)

    def days_ago(self, days: int) -> datetime.date:
        return self.today - datetime.timedelta(days=days)

    def at(self, date: datetime.date, hour: int = 14, minute: int = 0) -> datetime.datetime:
        """An aware datetime at ``hour`` o'clock, local (Europe/Paris) time."""
        return timezone.make_aware(datetime.datetime.combine(date, datetime.time(hour, minute)))


def calendar() -> DemoCalendar:
    return DemoCalendar(timezone.localdate())


@dataclass
class DemoNetwork:
    """What the network part created, handed to the other apps' demo loaders."""

    users: dict[str, User] = field(default_factory=dict)
    territoires: dict[str, Territoire] = field(default_factory=dict)
    groupes: dict[str, GroupeTravail] = field(default_factory=dict)
    structures: dict[str, Structure] = field(default_factory=dict)
    # slug -> {email: role} of the structures with demo staff in the data file
    staff: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def demo_structure(self) -> Structure:
        return self.structures[DEMO_STRUCTURE_SLUG]

    @property
    def staffed_structures(self) -> list[Structure]:
        """Structures with demo staff: the ones whose quality work the demo fills in."""
        return [self.structures[slug] for slug in self.staff]

    def member(self, structure: Structure, role: str) -> User | None:
        """The demo person holding ``role`` in ``structure`` (None when there is none)."""
        email = next(
            (email for email, held in self.staff.get(structure.slug, {}).items() if held == role),
            None,
        )
        return self.users.get(email) if email else None


def load_network(*, password: str) -> DemoNetwork:
    data = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))
    network = DemoNetwork()
    with transaction.atomic():
        for person in data["personnes"]:
            person = dict(person)
            federation_admin = person.pop("federation_admin", False)
            user, created = services.get_or_create_user(password=password, **person)
            if federation_admin and not user.is_federation_admin:
                user.is_federation_admin = True
                user.is_staff = True
                user.is_superuser = True
                user.save(update_fields=["is_federation_admin", "is_staff", "is_superuser"])
            network.users[user.email] = user
        for item in data["territoires"]:
            territoire, _ = Territoire.objects.get_or_create(
                code=item["code"], defaults={"nom": item["nom"]}
            )
            network.territoires[territoire.code] = territoire
            for email in item["pilotes"]:
                services.add_pilote(territoire=territoire, user=network.users[email])
            for groupe_data in item["groupes"]:
                groupe, _ = GroupeTravail.objects.get_or_create(
                    territoire=territoire, nom=groupe_data["nom"]
                )
                for email in groupe_data["experts"]:
                    services.add_group_expert(groupe=groupe, user=network.users[email])
                network.groupes[groupe.nom] = groupe
    for item in data["structures"]:
        item = dict(item)
        membres = item.pop("membres", {})
        groupes = [network.groupes[name] for name in item.pop("groupes", [])]
        structure = Structure.objects.filter(slug=item["slug"]).first()
        if structure is None:
            cal = calendar()
            engaged = datetime.date(cal.last_year - 1, 9, 1)
            structure = services.create_structure(
                nom=item.pop("nom"),
                slug=item.pop("slug"),
                finess=luhn_complete(item.pop("finess")),
                territoire=network.territoires[item.pop("territoire")],
                groupes=groupes,
                date_engagement=engaged,
                date_deploiement=datetime.date(cal.last_year, 1, 15)
                if item.get("phase") == "deploiement"
                else None,
                **item,
            )
        network.structures[structure.slug] = structure
        for email, role in membres.items():
            services.set_membership(user=network.users[email], structure=structure, role=role)
        if membres:
            network.staff[structure.slug] = dict(membres)
    return network


def load_demo(*, password: str | None = None, verbosity: int = 1) -> DemoNetwork:
    if settings.PRODUCTION:
        raise ImproperlyConfigured("Le réseau de démonstration ne se charge pas en production.")
    network = load_network(password=password or settings.DEMO_PASSWORD)
    for app in settings.LOCAL_APPS:
        if app == "tenants":
            continue
        try:
            module = importlib.import_module(f"{app}.demo")
        except ModuleNotFoundError as error:
            if error.name != f"{app}.demo":
                raise
            continue
        module.load_demo(network)
    return network
