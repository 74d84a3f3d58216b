from django.apps import AppConfig


class BilansConfig(AppConfig):
    name = "accompagnement.bilans"
    label = "bilans"
