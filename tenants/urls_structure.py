from django.urls import path

from tenants import privacy_views, views

urlpatterns = [
    path("", views.structure_home, name="structure-home"),
    path("donnees/", privacy_views.structure_data_requests, name="data-requests"),
    path(
        "donnees/<int:pk>/archive/",
        privacy_views.structure_data_archive,
        name="data-request-archive",
    ),
]
