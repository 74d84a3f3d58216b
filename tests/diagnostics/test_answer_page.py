"""The référent's answer page, light (issue 18) and navigable (issue 16): each criterion's
details load on demand, the navigation column gives the progress by theme and the next
criterion without an answer, "Soumettre" stays secondary while answers are missing, and
the autosave and details endpoints stay within the query budget."""

from __future__ import annotations

import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from accompagnement.diagnostics import services
from accompagnement.diagnostics.models import Reponse
from tests.diagnostics.conftest import answer_all

HTMX = {"HTTP_HX_REQUEST": "true"}


def base(autodiagnostic):
    return f"/s/alpha/autodiagnostics/{autodiagnostic.pk}/"


def reponses_of(autodiagnostic) -> dict[str, Reponse]:
    with schema_context("s_alpha"):
        return {
            r.critere.code: r
            for r in Reponse.objects.filter(autodiagnostic=autodiagnostic).select_related("critere")
        }


def test_details_load_on_demand_not_with_the_page(autodiagnostic, client_for, network):
    connection.set_schema_to_public()
    reponse = reponses_of(autodiagnostic)["4.1.1"]
    client = client_for(network.user("referent"))
    page = client.get(base(autodiagnostic)).content.decode()
    assert "Explication du critère 4.1.1" not in page
    assert f'hx-get="reponses/{reponse.pk}/details/"' in page  # relative to the page's URL
    assert "Preuves jointes : 0" in page

    fragment = client.get(f"{base(autodiagnostic)}reponses/{reponse.pk}/details/", **HTMX)
    html = fragment.content.decode()
    assert "Explication du critère 4.1.1" in html
    assert "Aucune preuve jointe." in html
    assert "<html" not in html  # a fragment, without the layout
    # Without JavaScript the same URL is a page of its own.
    page = client.get(f"{base(autodiagnostic)}reponses/{reponse.pk}/details/").content.decode()
    assert "<html" in page and "Explication du critère 4.1.1" in page


def test_evidence_upload_and_removal_answer_with_the_details_and_the_count(
    autodiagnostic, client_for, network
):
    connection.set_schema_to_public()
    reponse = reponses_of(autodiagnostic)["4.1.1"]
    client = client_for(network.user("referent"))
    uploaded = client.post(
        f"{base(autodiagnostic)}reponses/{reponse.pk}/preuves/",
        {"fichier": SimpleUploadedFile("livret.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")},
        **HTMX,
    ).content.decode()
    assert "Preuve ajoutée" in uploaded and "livret.pdf" in uploaded
    assert f'id="nb-preuves-{reponse.pk}" hx-swap-oob="true">· Preuves jointes : 1<' in uploaded
    assert "Preuves jointes : 1" in client.get(base(autodiagnostic)).content.decode()
    with schema_context("s_alpha"):
        preuve = reponse.preuves.get()
        name = preuve.fichier.name
    removed = client.post(
        f"{base(autodiagnostic)}preuves/{preuve.pk}/supprimer/", **HTMX
    ).content.decode()
    assert "Preuve retirée" in removed and "Aucune preuve jointe." in removed
    assert "Preuves jointes : 0" in removed
    with schema_context("s_alpha"):
        assert not reponse.preuves.exists()
        preuve.fichier.storage.delete(name)


def test_navigation_gives_theme_progress_and_the_next_criterion_without_answer(
    autodiagnostic, frame, client_for, network
):
    reponses = reponses_of(autodiagnostic)
    first = reponses["4.1.1"]
    services.save_answer(
        structure=network.structure,
        reponse=first,
        valeur="C",
        commentaire="",
        expected_revision=0,
        user=network.user("referent"),
    )
    connection.set_schema_to_public()
    page = client_for(network.user("referent")).get(base(autodiagnostic)).content.decode()
    theme_41, theme_42 = frame.themes[0].pk, frame.themes[1].pk
    nav = page[page.index('<nav aria-label="Thèmes">') :]
    nav = nav[: nav.index("</nav>")]
    assert re.findall(r'href="#theme-(\d+)"', nav) == [str(theme_41), str(theme_42)]
    assert f'id="progress-theme-{theme_41}">1 / 3<' in nav
    assert f'id="progress-theme-{theme_42}">0 / 3<' in nav
    # The next criterion without an answer is 4.1.2 (4.1.1 is answered).
    assert f'id="prochain-sans-reponse" href="#critere-{reponses["4.1.2"].pk}"' in page
    assert "1 / 6 critères renseignés (17 %)" in page


