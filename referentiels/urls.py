from django.urls import path

from referentiels import concordance_views, format_views, views

urlpatterns = [
    path("", views.referentiel_list, name="list"),
    path("nouveau/", views.create_draft, name="create"),
    path("importer/", views.import_file, name="import"),
    path("importer/<int:pk>/", views.import_job, name="import-job"),
    path("format/", format_views.import_format, name="format"),
    path("versions/<int:pk>/", views.version_detail, name="version"),
    path("versions/<int:pk>/differences/", views.diff, name="diff"),
    path("versions/<int:pk>/exporter/<str:fmt>/", views.export, name="export"),
    path("versions/<int:pk>/publier/", views.publish, name="publish"),
    path("versions/<int:pk>/archiver/", views.archive, name="archive"),
    path("versions/<int:pk>/supprimer/", views.delete_draft, name="delete"),
    path("versions/<int:pk>/nouvelle-version/", views.next_version, name="next"),
    path("versions/<int:pk>/documents/", views.add_document, name="add-document"),
    path("versions/<int:pk>/criteres/ajouter/", views.edit_critere, name="add-critere"),
    path(
        "versions/<int:pk>/concordance/", concordance_views.version_concordance, name="concordance"
    ),
    path(
        "versions/<int:pk>/criteres/<str:code>/concordance/",
        concordance_views.edit_critere_concordance,
        name="critere-concordance",
    ),
    path("versions/<int:pk>/criteres/<str:code>/", views.critere_detail, name="critere"),
    path(
        "versions/<int:pk>/criteres/<str:code>/modifier/", views.edit_critere, name="edit-critere"
    ),
    path("documents/<int:pk>/fichiers/", views.add_document_file, name="add-document-file"),
    path("fichiers/<int:pk>/", views.download_file, name="download"),
]
