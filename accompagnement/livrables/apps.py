from django.apps import AppConfig


class LivrablesConfig(AppConfig):
    name = "accompagnement.livrables"
    label = "livrables"
