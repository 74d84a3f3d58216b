"""Network pages of the self-diagnosis (to mount at /autodiagnostics/, namespace
"diagnostics-network", in platform/urls.py)."""

from django.urls import path
from django.views.generic import RedirectView

from accompagnement.diagnostics import views_network

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="diagnostics-network:queue"), name="index"),
    path("a-confirmer/", views_network.expert_queue, name="queue"),
]
