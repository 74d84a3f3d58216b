from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "accompagnement.reporting"
    label = "reporting"

    def ready(self) -> None:
        from accompagnement.diagnostics.workflow import AUTODIAGNOSTIC
        from accompagnement.reporting.suivi import record

        # the network's index of self-diagnoses follows every change
        AUTODIAGNOSTIC.subscribe(record)
