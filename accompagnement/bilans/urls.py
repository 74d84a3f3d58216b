from django.urls import path

from accompagnement.bilans import views

urlpatterns = [
    path("", views.index, name="index"),
    path("campagnes/<int:campagne_id>/ouvrir/", views.ouvrir, name="ouvrir"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/bilan.pdf", views.pdf, name="pdf"),
]
