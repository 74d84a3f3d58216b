"""What each app adds to the shared pages: home-page to-dos and menu entries.

Each local app may provide a module ``hooks`` defining any of:

* ``todos_for(user) -> list[Todo]``: to-dos on the network home page;
* ``structure_todos(user, structure) -> list[Todo]``: to-dos on a structure's home page;
* ``network_menu(user) -> list[MenuEntry]``: entries of the network navigation;
* ``structure_menu(user, structure) -> list[MenuEntry]``: entries of a structure's menu;
* ``structure_dashboard(user, structure) -> list[Kpi | Chart]``: KPI cards and charts of
  a structure's home page (one hook for both, so an app reads its figures once).

Pages call the collectors below, in the app order of ``settings.LOCAL_APPS``; an app
with nothing to say gives empty states. Authorization inside hooks goes through
``tenants.access`` like everywhere else.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from types import ModuleType
from typing import Any

from django.conf import settings


@dataclass(frozen=True)
class Todo:
    label: str  # e.g. "12 critères à renseigner"
    url: str
    count: int = 0
    kind: str = "info"  # info | warning | late
    group: str = ""  # heading, e.g. "Autodiagnostic"


@dataclass(frozen=True)
class MenuEntry:
    label: str
    url: str
    order: int = 100
    group: str = ""  # entries of one group fold into one menu of the navigation


@dataclass(frozen=True)
class Kpi:
    """A KPI card: ``trend`` says the change in words (never colour alone); ``trend_good``
    tells whether that change is good news (``True``), bad (``False``) or neither."""

    label: str  # e.g. "Taux confirmé 2026"
    value: str  # e.g. "84 %"
    trend: str = ""  # e.g. "+3 pts par rapport à 2025"
    trend_good: bool | None = None
    kind: str = ""  # ok | warn | late (the card's accent)
    order: int = 100


@dataclass(frozen=True)
class Chart:
    """A chart drawn by ``core/static/js/charts.js`` from ``spec`` (given with json_script,
    id ``chart-data-<id>``): ``{type, labels, datasets: [{label, data, color}], max}``."""

    id: str  # the canvas id
    title: str
    description: str  # the canvas's accessible name
    spec: dict[str, Any]
    order: int = 100


@cache
def _hook_modules() -> tuple[ModuleType, ...]:
    modules = []
    for app in settings.LOCAL_APPS:
        try:
            modules.append(importlib.import_module(f"{app}.hooks"))
        except ModuleNotFoundError as error:
            if error.name != f"{app}.hooks":
                raise
    return tuple(modules)


def _call(function_name: str, *args: Any) -> Iterator[Any]:
    for module in _hook_modules():
        function = getattr(module, function_name, None)
        if function is not None:
            yield from function(*args)


def todos_for(user: Any) -> list[Todo]:
    return list(_call("todos_for", user))


def structure_todos(user: Any, structure: Any) -> list[Todo]:
    return list(_call("structure_todos", user, structure))


def network_menu(user: Any) -> list[MenuEntry]:
    return sorted(_call("network_menu", user), key=lambda entry: entry.order)


def structure_menu(user: Any, structure: Any) -> list[MenuEntry]:
    return sorted(_call("structure_menu", user, structure), key=lambda entry: entry.order)


def structure_dashboard(user: Any, structure: Any) -> tuple[list[Kpi], list[Chart]]:
    """The KPI cards and the charts of a structure's home page, each sorted by ``order``."""
    items = sorted(_call("structure_dashboard", user, structure), key=lambda item: item.order)
    return (
        [item for item in items if isinstance(item, Kpi)],
        [item for item in items if isinstance(item, Chart)],
    )
