from django.urls import path

from tenants import views

urlpatterns = [
    path("", views.structure_home, name="structure-home"),
]
