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


def test_api_token_command_prints_a_working_token(network, client):
    out = StringIO()
    call_command("api_token", network.user("directeur").email, stdout=out)
    token = out.getvalue().strip()
    assert len(token) == 40
    response = client.get("/api/schema/", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200
    # A second call revokes the first token.
    call_command("api_token", network.user("directeur").email, stdout=StringIO())
    from rest_framework.authtoken.models import Token

    assert not Token.objects.filter(key=token).exists()


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
