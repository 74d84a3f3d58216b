"""THE isolation matrix: every URL × every role × own structure / another structure.

Nothing here is a hand-written list. The matrix is generated from:

* every page pattern of ``platform.urls`` (network) and ``platform.urls_structure``
  (mounted under ``/s/<slug>/``), found by walking the URL resolvers;
* every API operation of the OpenAPI document drf-spectacular builds from
  ``api.urls.schema_patterns()`` (network ``/api/v1/`` and structure
  ``/s/{structure}/api/v1/``);

so a page or endpoint added by anyone is covered without anyone remembering.

Marker rows are seeded in every model of the structures' schemas (and in every public
model pointing at a structure), generically: text fields carry ``ZQXALPHA`` in structure
alpha and ``ZQXBETA`` in structure beta. Beta's name and its director's name carry the
marker too. Then, for each role of the ``network`` fixture (and anonymous) that may not
see beta (decided by ``tenants.access``, the rule module under test):

* no response body ever contains beta's marker (pages and API, network or structure,
  path parameters filled with beta's and alpha's ids and slugs);
* every URL under ``/s/beta/`` answers 404/403/401/405 or a redirect to the login;
* POST/PUT/PATCH/DELETE on beta's URLs leave beta unchanged (a hash of every table of
  beta's schema and of every public row pointing at beta, compared before/after each
  unsafe request that was not refused: a 401/403/404/405 or a redirect to the login means
  the access check stopped the request before any view code ran).

Each request runs in a savepoint rolled back afterwards, so an unsafe request cannot
disturb the next ones.
"""

from __future__ import annotations

import datetime
import decimal
import hashlib
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from http.cookies import SimpleCookie

import pytest
from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, connection, models, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from django_tenants.utils import schema_context
from drf_spectacular.generators import SchemaGenerator

from api.urls import schema_patterns
from tenants import access
from tenants.models import GroupeTravail, Structure, Territoire, User
from tests.conftest import ROLES

ALPHA_MARKER = "ZQXALPHA"
BETA_MARKER = "ZQXBETA"
NEUTRAL_MARKER = "ZQXNEUTRE"
UNSAFE_METHODS = ("post", "put", "patch", "delete")
# Django views answer the unsafe methods they do not implement with 405; POST is the one
# pages implement. The API's unsafe methods are those its OpenAPI document declares.
PAGE_UNSAFE_METHODS = ("post",)
DENIED_STATUSES = {401, 403, 404, 405}
# Django's admin is for is_staff accounts only and has its own permission system; it is
# checked once (its index) rather than model by model. The OpenAPI document and its
# viewer describe endpoints and hold no data.
SKIPPED_NETWORK_PREFIXES = ("admin/", "api/schema/", "api/docs/")  # + the API docs (no data)
# Patterns served from the OpenAPI document instead of the resolver walk.
API_PREFIX = "api/v1/"
GENERIC_PAYLOAD = {
    "nom": "pirate",
    "titre": "pirate",
    "statut": "valide",
    "commentaire": "pirate",
    "role": "directeur",
    "email": "pirate@example.test",
    "structure": "beta",
    "valeur": "1",
}


# --- Seeding marker rows, generically -------------------------------------------------------


def _tenant_app_labels() -> set[str]:
    shared = set(settings.SHARED_APPS)
    return {
        config.label
        for config in apps.get_app_configs()
        if config.name in settings.TENANT_APPS and config.name not in shared
    }


