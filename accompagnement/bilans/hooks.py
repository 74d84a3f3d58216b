"""Menu entry and to-dos of the structure's semi-annual review."""

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accompagnement.bilans import selectors
from accompagnement.bilans.models import BilanStructure
from core.hooks import MenuEntry, Todo
from core.routing import structure_url
from tenants import access


def structure_menu(user, structure):
    yield MenuEntry(_("Bilans semestriels"), structure_url(structure, "bilans:index"), order=70)


def structure_todos(user, structure):
    """One to-do per campaign of the structure whose review is not submitted (everyone of
    the structure sees it; late once the campaign's deadline has passed): the campaigns
    and reviews of the reviews page, two queries."""
    if not access.can_view_structure(user, structure):
        return
    submitted = set(
        selectors.bilans_of_structure()
        .filter(statut=BilanStructure.Statut.SOUMIS)
        .values_list("campagne_id", flat=True)
    )
    today = timezone.localdate()
    pending = (
        selectors.campagnes_for_structure(structure)
        .exclude(pk__in=submitted)
        .order_by("echeance", "pk")
    )
    for campagne in pending:
        late = campagne.echeance < today
        template = (
            _("Bilan %(campagne)s à remettre : échéance dépassée (%(date)s)")
            if late
            else _("Bilan %(campagne)s à remettre avant le %(date)s")
        )
        yield Todo(
            template
            % {
                "campagne": campagne.libelle,
                "date": formats.date_format(campagne.echeance, "SHORT_DATE_FORMAT"),
            },
            structure_url(structure, "bilans:index"),
            count=1,
            kind="late" if late else "warning",
            group=_("Bilans semestriels"),
        )
