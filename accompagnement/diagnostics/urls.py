"""Structure pages, mounted under /s/<slug>/autodiagnostics/ (namespace "diagnostics")."""

from django.urls import path

from accompagnement.diagnostics import views, views_actions, views_confirmation

urlpatterns = [
    path("", views.autodiagnostic_list, name="list"),
    path("<int:pk>/", views.answer, name="answer"),
    path("<int:pk>/reponses/<int:reponse_pk>/", views.save_answer, name="save-answer"),
    path(
        "<int:pk>/reponses/<int:reponse_pk>/details/",
        views.criterion_details,
        name="criterion-details",
    ),
    path("<int:pk>/reponses/<int:reponse_pk>/preuves/", views.upload_preuve, name="upload-preuve"),
    path("<int:pk>/preuves/<int:preuve_pk>/", views.download_preuve, name="download-preuve"),
    path("<int:pk>/preuves/<int:preuve_pk>/supprimer/", views.delete_preuve, name="delete-preuve"),
    path("<int:pk>/transition/<slug:name>/", views.transition, name="transition"),
    path("<int:pk>/historique/", views.transition_log, name="log"),
    path("<int:pk>/scores/", views.scores, name="scores"),
    path("<int:pk>/concordance/", views.concordance_coverage, name="concordance"),
    path("<int:pk>/confirmation/", views.confirmation, name="confirmation"),
    path("<int:pk>/confirmation/<int:reponse_pk>/", views.confirm, name="confirm"),
    path(
        "<int:pk>/confirmation/restants/",
        views_confirmation.confirm_remaining,
        name="confirm-remaining",
    ),
    path(
        "<int:pk>/confirmation/restants/<int:job_pk>/",
        views_confirmation.confirm_remaining_job,
        name="confirm-remaining-job",
    ),
    path("<int:pk>/actions/", views.propose_actions, name="propose-actions"),
    path("<int:pk>/actions/revue/", views_actions.review, name="propose-actions-review"),
    path("<int:pk>/export/<slug:fmt>/", views.request_export, name="request-export"),
    path("exports/<int:export_pk>/", views.export_status, name="export"),
    path("exports/<int:export_pk>/telecharger/", views.export_download, name="export-download"),
]