def _field_value(field: models.Field, marker: str, serial: int):
    """A valid-looking value for ``field``, carrying ``marker`` in text."""
    if field.choices:
        return field.choices[0][0]
    text = f"{marker} {field.name} {serial}"
    if isinstance(field, models.EmailField):
        return f"{marker.lower()}{serial}@example.test"
    if isinstance(field, models.SlugField):
        return f"{marker.lower()}-{serial}"[: field.max_length]
    if isinstance(field, models.URLField):
        return f"https://{marker.lower()}.example.test/"
    if isinstance(field, models.GenericIPAddressField):
        return "127.0.0.1"
    if isinstance(field, models.FileField):
        return f"{marker.lower()}/{field.name}.txt"
    if isinstance(field, models.UUIDField):
        return uuid.uuid4()
    if isinstance(field, models.CharField):
        return (
            text[: field.max_length]
            if field.max_length and field.max_length >= len(marker)
            else ("Z" * (field.max_length or 1))
        )
    if isinstance(field, models.TextField):
        return text
    if isinstance(field, models.BooleanField):
        return False
    if isinstance(field, models.DecimalField):
        return decimal.Decimal("0.5")
    if isinstance(field, models.FloatField):
        return 0.5
    if isinstance(field, models.IntegerField | models.PositiveIntegerField):
        return 1
    if isinstance(field, models.DateTimeField):
        return timezone.now()
    if isinstance(field, models.DateField):
        return datetime.date.today()
    if isinstance(field, models.TimeField):
        return datetime.time(10, 0)
    if isinstance(field, models.DurationField):
        return datetime.timedelta(hours=1)
    if isinstance(field, models.JSONField):
        return {"note": text}
    if isinstance(field, models.BinaryField):
        return b""
    return None


class MarkerSeeder:
    """Create one row per model, with every field filled and text carrying a marker."""

    def __init__(
        self, *, marker: str, structure: Structure, person: User, side: dict | None = None
    ):
        self.marker = marker
        self.structure = structure
        self.person = person
        # Public rows of the structure's side (its territory, its group): a seeded row
        # of beta must not point at alpha's group, or it would be alpha's data.
        self.created: dict[type[models.Model], models.Model | None] = dict(side or {})
        self.serial = 0

    def instance_of(self, model: type[models.Model], *, depth: int = 0):
        if model in self.created:
            return self.created[model]
        if issubclass(model, Structure):
            return self.structure
        if issubclass(model, User):
            return self.person
        if depth > 6:
            return None
        self.created[model] = None  # guards against cycles
        values = {}
        # Network-wide reference rows (a type of deliverable, a frame…) belong to nobody:
        # they carry a neutral marker, only the structure's own rows carry its marker.
        owned = model._meta.label_lower in _tenant_models() or any(
            field.is_relation
            and field.related_model is not None
            and issubclass(field.related_model, Structure)
            for field in model._meta.concrete_fields
        )
        marker = self.marker if owned else NEUTRAL_MARKER
        for field in model._meta.concrete_fields:
            if field.primary_key or field.auto_created:
                continue
            if field.is_relation:
                target = self.instance_of(field.related_model, depth=depth + 1)
                if target is None and field.related_model._meta.label_lower not in _tenant_models():
                    target = field.related_model._default_manager.first()
                if target is None and not field.null:
                    return None
                values[field.name] = target
                continue
            if field.has_default() and not isinstance(field, models.CharField | models.TextField):
                continue
            self.serial += 1
            value = _field_value(field, marker, self.serial)
            if value is None and not field.null and not field.has_default():
                return None
            if value is not None:
                values[field.name] = value
        try:
            with transaction.atomic():
                instance = model._default_manager.create(**values)
        except Exception:  # noqa: BLE001 - best effort: a model this generic filler cannot satisfy
            return None
        self.created[model] = instance
        return instance


def _tenant_models() -> set[str]:
    labels = _tenant_app_labels()
    return {m._meta.label_lower for m in apps.get_models() if m._meta.app_label in labels}


def _public_models_pointing_at_structures() -> list[tuple[type[models.Model], str]]:
    found = []
    for model in apps.get_models():
        if model._meta.label_lower in _tenant_models() or issubclass(model, Structure):
            continue
        for field in model._meta.concrete_fields:
            if (
                field.is_relation
                and field.related_model is not None
                and issubclass(field.related_model, Structure)
            ):
                found.append((model, field.name))
    return found


def seed_markers(structure: Structure, *, marker: str, person: User, side: dict) -> MarkerSeeder:
    seeder = MarkerSeeder(marker=marker, structure=structure, person=person, side=side)
    with schema_context(structure.schema_name):
        for model in apps.get_models():
            if model._meta.label_lower in _tenant_models() and not model._meta.proxy:
                seeder.instance_of(model)
    for model, _field in _public_models_pointing_at_structures():
        if model._meta.app_label in {"tenants"} and model.__name__ in {"Domain"}:
            continue
        seeder.created.pop(model, None)
        seeder.instance_of(model)
    return seeder


