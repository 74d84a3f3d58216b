from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "accompagnement.plans"
    label = "plans"
