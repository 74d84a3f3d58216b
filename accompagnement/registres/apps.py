from django.apps import AppConfig


class RegistresConfig(AppConfig):
    name = "accompagnement.registres"
    label = "registres"