# --- Fingerprint of a structure ---------------------------------------------------------------


def fingerprint(structure: Structure) -> dict[str, str]:
    """A hash per table of the structure's schema and per public model pointing at it."""
    prints: dict[str, str] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = %s AND table_type = 'BASE TABLE' ORDER BY table_name",
            [structure.schema_name],
        )
        tables = [row[0] for row in cursor.fetchall()]
        if tables:
            union = " UNION ALL ".join(
                f"SELECT '{table}', count(*)::text || ':' || coalesce(md5(string_agg(t::text, ',' "
                f'ORDER BY t::text)), \'\') FROM "{structure.schema_name}"."{table}" t'
                for table in tables
            )
            cursor.execute(union)
            prints.update({f"schema:{name}": value for name, value in cursor.fetchall()})
    prints["public:structure"] = repr(list(Structure.objects.filter(pk=structure.pk).values()))
    for model, field in _public_models_pointing_at_structures():
        rows = model._default_manager.filter(**{field: structure}).order_by("pk").values()
        prints[f"public:{model._meta.label}.{field}"] = hashlib.md5(  # noqa: S324 - not security
            repr(list(rows)).encode()
        ).hexdigest()
    through = Structure.groupes.through.objects.filter(structure=structure).order_by("pk")
    prints["public:structure_groupes"] = repr(list(through.values()))
    return prints


# --- Generating the matrix ------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """One URL to request: ``path`` already filled, ``structure`` it belongs to (or None)."""

    source: str  # the pattern or the OpenAPI operation, for messages
    path: str
    methods: tuple[str, ...]
    belongs_to_beta: bool  # /s/beta/… or filled with beta's ids
    structure_scoped: bool  # under /s/<slug>/


@dataclass
class Ids:
    slug: str
    structure: int
    territoire: int
    groupe: int
    user: int

    def for_param(self, name: str, kind: str, hint: str = "") -> list[str]:
        """Values for a path parameter, from its name or the path segment before it."""
        if kind == "uuid":
            return [str(uuid.UUID(int=1))]
        if kind == "path":
            return ["x"]
        if kind != "int":
            return [self.slug]
        for words, value in (
            (("structure",), self.structure),
            (("territoire",), self.territoire),
            (("groupe",), self.groupe),
            (("user", "personne", "membre", "utilisateur"), self.user),
        ):
            if any(word in name.lower() for word in words) or any(word in hint for word in words):
                return [str(value)]
        return [str(self.structure), str(self.groupe)]


def _converter_kind(converter) -> str:
    name = type(converter).__name__.lower()
    for kind in ("int", "uuid", "path", "slug"):
        if kind in name:
            return kind
    return "int" if getattr(converter, "regex", "") in ("[0-9]+", r"\d+") else "str"


def _walk(resolver: URLResolver, prefix: str = "") -> Iterator[tuple[str, dict[str, str]]]:
    """Yield (route template, {param: kind}) for every pattern below ``resolver``."""
    for entry in resolver.url_patterns:
        route, params = _route_of(entry.pattern)
        if route is None:
            continue
        if isinstance(entry, URLResolver):
            for sub_route, sub_params in _walk(entry, prefix + route):
                yield sub_route, {**params, **sub_params}
        elif isinstance(entry, URLPattern):
            yield prefix + route, params


def _route_of(pattern) -> tuple[str | None, dict[str, str]]:
    converters = getattr(pattern, "converters", {})
    if hasattr(pattern, "_route"):
        route = str(pattern._route)
        params = {name: _converter_kind(conv) for name, conv in converters.items()}
        return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route), params
    regex = pattern.regex.pattern.lstrip("^").rstrip("$").replace(r"\Z", "")
    params = {}

    def named(match):
        params[match.group(1)] = "int" if match.group(2) in (r"\d+", "[0-9]+") else "str"
        return "{" + match.group(1) + "}"

    route = re.sub(r"\(\?P<(\w+)>([^)]*)\)", named, regex)
    if re.search(r"[\\()\[\]*+?|]", route):
        return None, {}
    return route, params


