from django.urls import path

from accompagnement.plans import views, views_action

urlpatterns = [
    path("", views.plan, name="index"),
    path("actions/nouvelle/", views.action_create, name="action-create"),
    path("actions/<int:pk>/", views_action.action_detail, name="action"),
    path("actions/<int:pk>/statut/", views.action_status, name="action-status"),
    path("export.xlsx", views.export, name="export"),
    path("import/", views.import_xlsx, name="import"),
    path("import/<int:pk>/", views.import_job, name="import-job"),
    path("politique/", views.politique, name="politique"),
]
