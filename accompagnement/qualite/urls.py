from django.urls import path

from accompagnement.qualite import views

urlpatterns = [
    path("", views.index, name="index"),
    path("comite/", views.comite, name="comite"),
    path("comite/membres/<int:pk>/retirer/", views.membre_retirer, name="membre_retirer"),
    path("comite/reunions/nouvelle/", views.reunion, name="reunion_new"),
    path("comite/reunions/<int:pk>/", views.reunion, name="reunion"),
    path("comite/reunions/<int:pk>/decisions/", views.decision, name="decision"),
    path("documents/", views.documents, name="documents"),
    path("documents/nouveau/", views.document_new, name="document_new"),
    path("documents/<int:pk>/", views.document, name="document"),
    path("documents/<int:pk>/archiver/", views.document_archive, name="document_archive"),
    path("documents/versions/<int:pk>/fichier/", views.version_fichier, name="version_fichier"),
    path("evaluations/", views.evaluations, name="evaluations"),
    path("evaluations/nouvelle/", views.evaluation_new, name="evaluation_new"),
    path("evaluations/<int:pk>/", views.evaluation, name="evaluation"),
    path("evaluations/<int:pk>/cloturer/", views.evaluation_cloturer, name="evaluation_cloturer"),
]