def _fill(
    template: str, params: dict[str, str], ids: Ids, *, in_structure: bool = False
) -> list[str]:
    """Fill path parameters; several candidates per parameter are walked in step (not as a
    cartesian product) to keep the matrix small. Inside a structure a generic id is 1: the
    structure's own rows, beta's being unreachable whatever the id."""
    candidates = {}
    for name, kind in params.items():
        before = template.split("{" + name + "}")[0].rstrip("/").rsplit("/", 1)[-1].lower()
        values = ids.for_param(name, kind, before)
        if in_structure and kind == "int" and len(values) > 1:
            values = ["1"]
        candidates[name] = values
    count = max((len(v) for v in candidates.values()), default=1)
    paths = []
    for index in range(count):
        path = template
        for name, values in candidates.items():
            path = path.replace("{" + name + "}", values[index % len(values)])
        paths.append(path)
    return paths


def page_targets(alpha: Ids, beta: Ids) -> list[Target]:
    targets: list[Target] = []
    for template, params in _walk(get_resolver(settings.PUBLIC_SCHEMA_URLCONF)):
        if template.startswith(SKIPPED_NETWORK_PREFIXES) or template.startswith(API_PREFIX):
            continue
        # Without parameters: requested once; with parameters: filled with beta's ids.
        for ids, is_beta in ((beta, True),) if params else ((alpha, False),):
            for path in _fill(template, params, ids):
                methods = ("get", *PAGE_UNSAFE_METHODS) if is_beta else ("get",)
                targets.append(Target(f"page {template}", "/" + path, methods, is_beta, False))
    for template, params in _walk(get_resolver(settings.ROOT_URLCONF)):
        if template.startswith(API_PREFIX):
            continue
        for ids, is_beta in ((alpha, False), (beta, True)):
            for path in _fill(template, params, ids, in_structure=True):
                methods = ("get", *PAGE_UNSAFE_METHODS) if is_beta else ("get",)
                targets.append(
                    Target(
                        f"page /s/<slug>/{template}",
                        f"/s/{ids.slug}/{path}",
                        methods,
                        is_beta,
                        True,
                    )
                )
    targets.append(Target("admin index", "/admin/", ("get",), False, False))
    return targets


def api_targets(alpha: Ids, beta: Ids) -> list[Target]:
    schema = SchemaGenerator(patterns=schema_patterns()).get_schema(request=None, public=True)
    targets: list[Target] = []
    for template, operations in schema.get("paths", {}).items():
        methods = tuple(m for m in operations if m in ("get", *UNSAFE_METHODS))
        params = {}
        for operation in operations.values():
            for parameter in operation.get("parameters", []) if isinstance(operation, dict) else []:
                if parameter.get("in") == "path":
                    kind = parameter.get("schema", {}).get("type", "string")
                    fmt = parameter.get("schema", {}).get("format", "")
                    params[parameter["name"]] = (
                        "int" if kind == "integer" else ("uuid" if fmt == "uuid" else "str")
                    )
        for name in re.findall(r"{(\w+)}", template):
            params.setdefault(name, "str")
        structure_scoped = template.startswith("/s/{structure}/")
        sides = (
            ((alpha, False), (beta, True))
            if structure_scoped
            else (((beta, True),) if params else ((alpha, False),))
        )
        filled_params = {name: kind for name, kind in params.items() if name != "structure"}
        for ids, is_beta in sides:
            base = template.replace("{structure}", ids.slug)
            chosen = methods if is_beta else tuple(m for m in methods if m == "get")
            for path in (
                _fill(base, filled_params, ids, in_structure=structure_scoped) if chosen else []
            ):
                targets.append(Target(f"api {template}", path, chosen, is_beta, structure_scoped))
    return targets


# --- Running it -----------------------------------------------------------------------------


def _body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


