"""Accompagnement: everything a structure and its experts do with a frame.

Sub-apps (one Django app each, so each part has its own models and migrations):

* ``groupes`` (public schema): collective working groups' meetings, attendance,
  collective action plans, deliverable types.
* ``reporting`` (public schema): campaigns, review snapshots, territorial reviews,
  consolidation.
* ``diagnostics`` (structure schema): self-diagnosis, answers, evidence, confirmation.
* ``plans`` (structure schema): action plan, actions, quality policy.
* ``livrables`` (structure schema): deliverables and their validated versions.
* ``registres`` (structure schema): complaints, adverse events, satisfaction surveys.
* ``bilans`` (structure schema): the structure's semi-annual review.
"""
