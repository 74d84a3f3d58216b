"""Django admin of the network accounts' API tokens: names, dates and revocation only.

django-rest-knox registers an admin for its own token model (swapped out here for
``tenants.ApiToken``); it is removed. No page of the admin shows a key or a digest, and a
token cannot be created here (``manage.py api_token`` or the profile page do, shown once).
"""

from django.contrib import admin
from knox import admin as knox_admin
from knox.models import AuthToken

from tenants.models import ApiToken, EvenementFormation

if admin.site.is_registered(AuthToken):
    admin.site.unregister(AuthToken)
del knox_admin


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "created", "expiry", "last_used_at")
    search_fields = ("name", "user__email")
    fields = ("name", "user", "created", "expiry", "last_used_at")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(EvenementFormation)
class EvenementFormationAdmin(admin.ModelAdmin):
    """Trainings of experts and awareness sessions for pilots (federation admin)."""

    list_display = ("intitule", "type", "date", "territoire")
    list_filter = ("type", "territoire")
    filter_horizontal = ("participants",)
    exclude = ("created_by",)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
