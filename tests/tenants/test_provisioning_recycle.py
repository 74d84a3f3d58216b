"""A bulk creation renews its connection every ``RECYCLE_EVERY`` schemas (the connection
keeps the definition of every relation it created), never inside a transaction."""

from __future__ import annotations

from django.db import connections

from tenants import provisioning, services


def test_connection_renewed_after_enough_schemas_outside_transactions(db, monkeypatch):
    connection = connections["default"]  # the wrapper itself (not the proxy)
    closed = []
    monkeypatch.setattr(connection, "close", lambda: closed.append(True))
    monkeypatch.setattr(provisioning, "_created_on_connection", 0)
    services.create_structure(nom="Recyclage", slug="recyclage-1", type="SAAD")
    assert provisioning._created_on_connection == 1  # counted by the copy of the template

    # Inside a transaction (this test's): never, however many schemas were created.
    provisioning._created_on_connection = provisioning.RECYCLE_EVERY
    assert provisioning.release_catalog_cache() is False and closed == []
    connection.in_atomic_block = False  # as between two rows of an import
    try:
        provisioning._created_on_connection = provisioning.RECYCLE_EVERY - 1
        assert provisioning.release_catalog_cache() is False and closed == []
        provisioning._created_on_connection = provisioning.RECYCLE_EVERY
        assert provisioning.release_catalog_cache() is True
    finally:
        connection.in_atomic_block = True
    assert closed == [True] and provisioning._created_on_connection == 0
