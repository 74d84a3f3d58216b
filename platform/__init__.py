"""Qualiréseau's project package: settings, URLs, WSGI/ASGI and the Celery app.

The folder is called ``platform`` (a fixed choice of the project), which is also the
name of a standard-library module. Whenever the repository root comes first on
``sys.path`` (``manage.py``, ``python -m pytest``, ``python -m celery``,
``python -m gunicorn``), ``import platform`` finds this package instead of the
standard module. So that nothing breaks (``uuid``, ``celery``, ``sentry_sdk`` and many
others call ``platform.system()`` and friends), this package loads the real standard
module from the interpreter's stdlib directory and re-exports every name it defines.

Our own code lives in the sub-modules (``platform.settings``, ``platform.urls``,
``platform.celery``…), whose names do not exist in the standard module.
Tested by ``tests/platform/test_stdlib_platform.py`` in every entry point.
"""

import importlib.util as _importlib_util
import os as _os
import sysconfig as _sysconfig


def _load_stdlib_platform():
    path = _os.path.join(_sysconfig.get_paths()["stdlib"], "platform.py")
    spec = _importlib_util.spec_from_file_location("_stdlib_platform", path)
    module = _importlib_util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_stdlib_platform = _load_stdlib_platform()
_OWN_NAMES = {
    "__name__",
    "__file__",
    "__path__",
    "__spec__",
    "__loader__",
    "__package__",
    "__builtins__",
    "__doc__",
    "__cached__",
}
globals().update(
    {name: value for name, value in vars(_stdlib_platform).items() if name not in _OWN_NAMES}
)
