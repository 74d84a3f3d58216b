from django.apps import AppConfig


class DiagnosticsConfig(AppConfig):
    name = "accompagnement.diagnostics"
    label = "diagnostics"
