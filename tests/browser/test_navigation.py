"""A person logs in, finds their structure and moves around with the keyboard-friendly menus."""


def test_director_logs_in_and_opens_their_structure(page, live_url, browser_world, login):
    director = browser_world.user("directeur")
    login(page, director)
    assert page.get_by_role("heading", name="Bonjour Directeur").is_visible()
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Mes structures"
    ).click()
    page.get_by_role("link", name="Structure Alpha").click()
    assert page.url.endswith("/s/alpha/")
    assert page.get_by_role("heading", name="Structure Alpha").is_visible()
    # Another structure answers "not found".
    response = page.goto(f"{live_url}/s/beta/")
    assert response.status == 404


def test_skip_link_reaches_main_content(page, live_url, browser_world, login):
    login(page, browser_world.user("lecteur"))
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert "Aller au contenu" in focused
