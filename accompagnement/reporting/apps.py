from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "accompagnement.reporting"
    label = "reporting"
