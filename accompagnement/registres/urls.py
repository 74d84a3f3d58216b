from django.urls import path

from accompagnement.registres import views

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:slug>/", views.entry_list, name="list"),
    path("<slug:slug>/nouveau/", views.entry_form, name="create"),
    path("<slug:slug>/<int:pk>/", views.entry_form, name="edit"),
    path("<slug:slug>/<int:pk>/supprimer/", views.entry_delete, name="delete"),
    path("<slug:slug>/import/", views.entry_import, name="import"),
    path("<slug:slug>/import/<int:pk>/", views.import_job, name="import-job"),
    path("<slug:slug>/export.xlsx", views.entry_export, name="export"),
]
