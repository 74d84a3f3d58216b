from django.urls import path

from accompagnement.livrables import views

urlpatterns = [
    path("", views.livrable_list, name="list"),
    path("<int:pk>/", views.livrable_detail, name="detail"),
    path("<int:pk>/versions/", views.version_upload, name="upload"),
    path("versions/<int:pk>/soumettre/", views.version_submit, name="submit"),
    path("versions/<int:pk>/decision/", views.version_decide, name="decide"),
    path("versions/<int:pk>/fichier/", views.version_download, name="download"),
]
