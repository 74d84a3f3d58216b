from django.urls import path
from rest_framework.routers import SimpleRouter

from api.tenants import formations, roles, structures_bulk, views

router = SimpleRouter()
router.register("territoires", views.TerritoireViewSet, basename="territoires")
router.register("groupes", views.GroupeViewSet, basename="groupes")
router.register("structures", views.StructureViewSet, basename="structures")
router.register("users", views.UserViewSet, basename="users")
router.register("invitations", views.InvitationViewSet, basename="invitations")

network_urlpatterns: list = [
    path("structures/bulk/", structures_bulk.StructuresBulkView.as_view(), name="structures-bulk"),
    *router.urls,
    path("formations/", formations.EvenementFormationView.as_view(), name="formations"),
    path("roles/", roles.RoleGrantView.as_view(), name="roles"),
    path("roles/bulk/", roles.RoleBulkGrantView.as_view(), name="roles-bulk"),
    path("roles/withdraw/", roles.RoleWithdrawView.as_view(), name="roles-withdraw"),
    path("me/token/", views.MyTokenView.as_view(), name="me-token"),
    path("me/token/<str:token_id>/", views.MyTokenDetailView.as_view(), name="me-token-detail"),
]
structure_urlpatterns: list = []
