"""The référent's answer page in headless Chromium (issue 16): comments save themselves
while typing, leaving with unsaved input asks first, arrowing through a closed rating saves
once (the final value), the column jumps to a theme and to the next criterion without an
answer and stays in view; axe-core finds nothing critical or serious (desktop and phone,
screenshots in var/screenshots/)."""

from __future__ import annotations

import re

import pytest
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from accompagnement.diagnostics import services
from accompagnement.diagnostics.models import Autodiagnostic, Reponse
from referentiels.models import Referentiel, ReferentielVersion
from tests.browser.accessibility import assert_accessible
from tests.browser.checks import screenshot
from tests.factories import build_frame


class Sheet:
    """A committed self-diagnosis of alpha (two themes: 4.1 with 3 criteria, 4.2 with 2)
    for one référent; deleted afterwards with its frame."""

    def __init__(self, world, django_db_blocker):
        self.blocker = django_db_blocker
        with django_db_blocker.unblock():
            self.referent = world.user("referent")
            self.structure = world.structure
            self.frame = build_frame([(2, 1), (2, 0)])
            with schema_context(self.structure.schema_name):
                self.autodiagnostic = services.create_autodiagnostic(
                    structure=self.structure,
                    version=self.frame.version,
                    annee=2017,
                    user=self.referent,
                    copy_previous=False,
                )
                self.pk = {
                    r.critere.code: r.pk
                    for r in self.autodiagnostic.reponses.select_related("critere")
                }

    def url(self, live_url: str) -> str:
        return f"{live_url}/s/alpha/autodiagnostics/{self.autodiagnostic.pk}/"

    def answer(self, code: str, valeur: str | None, commentaire: str = "") -> None:
        with self.blocker.unblock(), schema_context(self.structure.schema_name):
            reponse = Reponse.objects.get(pk=self.pk[code])
            services.save_answer(
                structure=self.structure,
                reponse=reponse,
                valeur=valeur,
                commentaire=commentaire,
                expected_revision=reponse.revision,
                user=self.referent,
            )

    def saved(self, code: str) -> tuple[str | None, str, int]:
        with self.blocker.unblock(), schema_context(self.structure.schema_name):
            reponse = Reponse.objects.select_related("valeur").get(pk=self.pk[code])
            return (
                reponse.valeur.code if reponse.valeur else None,
                reponse.commentaire,
                reponse.revision,
            )

    def cleanup(self) -> None:
        with self.blocker.unblock(), schema_context(self.structure.schema_name):
            Autodiagnostic.objects.filter(pk=self.autodiagnostic.pk).delete()
            ReferentielVersion.objects.filter(pk=self.frame.version.pk).delete()
            Referentiel.objects.filter(pk=self.frame.version.referentiel_id).delete()


@pytest.fixture
def sheet(browser_world, django_db_blocker):
    sheet = Sheet(browser_world, django_db_blocker)
    yield sheet
    sheet.cleanup()


def _saves(page, sheet, code: str) -> list[str]:
    """The autosave requests the page sends for criterion ``code`` (their bodies)."""
    sent: list[str] = []
    path = f"/reponses/{sheet.pk[code]}/"
    page.on(
        "request",
        lambda request: (
            sent.append(request.post_data or "")
            if request.method == "POST" and request.url.endswith(path)
            else None
        ),
    )
    return sent


def test_comment_saves_itself_while_typing_without_a_submit(page, live_url, sheet, login):
    login(page, sheet.referent)
    page.goto(sheet.url(live_url))
    pk = sheet.pk["4.1.1"]
    saves = _saves(page, sheet, "4.1.1")
    comment = page.locator(f"#commentaire-{pk}")
    comment.press_sequentially("Procédure écrite", delay=30)
    expect(page.locator(f"#etat-{pk}")).to_have_text("Enregistré")
    assert sheet.saved("4.1.1") == (None, "Procédure écrite", 1)
    assert len(saves) == 1  # one save for the whole burst of keystrokes
    # Typing on: the next save carries the revision the first one returned (no conflict).
    comment.press_sequentially(" et affichée", delay=30)
    expect(page.locator(f"#etat-{pk}")).to_have_text("Modifications non enregistrées…")
    expect(page.locator(f"#etat-{pk}")).to_have_text("Enregistré")
    assert sheet.saved("4.1.1") == (None, "Procédure écrite et affichée", 2)
    expect(comment).to_be_focused()  # the field was never swapped under the cursor
    expect(page.locator(f"#erreur-{pk}")).to_be_empty()


