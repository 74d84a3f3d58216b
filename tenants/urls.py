from django.contrib.auth import views as auth_views
from django.urls import include, path

from tenants import (
    account_views,
    formation_views,
    organisation_views,
    outbox_views,
    privacy_views,
    views,
)

organisation_patterns = [
    path("structures/", organisation_views.structure_list, name="structures"),
    path("structures/nouvelle/", organisation_views.structure_form, name="structure-create"),
    path("structures/import/", organisation_views.structure_import_form, name="import"),
    path(
        "structures/import/<int:pk>/",
        organisation_views.structure_import_detail,
        name="import-detail",
    ),
    path("structures/<slug:slug>/", organisation_views.structure_detail, name="structure-detail"),
    path(
        "structures/<slug:slug>/modifier/", organisation_views.structure_form, name="structure-edit"
    ),
    path("territoires/", organisation_views.territoire_list, name="territoires"),
    path("territoires/nouveau/", organisation_views.territoire_form, name="territoire-create"),
    path(
        "territoires/<int:pk>/modifier/", organisation_views.territoire_form, name="territoire-edit"
    ),
    path("groupes/nouveau/", organisation_views.groupe_form, name="groupe-create"),
    path("groupes/<int:pk>/modifier/", organisation_views.groupe_form, name="groupe-edit"),
    path("invitations/", organisation_views.invitation_list, name="invitations"),
    path("formations/", formation_views.evenement_list, name="formations"),
    path("journal/", organisation_views.audit_log, name="audit-log"),
    path("messages-en-echec/", outbox_views.dead_messages, name="dead-messages"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("mes-structures/", views.mes_structures, name="mes-structures"),
    path("confidentialite/", privacy_views.privacy_notice, name="privacy-notice"),
    path("rgpd/traitements/", privacy_views.processing_register, name="processing-register"),
    path("rgpd/demandes/", privacy_views.data_requests, name="data-requests"),
    path("reseau/", include((organisation_patterns, "organisation"))),
    path(
        "compte/connexion/",
        account_views.LoginView.as_view(),
        name="login",
    ),
    path("compte/deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "compte/invitation/<str:token>/", account_views.invitation_accept, name="invitation-accept"
    ),
    path("compte/profil/", account_views.profile, name="profile"),
    path("compte/profil/jeton/", account_views.profile_token, name="profile-token"),
    path("compte/double-authentification/", account_views.otp_setup, name="otp-setup"),
    path("compte/double-authentification/verifier/", account_views.otp_verify, name="otp-verify"),
    path(
        "compte/double-authentification/codes-de-secours/",
        account_views.otp_recovery_codes,
        name="otp-recovery",
    ),
    path(
        "compte/mot-de-passe/oubli/",
        account_views.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "compte/mot-de-passe/oubli/envoye/",
        auth_views.PasswordResetDoneView.as_view(template_name="tenants/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "compte/mot-de-passe/nouveau/<uidb64>/<token>/",
        account_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "compte/mot-de-passe/modifie/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="tenants/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path(
        "compte/mot-de-passe/changer/",
        account_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
]
