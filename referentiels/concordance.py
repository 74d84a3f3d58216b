"""The crosswalk (table de concordance): writes and reads.

* ``load_sample_concordance`` loads the shipped crosswalk of the 49-criteria module
  (``data/concordance_realisation_prestations.yaml``), idempotently;
* ``set_concordances`` is the federation admin's edit of one criterion's references;
* ``copy_concordances`` gives a new frame version its predecessor's crosswalk;
* ``references_by_critere`` / ``systems_of`` read it for the pages and the API.
The coverage of a self-diagnosis by chapter of an external reference is computed by
``accompagnement.diagnostics.selectors.crosswalk_coverage`` (it owns the scores).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

import yaml
from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import BusinessError, CommonError
from referentiels.errors import ReferentielError
from referentiels.models import Concordance, Critere, ReferenceExterne, ReferentielVersion
from tenants import access

SAMPLE = Path(__file__).parent / "data" / "concordance_realisation_prestations.yaml"


def _require_manager(user) -> None:
    if not access.can_manage_referentiels(user):
        raise BusinessError(
            CommonError.FORBIDDEN, _("Vous ne pouvez pas modifier ce référentiel."), status=403
        )


@transaction.atomic
def load_sample_concordance(*, path: Path = SAMPLE) -> int:
    """Create the sample's references and link the sample version's criteria to them.
    Returns how many links were created (0 the second time)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    version = ReferentielVersion.objects.filter(
        referentiel__code=data["referentiel"], numero=data["version"]
    ).first()
    if version is None:
        return 0
    references = {}
    for ordre, item in enumerate(data["references"]):
        reference, _created = ReferenceExterne.objects.update_or_create(
            systeme=item["systeme"],
            code=item["code"],
            defaults={"chapitre": item["chapitre"], "libelle": item["libelle"], "ordre": ordre},
        )
        references[f"{item['systeme']} {item['code']}"] = reference
    wanted = []
    for critere in Critere.objects.filter(version=version).select_related("theme"):
        keys = data["par_theme"].get(critere.theme.code, []) + data["par_critere"].get(
            critere.code, []
        )
        wanted += [(critere.pk, references[key].pk) for key in dict.fromkeys(keys)]
    existing = set(
        Concordance.objects.filter(critere__version=version).values_list(
            "critere_id", "reference_id"
        )
    )
    created = Concordance.objects.bulk_create(
        Concordance(critere_id=c, reference_id=r) for c, r in wanted if (c, r) not in existing
    )
    return len(created)


@transaction.atomic
def set_concordances(
    *, user, critere: Critere, references: Iterable[ReferenceExterne]
) -> list[ReferenceExterne]:
    """The criterion's references become exactly ``references``."""
    _require_manager(user)
    wanted = {reference.pk for reference in references}
    current = set(critere.concordances.values_list("reference_id", flat=True))
    Concordance.objects.filter(critere=critere, reference_id__in=current - wanted).delete()
    Concordance.objects.bulk_create(
        Concordance(critere=critere, reference_id=pk) for pk in sorted(wanted - current)
    )
    return list(ReferenceExterne.objects.filter(pk__in=wanted))


@transaction.atomic
def save_reference(
    *, user, systeme: str, code: str, chapitre: str, libelle: str = ""
) -> ReferenceExterne:
    """Add (or relabel) an external reference: identifiers and a short label only."""
    _require_manager(user)
    if systeme not in ReferenceExterne.Systeme.values:
        raise BusinessError(
            ReferentielError.INVALID, _("Référentiel externe inconnu."), field="systeme"
        )
    code, chapitre = (code or "").strip(), (chapitre or "").strip()
    if not code or not chapitre:
        raise BusinessError(
            ReferentielError.INVALID,
            _("L'identifiant et le chapitre sont obligatoires."),
            field="code" if not code else "chapitre",
        )
    reference, _created = ReferenceExterne.objects.update_or_create(
        systeme=systeme,
        code=code,
        defaults={"chapitre": chapitre, "libelle": (libelle or "").strip()[:200]},
    )
    return reference


def copy_concordances(*, source: ReferentielVersion, critere_map: dict[int, Critere]) -> int:
    """A new version starts with its predecessor's crosswalk (``critere_map``: old criterion
    id → new criterion)."""
    links = [
        Concordance(critere=critere_map[old], reference_id=reference)
        for old, reference in Concordance.objects.filter(critere__version=source).values_list(
            "critere_id", "reference_id"
        )
        if old in critere_map
    ]
    return len(Concordance.objects.bulk_create(links))


def references_by_critere(version: ReferentielVersion) -> dict[int, list[ReferenceExterne]]:
    """Criterion id → its references, in one query."""
    result: dict[int, list[ReferenceExterne]] = defaultdict(list)
    for link in (
        Concordance.objects.filter(critere__version=version)
        .select_related("reference")
        .order_by("reference__systeme", "reference__ordre", "reference__code")
    ):
        result[link.critere_id].append(link.reference)
    return dict(result)


def systems_of(version: ReferentielVersion) -> list[tuple[str, str]]:
    """(code, label) of the external references the version's crosswalk uses."""
    used = set(
        Concordance.objects.filter(critere__version=version).values_list(
            "reference__systeme", flat=True
        )
    )
    return [(code, str(label)) for code, label in ReferenceExterne.Systeme.choices if code in used]


def all_references():
    return ReferenceExterne.objects.order_by("systeme", "ordre", "code")
