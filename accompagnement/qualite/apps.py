from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QualiteConfig(AppConfig):
    """Managing by quality (seed 001): steering committee, document control, evaluation
    of professional practices — in each structure's schema."""

    name = "accompagnement.qualite"
    label = "qualite"
    verbose_name = _("Management par la qualité")
