from django.apps import AppConfig


class GroupesConfig(AppConfig):
    name = "accompagnement.groupes"
    label = "groupes"
