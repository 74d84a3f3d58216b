"""What people read for the indicator keys of the snapshot store and the consolidation
(``taux_declare``…): pages and exports show these labels, never the keys."""

from django.utils.translation import gettext_lazy as _

INDICATOR_LABELS = {
    "bilans": _("Bilans remis"),
    "taux_declare": _("Taux de conformité déclaré"),
    "taux_confirme": _("Taux de conformité confirmé"),
    "ecart": _("Écart déclaré − confirmé"),
    "taux_plan_actions": _("Taux de réalisation du plan d'actions"),
    "taux_participation": _("Taux de participation aux réunions collectives"),
    "taux_satisfaits": _("Clients satisfaits"),
    "taux_mecontents": _("Clients mécontents"),
    "reclamations": _("Réclamations"),
    "tous_niveau1": _("Tous les critères de niveau 1 satisfaits"),
    "tous_niveau2": _("Tous les critères de niveau 2 satisfaits"),
    "part_tous_niveau1": _("Part des structures ayant satisfait tous les critères de niveau 1"),
    "part_tous_niveau2": _("Part des structures ayant satisfait tous les critères de niveau 2"),
    "en_retard": _("Bilan remis en retard"),
    "structure_nom": _("Structure"),
    "soumis_le": _("Soumis le"),
    "structures_engagees": _("Structures engagées"),
    "structures_deploiement": _("Structures en déploiement"),
    "pilotes": _("Pilotes"),
    "experts": _("Experts-réseau"),
    "experts_formes": _("Experts-réseau formés"),
    "pilotes_sensibilises": _("Pilotes sensibilisés"),
    "part_diagnostic_realise": _("Part des structures ayant réalisé leur autodiagnostic"),
    "taux_conformite_declare": _("Taux de conformité déclaré"),
    "taux_conformite_confirme": _("Taux de conformité confirmé"),
    "reunions_collectives": _("Réunions collectives"),
    "criteres": _("Critère"),
    "part_conformes_8_criteres": _("Part des structures conformes aux 8 critères d'effectivité"),
}

FAMILY_LABELS = {
    "realisation": _("Réalisation"),
    "effectivite": _("Effectivité"),
    "impact": _("Impact"),
}


def family_label(key: str) -> str:
    return str(FAMILY_LABELS.get(key, key))


def indicator_label(key: str) -> str:
    """The label of an indicator key (the key itself only for an unknown one)."""
    return str(INDICATOR_LABELS.get(key, key))
