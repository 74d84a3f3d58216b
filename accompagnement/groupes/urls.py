from django.urls import path

from accompagnement.groupes import views

urlpatterns = [
    path("", views.groupe_list, name="list"),
    path("revue-livrables/", views.revue, name="revue"),
    path("types-livrables/", views.types_livrable, name="types"),
    path("<int:pk>/", views.groupe_detail, name="detail"),
    path("<int:pk>/actions/", views.action_collective_create, name="action-create"),
    path("<int:pk>/reunions/", views.reunion_create, name="reunion-create"),
    path("<int:pk>/planning/", views.planning_create, name="planning-create"),
    path("<int:pk>/reunions.ics", views.reunions_ics, name="ical"),
    path("reunions/<int:pk>/", views.reunion_detail, name="reunion"),
    path("reunions/<int:pk>/compte-rendu/", views.reunion_compte_rendu, name="compte-rendu"),
    path("reunions/<int:pk>/emargement/", views.reunion_emargement, name="emargement"),
    path("reunions/<int:pk>/pieces/", views.reunion_piece_ajout, name="piece-ajout"),
    path("propositions/<int:pk>/action/", views.proposition_convert, name="proposition-convert"),
    path("pieces/<int:pk>/", views.piece_jointe, name="piece"),
]
