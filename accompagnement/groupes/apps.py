from django.apps import AppConfig


class GroupesConfig(AppConfig):
    name = "accompagnement.groupes"
    label = "groupes"

    def ready(self) -> None:
        from accompagnement.groupes.follow_up import report_action
        from accompagnement.plans.workflow import ACTION

        ACTION.subscribe(report_action)
