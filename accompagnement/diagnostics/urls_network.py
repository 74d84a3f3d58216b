"""Network pages of the self-diagnosis (to mount at /autodiagnostics/, namespace
"diagnostics-network", in platform/urls.py)."""

from django.urls import path

from accompagnement.diagnostics import views_network

urlpatterns = [
    path("a-confirmer/", views_network.expert_queue, name="queue"),
]