def _is_login_redirect(response) -> bool:
    location = response.get("Location", "")
    return response.status_code == 302 and location.startswith(settings.LOGIN_URL)


def _request(client: Client, method: str, path: str, is_api: bool):
    if method == "get":
        return client.get(path)
    if is_api:
        return getattr(client, method)(path, data=GENERIC_PAYLOAD, content_type="application/json")
    if method == "post":
        return client.post(path, data=GENERIC_PAYLOAD)
    return getattr(client, method)(path)


@pytest.fixture
def seeded(network):
    alpha, beta = network.structure, network.other_structure
    Structure.objects.filter(pk=beta.pk).update(nom=f"Structure Beta {BETA_MARKER}")
    beta.refresh_from_db()
    director_beta = network.user("directeur_autre")
    director_beta.last_name = f"{BETA_MARKER}-personne"
    director_beta.save(update_fields=["last_name"])
    seed_markers(
        alpha,
        marker=ALPHA_MARKER,
        person=network.user("directeur"),
        side={
            Territoire: network.territoire,
            GroupeTravail: network.groupe,
        },
    )
    seeded_beta = seed_markers(
        beta,
        marker=BETA_MARKER,
        person=director_beta,
        side={
            Territoire: network.other_territoire,
            GroupeTravail: network.other_groupe,
        },
    )
    connection.set_schema_to_public()
    return network, seeded_beta


def test_nothing_of_another_structure_is_ever_returned_or_changed(seeded):
    network, seeded_beta = seeded
    alpha, beta = network.structure, network.other_structure
    alpha_ids = Ids(
        alpha.slug, alpha.pk, network.territoire.pk, network.groupe.pk, network.user("directeur").pk
    )
    beta_ids = Ids(
        beta.slug,
        beta.pk,
        network.other_territoire.pk,
        network.other_groupe.pk,
        network.user("directeur_autre").pk,
    )
    targets = page_targets(alpha_ids, beta_ids) + api_targets(alpha_ids, beta_ids)
    assert any(t.source.startswith("api") for t in targets) or not schema_patterns()
    seeded_models = [m for m, row in seeded_beta.created.items() if row is not None]
    assert seeded_models, "the generic seeder created no marker row in beta"

    before = fingerprint(beta)
    problems: list[str] = []
    checked = 0
    for role in [*ROLES, "anonyme"]:
        user = network.users.get(role)
        if user is not None and access.can_view_structure(user, beta):
            continue  # allowed to see beta: nothing to prove here
        client = Client(raise_request_exception=False)
        if user is not None:
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        session_cookie = client.cookies.get(settings.SESSION_COOKIE_NAME)
        session_key = session_cookie.value if session_cookie else None
        for target in targets:
            is_api = target.source.startswith("api")
            for method in target.methods:
                sid = transaction.savepoint()
                try:
                    response = _request(client, method, target.path, is_api)
                    checked += 1
                    where = f"{role} {method.upper()} {target.path} ({target.source})"
                    body = _body(response)
                    if BETA_MARKER.lower() in body.lower():
                        problems.append(
                            f"LEAK {where}: beta's data in the response ({response.status_code})"
                        )
                    if (
                        target.structure_scoped
                        and target.belongs_to_beta
                        and not (
                            response.status_code in DENIED_STATUSES or _is_login_redirect(response)
                        )
                    ):
                        problems.append(f"OPEN {where}: answered {response.status_code}")
                    refused = response.status_code in DENIED_STATUSES or _is_login_redirect(
                        response
                    )
                    if method != "get" and not refused:
                        connection.set_schema_to_public()
                        try:
                            after = fingerprint(beta)
                        except DatabaseError:
                            after = before  # aborted transaction: nothing was committed
                        changed = sorted(k for k in before if after.get(k) != before[k])
                        if changed:
                            problems.append(f"CHANGED {where}: {', '.join(changed)}")
                finally:
                    transaction.savepoint_rollback(sid)
                    connection.set_schema_to_public()
                    client.cookies = SimpleCookie()
                    if session_key:
                        client.cookies[settings.SESSION_COOKIE_NAME] = session_key
    assert fingerprint(beta) == before
    assert checked > 0
    assert not problems, f"{len(problems)} isolation problems:\n" + "\n".join(problems[:60])