def test_submit_is_secondary_while_answers_are_missing(autodiagnostic, frame, client_for, network):
    connection.set_schema_to_public()
    client = client_for(network.user("referent"))
    page = client.get(base(autodiagnostic)).content.decode()
    assert '<summary class="button button-secondary">Soumettre à l&#x27;expert…</summary>' in page
    connection.set_tenant(network.structure)
    answer_all(network.structure, autodiagnostic, frame, network.user("referent"))
    connection.set_schema_to_public()
    page = client.get(base(autodiagnostic)).content.decode()
    assert '<summary class="button">Soumettre à l&#x27;expert…</summary>' in page
    assert 'id="prochain-sans-reponse" href="#contenu"' in page
    assert "Tous les critères ouverts ont une réponse." in page


def test_a_changed_value_removes_the_dropped_confirmation_from_the_page(
    autodiagnostic, frame, client_for, network
):
    referent, expert = network.user("referent"), network.user("expert")
    answer_all(network.structure, autodiagnostic, frame, referent)
    services.submit_autodiagnostic(
        structure=network.structure, autodiagnostic=autodiagnostic, user=referent
    )
    reponse = reponses_of(autodiagnostic)["4.1.1"]
    services.confirm_criterion(structure=network.structure, reponse=reponse, expert=expert)
    services.reopen_autodiagnostic(
        structure=network.structure, autodiagnostic=autodiagnostic, user=expert, commentaire="x"
    )
    connection.set_schema_to_public()
    client = client_for(referent)
    assert f'id="confirmation-{reponse.pk}"' in client.get(base(autodiagnostic)).content.decode()
    revision = reponses_of(autodiagnostic)["4.1.1"].revision
    same = client.post(
        f"{base(autodiagnostic)}reponses/{reponse.pk}/",
        {"valeur": "C", "commentaire": "ok, relu", "revision": revision},
        **HTMX,
    ).content.decode()
    assert "Enregistré" in same and 'hx-swap-oob="delete"' not in same  # same value: kept
    changed = client.post(
        f"{base(autodiagnostic)}reponses/{reponse.pk}/",
        {"valeur": "PC", "commentaire": "ok, relu", "revision": revision + 1},
        **HTMX,
    ).content.decode()
    assert f'<p id="confirmation-{reponse.pk}" hx-swap-oob="delete">' in changed


def _queries(prepare) -> int:
    """Queries of the request ``prepare()`` returns, after a warm-up one (per-process
    caches); ``prepare`` reads what the request needs (a revision) outside the count."""
    assert prepare()().status_code == 200
    send = prepare()
    with CaptureQueriesContext(connection) as context:
        assert send().status_code == 200
    return len(context)


def test_autosave_and_details_stay_within_the_query_budget_for_49_criteria(
    in_structure, frame, frame_49, network, client_for
):
    referent = network.user("referent")
    small = services.create_autodiagnostic(
        structure=in_structure, version=frame.version, annee=2015, user=referent
    )
    big = services.create_autodiagnostic(
        structure=in_structure, version=frame_49.version, annee=2016, user=referent
    )
    connection.set_schema_to_public()
    client = client_for(referent)

    def autosave(autodiagnostic):
        def prepare():
            reponse = min(reponses_of(autodiagnostic).values(), key=lambda r: r.pk)
            connection.set_schema_to_public()
            return lambda: client.post(
                f"{base(autodiagnostic)}reponses/{reponse.pk}/",
                {"valeur": "C", "commentaire": "en cours", "revision": reponse.revision},
                **HTMX,
            )

        return prepare

    def details(autodiagnostic):
        def prepare():
            reponse = min(reponses_of(autodiagnostic).values(), key=lambda r: r.pk)
            connection.set_schema_to_public()
            return lambda: client.get(
                f"{base(autodiagnostic)}reponses/{reponse.pk}/details/", **HTMX
            )

        return prepare

    for endpoint in (autosave, details):
        # No growth with the number of criteria, and within the 15-query budget.
        assert _queries(endpoint(small)) == _queries(endpoint(big)) <= 15


def test_without_javascript_a_criterion_saves_and_comes_back_to_the_page(
    autodiagnostic, client_for, network
):
    connection.set_schema_to_public()
    reponse = reponses_of(autodiagnostic)["4.1.1"]
    client = client_for(network.user("referent"))
    response = client.post(
        f"{base(autodiagnostic)}reponses/{reponse.pk}/",
        {"valeur": "PC", "commentaire": "En cours", "revision": 0},
    )
    assert response.status_code == 302
    assert response["Location"] == f"{base(autodiagnostic)}#critere-{reponse.pk}"
    saved = reponses_of(autodiagnostic)["4.1.1"]
    assert (saved.valeur.code, saved.commentaire, saved.revision) == ("PC", "En cours", 1)
    page = client.get(response["Location"]).content.decode()
    assert '<option value="PC" selected>' in page
    assert 'name="csrfmiddlewaretoken"' in page  # each criterion's form posts on its own
