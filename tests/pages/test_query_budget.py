"""Issue 18, "Pages within budget": every page and every API endpoint answers in at most
``BUDGET`` SQL queries, for every role, at demo scale and, for the pages that grow with the
network (dashboards, consolidation, drill-down, homes), with 200 more structures.

What is counted: every statement Django sends on the request's connection, the
``SET search_path`` of django-tenants included (``CaptureQueriesContext``), from the
middleware to the last template tag; the session and the user are read as in production.

The URLs are those of the isolation matrix (``tests/test_isolation_matrix.py``): every
pattern of ``platform.urls`` and ``platform.urls_structure`` found by walking the
resolvers, pages and API alike, so a page added by anyone is measured without anyone
remembering. Path parameters are filled with real objects of the demo network (the demo
structure's newest object of the model the segment names), so detail pages are measured
with their data, not as 404s. Every page is requested as every demo role and anonymously
(only GET: a form's POST redirects), and the test fails on the first page over budget,
listing all of them.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection, models, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import get_resolver
from django.utils import timezone
from django_tenants.utils import schema_context

from tests.test_isolation_matrix import _tenant_models, _walk

BUDGET = 15
PASSWORD = "demo-test-password"
ROLES = {
    "federation": "federation@demo.test",
    "pilote": "pilote@demo.test",
    "expert": "expert@demo.test",
    "directeur": "directeur@demo.test",
    "referent": "referent@demo.test",
    "lecteur": "lecteur@demo.test",
}
# Django's admin (staff only, its own permission system) is measured by its index only;
# the OpenAPI document and its viewer hold no data; the language switch and the logout
# only answer POST.
SKIPPED = ("admin/", "api/schema/", "api/docs/", "i18n/", "compte/deconnexion/")
APP_LABELS = (
    "diagnostics",
    "plans",
    "livrables",
    "registres",
    "bilans",
    "qualite",
    "groupes",
    "reporting",
    "referentiels",
    "tenants",
)
# A segment whose singular names several models of one app.
PREFERRED = {
    ("referentiels", "version"): "referentielversion",
    ("livrables", "version"): "livrableversion",
    ("qualite", "version"): "versiondocument",
    ("qualite", "reunion"): "reunioncomite",
    ("groupes", "reunion"): "reunioncollective",
    ("groupes", "action"): "actioncollective",
    ("plans", "action"): "action",
    ("tenants", "import"): "importstructures",
    ("tenants", "token"): "apitoken",
    ("diagnostics", "export"): "exportautodiagnostic",
    ("referentiels", "referentiel"): "referentielversion",
    ("referentiels", "document"): "documentoutil",
    ("referentiels", "fichier"): "documentoutilfichier",
}
# Pages allowed over the budget, with their count (the test fails above it, and once the
# page fits, so that its line is removed). None left: a structure's review reads its
# registers in two queries and its themes from the frame's shape.
KNOWN_OVER_BUDGET: dict[str, int] = {}
STR_VALUES = {"fmt": "xlsx", "name": "submit", "uidb64": "MQ", "token": "x-x"}


@dataclass(frozen=True)
class Page:
    source: str
    path: str
    structure_scoped: bool


def _singular(segment: str) -> str:
    return "".join(word[:-1] if word.endswith("s") else word for word in segment.split("-"))


def _app_of(urlconf: str, template: str) -> str | None:
    dummy = re.sub(r"{\w+}", "1", template)
    try:
        match = get_resolver(urlconf).resolve("/" + dummy)
    except Exception:  # noqa: BLE001 - a parameter that only takes words: no app hint
        return None
    func = match.func
    module = getattr(getattr(func, "cls", None), "__module__", None) or func.__module__
    parts = module.split(".")
    return next((label for label in APP_LABELS if label in parts), None)


def _model_for(app: str | None, stem: str) -> type[models.Model] | None:
    preferred = PREFERRED.get((app or "", stem))
    candidates = [
        model
        for model in apps.get_models()
        if model._meta.app_label in (*APP_LABELS, "core")
        and (
            model._meta.model_name == preferred
            if preferred
            else model._meta.model_name.startswith(stem) or model._meta.model_name.endswith(stem)
        )
    ]
    candidates.sort(key=lambda m: (m._meta.app_label != app, len(m._meta.model_name)))
    return candidates[0] if candidates else None


class Filler:
    """Fills a route's parameters with the demo's objects (in the demo structure)."""

    def __init__(self, demo) -> None:
        self.demo = demo
        self.structure = demo.demo_structure
        self.tenant_models = _tenant_models()

    def first(self, model, parent: models.Model | None):
        queryset = model._default_manager.all()
        if parent is not None:
            for field in model._meta.concrete_fields:
                if field.is_relation and isinstance(parent, field.related_model):
                    queryset = queryset.filter(**{field.name: parent})
                    break
        if model._meta.label_lower == "tenants.structure":
            return self.structure
        if model._meta.label_lower == "tenants.territoire":
            return self.structure.territoire
        if model._meta.label_lower == "tenants.groupetravail":
            return self.structure.groupes.first()
        # The newest object: the work in progress (a draft self-diagnosis, an open review),
        # whose pages are the ones people work on.
        if model._meta.label_lower in self.tenant_models:
            with schema_context(self.structure.schema_name):
                return queryset.order_by("-pk").first()
        return queryset.order_by("-pk").first()

    def fill(self, urlconf: str, template: str, params: dict[str, str]) -> str:
        app = _app_of(urlconf, template)
        path, parent = template, None
        for name in re.findall(r"{(\w+)}", template):
            before = template.split("{" + name + "}")[0].rstrip("/").rsplit("/", 1)[-1]
            if name in STR_VALUES:
                value = STR_VALUES[name]
            elif name == "slug" and before == "registres":
                value = "reclamations"
            elif name == "slug":
                value = self.structure.slug
            elif name == "code":
                critere = apps.get_model("referentiels", "Critere").objects.filter(
                    noeud__version=parent
                )
                value = getattr(critere.order_by("-pk").first(), "code", "x")
            else:
                stem = re.sub(r"_(pk|id)$", "", name)
                stem = _singular(before) if stem in ("pk", "id", "object_id") else stem
                model = _model_for(app, stem)
                instance = self.first(model, parent) if model is not None else None
                parent = instance or parent
                value = str(instance.pk) if instance is not None else "1"
            path = path.replace("{" + name + "}", value)
        return path

    def pages(self) -> list[Page]:
        found = []
        for urlconf, prefix, scoped in (
            (settings.PUBLIC_SCHEMA_URLCONF, "/", False),
            (settings.ROOT_URLCONF, f"/s/{self.structure.slug}/", True),
        ):
            for template, params in _walk(get_resolver(urlconf)):
                if not scoped and template.startswith(SKIPPED):
                    continue
                path = prefix + self.fill(urlconf, template, params)
                found.append(Page(("/s/<slug>/" if scoped else "") + template, path, scoped))
        found.append(Page("admin index", "/admin/", False))
        return found


@pytest.fixture
def demo(db):
    from accompagnement.bilans import services as bilans_services
    from accompagnement.reporting.models import Campagne
    from tenants.demo import calendar, load_demo

    network = load_demo(password=PASSWORD, verbosity=0)
    # The demo structure's review of the semester, opened by its référent (the form page).
    structure = network.demo_structure
    with schema_context(structure.schema_name):
        bilans_services.open_bilan(
            structure=structure,
            campagne=Campagne.objects.get(libelle=calendar().review_label),
            user=network.users[ROLES["referent"]],
        )
    connection.set_schema_to_public()
    return network


def _clients(demo) -> dict[str, Client]:
    clients = {"anonyme": Client(raise_request_exception=False)}
    for role, email in ROLES.items():
        client = Client(raise_request_exception=False)
        client.force_login(demo.users[email], backend="django.contrib.auth.backends.ModelBackend")
        clients[role] = client
    return clients


def measure(client: Client, path: str) -> tuple[int, int, list[str]]:
    """(status, queries, statements) of one GET, on a fresh schema, in a savepoint rolled
    back afterwards (a page that fails cannot spoil the next ones' transaction)."""
    connection.set_schema_to_public()
    sid = transaction.savepoint()
    try:
        with CaptureQueriesContext(connection) as context:
            response = client.get(path)
            if getattr(response, "streaming", False):
                b"".join(response.streaming_content)
    finally:
        transaction.savepoint_rollback(sid)
        connection.set_schema_to_public()
    statements = [query["sql"] for query in context.captured_queries]
    return response.status_code, len(statements), statements


def over_budget(
    clients: dict[str, Client], pages: list[Page]
) -> tuple[list[str], dict[str, list[str]], dict[str, set[int]]]:
    """The requests over budget (and the server errors); who got a 200 on each page; the
    statuses each page answered."""
    problems: list[str] = []
    seen: dict[str, list[str]] = {}
    statuses: dict[str, set[int]] = {}
    highest: dict[str, int] = {}
    for page in pages:
        budget = KNOWN_OVER_BUDGET.get(page.source, BUDGET)
        for role, client in clients.items():
            status, count, statements = measure(client, page.path)
            statuses.setdefault(page.source, set()).add(status)
            highest[page.source] = max(count, highest.get(page.source, 0))
            if status == 200:
                seen.setdefault(page.source, []).append(role)
            if status >= 500:
                problems.append(f"{status} {role} {page.path} ({page.source})")
            if count > budget:
                problems.append(
                    f"{count:>3} queries  {role:<10} {status} {page.path}  ({page.source})\n"
                    + "".join(f"        {sql[:160]}\n" for sql in statements)
                )
    for source in KNOWN_OVER_BUDGET:
        if source in highest and highest[source] <= BUDGET:
            problems.append(f"{source} is within budget now: remove it from KNOWN_OVER_BUDGET")
    return problems, seen, statuses


# Pages whose number of rows grows with the network: measured again with 200 structures.
def _growing_pages(demo, campagne) -> dict[str, list[str]]:
    territoire = demo.demo_structure.territoire
    groupe = demo.demo_structure.groupes.first()
    slug = demo.demo_structure.slug
    dashboard = "/reporting/tableau-de-bord/"
    return {
        f"{dashboard}": ["federation", "pilote"],
        f"{dashboard}?campagne={campagne.pk}": ["federation", "pilote"],
        f"{dashboard}?campagne={campagne.pk}&territoire={territoire.pk}": ["federation", "pilote"],
        f"{dashboard}?campagne={campagne.pk}&territoire={territoire.pk}&groupe={groupe.pk}": [
            "federation",
            "pilote",
        ],
        f"/api/v1/consolidation/?campagne={campagne.pk}": ["federation", "pilote"],
        f"/api/v1/consolidation/?campagne={campagne.pk}&territoire={territoire.pk}": [
            "federation",
            "pilote",
        ],
        f"/reporting/campagnes/{campagne.pk}/": ["federation", "pilote"],
        "/reporting/campagnes/": ["federation", "pilote"],
        "/": ["federation", "pilote", "expert", "directeur", "referent"],
        "/mes-structures/": ["federation", "pilote", "expert"],
        "/reseau/structures/": ["federation", "pilote"],
        "/autodiagnostics/": ["federation", "pilote", "expert"],
        "/autodiagnostics/a-confirmer/": ["expert"],
        f"/s/{slug}/": ["directeur", "referent", "lecteur", "expert", "pilote"],
        f"/s/{slug}/bilans/": ["directeur", "referent"],
    }


def add_structures(demo, campagne, count: int) -> None:
    """``count`` structures of the demo structure's territory and group (rows only: the
    dashboards and homes read the public schema), each with a submitted review."""
    from accompagnement.reporting import materialised
    from accompagnement.reporting.models import InstantaneBilan
    from tenants.models import Structure

    territoire = demo.demo_structure.territoire
    groupe = demo.demo_structure.groupes.first()
    structures = Structure.objects.bulk_create(
        [
            Structure(
                nom=f"Structure en nombre {i:03}",
                slug=f"en-nombre-{i}",
                schema_name=f"s_en_nombre_{i}",
                territoire=territoire,
            )
            for i in range(count)
        ]
    )
    Structure.groupes.through.objects.bulk_create(
        [Structure.groupes.through(structure=s, groupetravail=groupe) for s in structures]
    )
    template = InstantaneBilan.objects.filter(campagne=campagne).order_by("pk").first()
    assert template is not None
    InstantaneBilan.objects.bulk_create(
        [
            InstantaneBilan(
                campagne=campagne,
                structure=structure,
                structure_nom=structure.nom,
                territoire_id=territoire.pk,
                groupe_ids=[groupe.pk],
                soumis_le=timezone.now() - datetime.timedelta(hours=i),
                taux_declare=template.taux_declare,
                taux_confirme=template.taux_confirme,
                tous_niveau1=template.tous_niveau1,
                tous_niveau2=template.tous_niveau2,
                taux_satisfaits=template.taux_satisfaits,
                reclamations=template.reclamations,
                taux_mecontents=template.taux_mecontents,
                indicateurs=template.indicateurs,
            )
            for i, structure in enumerate(structures)
        ]
    )
    # Each submission refreshes its campaign's materialised figures (the snapshot store's
    # trigger has just dropped them): as 200 submissions through the workflow would.
    materialised.rebuild([campagne.pk])


def _report(problems: list[str]) -> str:
    return f"{len(problems)} requests over {BUDGET} queries:\n" + "\n".join(problems[:40])


def test_every_page_and_endpoint_within_budget_at_demo_scale(demo):
    pages = Filler(demo).pages()
    assert len(pages) > 200
    problems, seen, statuses = over_budget(_clients(demo), pages)
    # The ids are real: the pages that answer GET at all (not only 405: actions taking
    # POST) answered 200 to somebody, but for a few (forms of objects the demo lacks,
    # tokens' pages).
    gettable = {source for source, codes in statuses.items() if codes - {405}}
    unseen = sorted(gettable - set(seen))
    print(f"{len(seen)} of {len(gettable)} pages answering GET measured with a 200:", unseen)
    assert not problems, _report(problems)
    assert len(seen) >= 0.5 * len(gettable), unseen
    for source in (
        "reporting/tableau-de-bord/",
        "",
        "/s/<slug>/",
        "/s/<slug>/bilans/{pk}/",
        "/s/<slug>/autodiagnostics/{pk}/",
        "/s/<slug>/api/v1/bilans/{pk}/indicateurs/",
    ):
        assert source in seen, source


def test_pages_that_grow_with_the_network_within_budget_with_200_more_structures(demo):
    from accompagnement.reporting.models import Campagne
    from tenants.demo import calendar

    campagne = Campagne.objects.get(libelle=calendar().review_label)
    add_structures(demo, campagne, 200)
    clients = _clients(demo)
    problems = []
    for path, roles in _growing_pages(demo, campagne).items():
        for role in roles:
            status, count, statements = measure(clients[role], path)
            print(f"{count:>3} queries  {role:<10} {path}")  # the figures, with -s
            assert status in (200, 302), (role, path, status)  # 302: a role's own page
            if count > BUDGET:
                problems.append(
                    f"{count:>3} queries  {role:<10} {path}\n"
                    + "".join(f"        {sql[:160]}\n" for sql in statements)
                )
    assert not problems, _report(problems)
