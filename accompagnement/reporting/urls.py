from django.urls import path

from accompagnement.reporting import views, views_bilan_territoire, views_campagne, views_drill

urlpatterns = [
    path("campagnes/", views.campagnes, name="campagnes"),
    path("campagnes/<int:pk>/", views_campagne.campagne_detail, name="campagne"),
    path("tableau-de-bord/", views.tableau_de_bord, name="tableau-de-bord"),
    path("structures/<int:pk>/", views_drill.structure, name="structure"),
    path("consolidation.xlsx", views.consolidation_xlsx, name="consolidation-xlsx"),
    path(
        "bilans-territoire/ouvrir/", views.bilan_territoire_ouvrir, name="bilan-territoire-ouvrir"
    ),
    path("bilans-territoire/<int:pk>/", views.bilan_territoire, name="bilan-territoire"),
    path(
        "bilans-territoire/<int:pk>/bilan.pdf",
        views_bilan_territoire.pdf,
        name="bilan-territoire-pdf",
    ),
]
