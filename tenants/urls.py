from django.contrib.auth import views as auth_views
from django.urls import path

from tenants import views

urlpatterns = [
    path("", views.home, name="home"),
    path("mes-structures/", views.mes_structures, name="mes-structures"),
    path(
        "compte/connexion/",
        auth_views.LoginView.as_view(template_name="tenants/login.html", redirect_authenticated_user=True),
        name="login",
    ),
    path("compte/deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
]