def test_leaving_with_unsaved_input_asks_first(page, live_url, sheet, login):
    login(page, sheet.referent)
    page.goto(sheet.url(live_url))
    dialogs: list[str] = []

    def stay(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", stay)
    scores = page.get_by_role("link", name="Scores", exact=True)
    # Refused (a "Non conforme" needs its comment): still unsaved, leaving asks.
    pk = sheet.pk["4.1.2"]
    page.locator(f"#valeur-{pk}").select_option(label="Non conforme")
    expect(page.locator(f"#etat-{pk}")).to_have_text("Non enregistré")
    expect(page.get_by_role("alert")).to_contain_text("Un commentaire est obligatoire")
    scores.click()
    page.wait_for_timeout(300)  # the dialog is answered; nothing else to wait for
    assert dialogs == ["beforeunload"]
    assert page.url == sheet.url(live_url)
    # Typing, then leaving at once (before the autosave's delay): asks again.
    page.locator(f"#commentaire-{pk}").press_sequentially("Absente", delay=20)
    scores.click()
    page.wait_for_timeout(300)
    assert dialogs == ["beforeunload", "beforeunload"]
    expect(page.locator(f"#etat-{pk}")).to_have_text("Enregistré")  # the blur saved it
    assert sheet.saved("4.1.2") == ("NC", "Absente", 1)
    # Everything saved: leaving does not ask.
    scores.click()
    page.wait_for_url(re.compile(r"/scores/$"))
    assert dialogs == ["beforeunload", "beforeunload"]


def test_arrowing_through_a_closed_rating_saves_the_final_value_once(page, live_url, sheet, login):
    sheet.answer("4.1.3", None, "Affichage à refaire")  # "Non conforme" then has its comment
    login(page, sheet.referent)
    page.goto(sheet.url(live_url))
    pk = sheet.pk["4.1.3"]
    saves = _saves(page, sheet, "4.1.3")
    rating = page.locator(f"#valeur-{pk}")
    rating.evaluate(
        "(el) => { el.changes = 0; el.addEventListener('change', () => el.changes++); }"
    )
    rating.focus()
    for _ in range(3):  # Conforme, Partiellement conforme, Non conforme
        page.keyboard.press("ArrowDown")
    expect(rating).to_have_value("NC")
    expect(page.locator(f"#etat-{pk}")).to_have_text("Enregistré")
    assert rating.evaluate("(el) => el.changes") == 3  # the closed select changed 3 times…
    assert len(saves) == 1 and "valeur=NC" in saves[0]  # …and saved once, the final value
    assert sheet.saved("4.1.3") == ("NC", "Affichage à refaire", 2)
    expect(page.get_by_test_id("progress-global")).to_have_text("1 / 5 critères renseignés (20 %)")


def test_column_jumps_to_a_theme_and_to_the_next_criterion_without_answer(
    page, live_url, sheet, login
):
    sheet.answer("4.1.1", "C")
    sheet.answer("4.1.3", "C")
    login(page, sheet.referent)
    page.goto(sheet.url(live_url))
    nav = page.get_by_role("navigation", name="Thèmes")
    theme_42 = sheet.frame.themes[1].pk
    expect(page.locator(f"#progress-theme-{sheet.frame.themes[0].pk}")).to_contain_text("2 / 3")
    expect(page.locator(f"#progress-theme-{theme_42}")).to_contain_text("0 / 2")
    nav.get_by_role("link", name=re.compile(r"^4\.2")).click()
    expect(page).to_have_url(re.compile(f"#theme-{theme_42}$"))
    expect(page.locator(f"#theme-{theme_42}")).to_be_in_viewport()

    following = page.get_by_role("link", name="Prochain critère sans réponse")
    following.click()
    expect(page.locator(f"#valeur-{sheet.pk['4.1.2']}")).to_be_focused()  # 4.1.1 answered
    page.locator(f"#valeur-{sheet.pk['4.1.2']}").select_option(label="Conforme")
    following.click()  # from 4.1.2: 4.1.3 is answered, next is 4.2.1
    first_42 = page.locator(f"#valeur-{sheet.pk['4.2.1']}")
    expect(first_42).to_be_focused()
    expect(first_42).to_be_in_viewport()
    expect(page.locator(f"#etat-{sheet.pk['4.1.2']}")).to_have_text("Enregistré")  # blur saved

    # The column stays in view at the bottom of the page, with the progress.
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_function("window.scrollY > 0")
    expect(page.get_by_test_id("progress-global")).to_be_in_viewport()
    expect(page.get_by_test_id("progress-global")).to_have_text("3 / 5 critères renseignés (60 %)")


def test_on_a_phone_the_progress_stays_in_view_and_the_themes_fold(page, live_url, sheet, login):
    login(page, sheet.referent)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(sheet.url(live_url))
    themes = page.get_by_role("navigation", name="Thèmes")
    expect(themes).to_be_hidden()  # folded: the sticky column stays small
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_function("window.scrollY > 0")
    expect(page.get_by_test_id("progress-global")).to_be_in_viewport()
    page.locator(".theme-nav > summary").click()
    theme_42 = sheet.frame.themes[1].pk
    themes.get_by_role("link", name=re.compile(r"^4\.2")).click()
    expect(page).to_have_url(re.compile(f"#theme-{theme_42}$"))
    expect(page.locator(f"#theme-{theme_42}")).to_be_in_viewport()
    expect(themes).to_be_hidden()  # folded again once a theme is chosen


def test_answer_page_and_an_opened_criterion_pass_axe(page, live_url, sheet, login):
    sheet.answer("4.1.1", "C", "Procédure écrite")
    blocked: list[str] = []
    page.on(
        "console",
        lambda message: (
            blocked.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    login(page, sheet.referent)
    page.goto(sheet.url(live_url))
    assert page.evaluate("typeof window.htmx") == "object"
    assert_accessible(page)
    pk = sheet.pk["4.1.1"]
    page.locator(f"#critere-{pk} details summary").click()
    expect(page.locator(f"#critere-{pk} .details-body")).to_contain_text("Aucune preuve jointe.")
    expect(page.locator(f"#critere-{pk} .details-body")).to_contain_text(
        "Explication du critère 4.1.1"
    )
    assert_accessible(page)
    screenshot(page, "referent-answer-page-desktop")
    page.set_viewport_size({"width": 390, "height": 844})
    assert_accessible(page)
    screenshot(page, "referent-answer-page-phone")
    assert blocked == []  # answer.js and answer.css come from our origin, under the CSP
