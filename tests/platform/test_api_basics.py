"""API plumbing: OpenAPI schema and docs, token authentication, structured errors."""

from io import StringIO

from django.core.management import call_command


def test_openapi_schema_and_docs_are_served(db, client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    assert schema.json()["info"]["title"] == "Qualiréseau API"
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"swagger" in docs.content.lower()
    assert b"cdn" not in docs.content.lower()  # assets come from drf-spectacular-sidecar


def test_api_token_command_creates_an_additional_named_expiring_token(network, client):
    from tenants.models import ApiToken

    email = network.user("directeur").email
    out = StringIO()
    call_command("api_token", email, "--name", "export", "--expires", "30", stdout=out)
    first = out.getvalue().strip()
    assert len(first) == 64
    assert client.get("/api/v1/me/token/", HTTP_AUTHORIZATION=f"Token {first}").status_code == 200
    # A second call adds a token: the first one keeps working (a running script is not broken).
    out = StringIO()
    call_command("api_token", email, stdout=out)
    second = out.getvalue().strip()
    for key in (first, second):
        assert client.get("/api/v1/me/token/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    tokens = ApiToken.objects.filter(user=network.user("directeur"))
    assert tokens.count() == 2
    export = tokens.get(name="export")
    assert 29 <= (export.expiry - export.created).days <= 30
    # Only a digest is stored, never the key.
    assert not ApiToken.objects.filter(digest__in=[first, second]).exists()
    assert all(first not in str(value) for value in export.__dict__.values())


def test_structure_api_answers_404_json_for_another_structure(network, api_client_for):
    response = api_client_for(network.user("directeur")).get("/s/beta/api/v1/")
    assert response.status_code == 404


def test_anonymous_api_request_gets_a_structured_error(db, client):
    response = client.get("/s/alpha/api/v1/nothing-here/")
    assert response.status_code == 404


def test_pages_are_french_by_default_and_english_on_request(db, client):
    page = client.get("/compte/connexion/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "Connexion" in page.content.decode() and page["Content-Language"] == "fr"
    client.post("/i18n/setlang/", {"language": "en", "next": "/compte/connexion/"})
    page = client.get("/compte/connexion/")
    assert "Log in" in page.content.decode() or "Sign in" in page.content.decode()
    assert page["Content-Language"] == "en"


def test_not_found_page_is_french_and_uses_the_layout(network, client_for):
    page = client_for(network.user("directeur")).get("/s/beta/")
    assert page.status_code == 404
    html = page.content.decode()
    assert "Page introuvable" in html and 'href="#contenu"' in html
    assert "Structure Beta" not in html
