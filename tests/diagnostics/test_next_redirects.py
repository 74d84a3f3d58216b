"""The self-diagnosis pages follow ``next`` only inside the site (core.redirects)."""

from __future__ import annotations

import pytest
from django.db import connection

from tests.diagnostics.conftest import answer_all
from tests.diagnostics.test_pages import base


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/x"])
def test_the_self_diagnosis_pages_do_not_redirect_outside(
    autodiagnostic, frame, client_for, network, target
):
    answer_all(network.structure, autodiagnostic, frame, network.user("referent"))
    connection.set_schema_to_public()
    client = client_for(network.user("referent"))
    response = client.post(f"{base(autodiagnostic)}transition/submit/", {"next": target})
    assert response.status_code == 302
    assert response["Location"].startswith("/") and not response["Location"].startswith("//")
    assert "evil.example" not in response["Location"]
    response = client.post(f"{base(autodiagnostic)}actions/", {"next": target})
    assert response.status_code == 302 and "evil.example" not in response["Location"]


def test_the_self_diagnosis_pages_follow_a_local_next(autodiagnostic, client_for, network):
    connection.set_schema_to_public()
    local = f"{base(autodiagnostic)}scores/"
    response = client_for(network.user("referent")).post(
        f"{base(autodiagnostic)}transition/submit/", {"next": local}
    )
    assert (response.status_code, response["Location"]) == (302, local)