def test_matrix_markers_are_visible_to_beta_staff(seeded, client_for):
    """The marker approach detects data: beta's director does see beta's marker."""
    network, _ = seeded
    body = client_for(network.user("directeur_autre")).get("/s/beta/").content.decode()
    assert BETA_MARKER in body


def test_matrix_covers_every_url_configuration(network):
    """Structure pages, network pages and API operations are all in the matrix."""
    ids = Ids("beta", 1, 1, 1, 1)
    pages = page_targets(ids, ids)
    assert any(t.structure_scoped for t in pages)
    assert any(not t.structure_scoped for t in pages)
    assert all(not t.path.startswith("/admin/") or t.source == "admin index" for t in pages)


# --- Existence oracles: "not yours" answers exactly like "does not exist" ---------------------

# Same length as "beta", so that nothing but the slug itself differs between the answers.
MISSING_SLUG = "bzzz"
# Per-response values (CSP nonces, CSRF tokens): equal for both answers once blanked.
_VOLATILE = [
    (re.compile(r"nonce-[A-Za-z0-9+/=_-]+"), "nonce-X"),
    (re.compile(r'nonce="[^"]*"'), 'nonce="X"'),
    (re.compile(r'(csrfmiddlewaretoken" value=")[^"]*"'), r'\1X"'),
    (re.compile(r'(name="csrf-token" content=")[^"]*"'), r'\1X"'),
    (re.compile(r'("X-CSRFToken": ")[^"]*"'), r'\1X"'),
]
COMPARED_HEADERS = ("Content-Type", "Location", "WWW-Authenticate", "Allow", "Vary")


def _comparable(response, slug: str) -> tuple:
    """What an observer sees of an answer, with the requested slug blanked."""

    def blank(text: str) -> str:
        text = text.replace(f"/s/{slug}/", "/s/{slug}/").replace(f"%2Fs%2F{slug}%2F", "{s}")
        for pattern, replacement in _VOLATILE:
            text = pattern.sub(replacement, text)
        return text

    headers = tuple(blank(response.get(name, "")) for name in COMPARED_HEADERS)
    csp = blank(response.get("Content-Security-Policy", ""))
    return (response.status_code, blank(_body(response)), headers, csp)


def _oracle_paths(beta: Ids) -> list[tuple[str, str]]:
    """(method, path) of every structure URL of the matrix for beta, plus paths that match
    no pattern, with and without a final slash."""
    alpha = Ids("alpha", 1, 1, 1, 1)
    requests = []
    for target in page_targets(alpha, beta) + api_targets(alpha, beta):
        if target.structure_scoped and target.belongs_to_beta:
            for method in dict.fromkeys(("get", *target.methods[1:2])):
                requests.append((method, target.path))
    for extra in ("", "plan", "inconnu/", "api/v1/", "api/v1/inconnu/", "api/v1/actions/abc/"):
        requests.append(("get", f"/s/{beta.slug}/{extra}"))
    requests.append(("post", f"/s/{beta.slug}/api/v1/actions/"))
    return requests


