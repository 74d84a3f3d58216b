"""What each app adds to the shared pages: home-page to-dos and menu entries.

Each local app may provide a module ``hooks`` defining any of:

* ``todos_for(user) -> list[Todo]``: to-dos on the network home page;
* ``structure_todos(user, structure) -> list[Todo]``: to-dos on a structure's home page;
* ``network_menu(user) -> list[MenuEntry]``: entries of the network navigation;
* ``structure_menu(user, structure) -> list[MenuEntry]``: entries of a structure's menu.

Pages call the collectors below, in the app order of ``settings.LOCAL_APPS``; an app
with nothing to say gives empty states. Authorization inside hooks goes through
``tenants.access`` like everywhere else.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

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


@cache
def _hook_modules() -> tuple:
    modules = []
    for app in settings.LOCAL_APPS:
        try:
            modules.append(importlib.import_module(f"{app}.hooks"))
        except ModuleNotFoundError as error:
            if error.name != f"{app}.hooks":
                raise
    return tuple(modules)


def _call(function_name: str, *args) -> Iterator:
    for module in _hook_modules():
        function = getattr(module, function_name, None)
        if function is not None:
            yield from function(*args)


def todos_for(user) -> list[Todo]:
    return list(_call("todos_for", user))


def structure_todos(user, structure) -> list[Todo]:
    return list(_call("structure_todos", user, structure))


def network_menu(user) -> list[MenuEntry]:
    return sorted(_call("network_menu", user), key=lambda entry: entry.order)


def structure_menu(user, structure) -> list[MenuEntry]:
    return sorted(_call("structure_menu", user, structure), key=lambda entry: entry.order)
