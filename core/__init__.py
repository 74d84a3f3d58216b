"""The shared kernel: what every app of Qualiréseau uses and that imports no app.

Errors with stable codes (``errors``), the workflow engine and its transition log
(``workflow``, ``models.TransitionLog``), the outbox of side effects (``outbox``),
per-app hooks for menus and to-dos (``hooks``), URL helpers across the network and
structure URL configurations (``routing``), and the shared layout (templates, static).

The composition root (settings, root URLs, Celery app, middleware) is ``platform/``: it
imports the apps; ``core`` imports none of them (checked by ``tests/test_architecture.py``).
"""
