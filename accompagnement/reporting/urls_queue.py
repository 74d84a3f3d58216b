"""The expert's queue, mounted at /autodiagnostics/ (namespace "diagnostics-network", in
platform/urls.py): a network page of the self-diagnosis, served next to the index it reads."""

from django.urls import path
from django.views.generic import RedirectView

from accompagnement.reporting import views_queue

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="diagnostics-network:queue"), name="index"),
    path("a-confirmer/", views_queue.expert_queue, name="queue"),
]