def test_a_forbidden_structure_answers_exactly_like_a_missing_one(network, api_client_for):
    """For anonymous visitors, people without a role in beta (session and token) and every
    structure URL: beta's answer and the answer for a slug that names no structure are the
    same (status, body, Content-Type, Location, WWW-Authenticate, Allow, Vary, CSP)."""
    beta = network.other_structure
    beta_ids = Ids(beta.slug, beta.pk, network.other_territoire.pk, network.other_groupe.pk, 1)
    assert len(MISSING_SLUG) == len(beta.slug)
    assert not Structure.objects.filter(slug=MISSING_SLUG).exists()
    requests = _oracle_paths(beta_ids)
    clients = {"anonyme": Client(raise_request_exception=False)}
    for role in ("directeur", "expert", "pilote", "sans_role"):
        assert not access.can_view_structure(network.user(role), beta)
        session = Client(raise_request_exception=False)
        session.force_login(network.user(role), backend="django.contrib.auth.backends.ModelBackend")
        clients[f"{role} (session)"] = session
    clients["directeur (jeton)"] = api_client_for(network.user("directeur"))
    clients["directeur (jeton)"].raise_request_exception = False
    problems, compared = [], 0
    for name, client in clients.items():
        for method, path in requests:
            answers = []
            for slug in (beta.slug, MISSING_SLUG):
                sid = transaction.savepoint()
                try:
                    url = path.replace(f"/s/{beta.slug}/", f"/s/{slug}/", 1)
                    response = _request(client, method, url, "/api/" in path)
                    answers.append(_comparable(response, slug))
                finally:
                    transaction.savepoint_rollback(sid)
                    connection.set_schema_to_public()
            compared += 1
            if answers[0] != answers[1]:
                problems.append(
                    f"{name} {method.upper()} {path}: {answers[0][:1] + answers[0][2:]} "
                    f"!= {answers[1][:1] + answers[1][2:]}"
                )
    assert compared > 100
    assert not problems, f"{len(problems)} existence oracles:\n" + "\n".join(problems[:30])


def test_a_deleted_structure_answers_like_a_missing_one(network, client_for):
    from django.utils import timezone

    Structure.objects.filter(pk=network.other_structure.pk).update(deleted_at=timezone.now())
    for client in (Client(), client_for(network.user("directeur_autre"))):
        deleted = client.get("/s/beta/plan/")
        missing = client.get(f"/s/{MISSING_SLUG}/plan/")
        assert deleted.status_code == missing.status_code
        assert _comparable(deleted, "beta") == _comparable(missing, MISSING_SLUG)


def test_ids_one_may_not_see_answer_like_ids_that_do_not_exist(network, api_client_for):
    """Creation requests: a structure, territory or group id outside the requester's view
    gives the same 400 as an id that does not exist (never a 403 confirming it exists)."""
    missing = 10**9
    pilote = api_client_for(network.user("pilote"))
    directeur = api_client_for(network.user("directeur"))
    cases = [
        (
            pilote,
            "/api/v1/invitations/",
            {"email": "x@example.test", "role": "contributeur"},
            "structure",
            network.other_structure.pk,
        ),
        (
            pilote,
            "/api/v1/structures/",
            {"nom": "Chez eux", "type": "SAAD"},
            "territoire",
            network.other_territoire.pk,
        ),
        (
            pilote,
            "/api/v1/invitations/",
            {"email": "x@example.test", "role": "expert"},
            "groupe",
            network.other_groupe.pk,
        ),
        (
            directeur,
            "/s/alpha/api/v1/actions/",
            {"titre": "Action"},
            "responsable",
            network.user("directeur_autre").pk,
        ),
    ]
    for client, url, payload, field, hidden in cases:
        answers = []
        for value in (hidden, missing):
            response = client.post(url, {**payload, field: value}, format="json")
            connection.set_schema_to_public()
            body = response.content.decode().replace(str(value), "{id}")
            answers.append((response.status_code, body, response["Content-Type"]))
        assert answers[0] == answers[1], (url, field, answers)
        assert answers[0][0] == 400 and "does_not_exist" in answers[0][1], answers[0]


def test_every_structure_api_view_checks_the_structure(network):
    """A structure that does not exist is refused by ``StructureAccess``: every view of
    ``/s/<slug>/api/`` uses it (or a subclass), whatever its own permission classes."""
    from django.urls import URLPattern, URLResolver

    from api.permissions import StructureAccess
    from api.urls import structure_patterns

    def views(patterns):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                yield from views(entry.url_patterns)
            elif isinstance(entry, URLPattern):
                yield entry.callback

    missing = []
    for callback in views(structure_patterns()):
        view_class = getattr(callback, "cls", None)
        if view_class is None:
            missing.append(f"{callback!r}: not a DRF view")
            continue
        if not any(issubclass(p, StructureAccess) for p in view_class.permission_classes):
            missing.append(f"{view_class.__name__}: {view_class.permission_classes}")
    assert not missing, "\n".join(sorted(set(missing)))
