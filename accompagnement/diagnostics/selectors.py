"""Reads of the self-diagnosis for pages, the API and exports, in a bounded number of
queries whatever the number of criteria (the answer page of the 49-criteria module and
the scores endpoint stay under 15 queries, asserted in tests)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from accompagnement.diagnostics.models import (
    Autodiagnostic,
    AutodiagnosticTransition,
    ExportAutodiagnostic,
    Preuve,
    Reponse,
)
from accompagnement.diagnostics.scoring import (
    MOYENNE_CRITERES,
    MOYENNE_THEMES,
    Scores,
    compute_scores,
    percent,
    themes_all_satisfied,
)
from accompagnement.diagnostics.scoring_inputs import (
    FrameShape,
    frame_shape,
    inputs_of,
    ladder_on,
    scoring_inputs,
)
from referentiels.models import DocumentOutil, Noeud, ReferentielVersion, ValeurEchelle

Statut = Autodiagnostic.Statut


def autodiagnostics_list() -> QuerySet[Autodiagnostic]:
    """The structure's self-diagnoses, newest first, with their answer counts."""
    return (
        Autodiagnostic.objects.select_related("version__referentiel")
        .annotate(
            nb_criteres=Count("reponses"),
            nb_repondus=Count("reponses", filter=Q(reponses__valeur__isnull=False)),
            nb_confirmes=Count("reponses", filter=Q(reponses__confirmation__isnull=False)),
        )
        .order_by("-annee", "-created_at")
    )


def autodiagnostic_by_id(pk: Any) -> Autodiagnostic:
    """One self-diagnosis of the current structure (raises DoesNotExist otherwise: the
    schema scopes it to the structure, access to the structure is checked upstream)."""
    return Autodiagnostic.objects.select_related("version__referentiel", "version__echelle").get(
        pk=pk
    )


@lru_cache(maxsize=64)
def _frozen_scale(version_id: int) -> tuple[ValeurEchelle, ...]:
    return tuple(
        ValeurEchelle.objects.filter(echelle__version_id=version_id).order_by("ordre", "pk")
    )


@lru_cache(maxsize=64)
def _frozen_documents(version_id: int) -> dict[int, tuple[DocumentOutil, ...]]:
    documents: dict[int, list[DocumentOutil]] = defaultdict(list)
    for document in DocumentOutil.objects.filter(
        version_id=version_id, critere__isnull=False
    ).order_by("titre"):
        if document.critere_id is not None:
            documents[document.critere_id].append(document)
    return {critere_id: tuple(docs) for critere_id, docs in documents.items()}


def _is_frozen(version: ReferentielVersion) -> bool:
    return version.statut != ReferentielVersion.Statut.BROUILLON


def scale_values(version: ReferentielVersion) -> list[ValeurEchelle]:
    """The scale of a version. A published or archived version never changes (the frames'
    models refuse it), so its scale is kept in process memory after the first read."""
    if _is_frozen(version):
        return list(_frozen_scale(version.pk))
    return list(_frozen_scale.__wrapped__(version.pk))


def criteria_documents(version: ReferentielVersion) -> dict[int, tuple[DocumentOutil, ...]]:
    """Model documents of the toolbox by criterion (kept in memory like the scale)."""
    if _is_frozen(version):
        return _frozen_documents(version.pk)
    return _frozen_documents.__wrapped__(version.pk)


def _reponses(autodiagnostic: Autodiagnostic, *, with_details: bool = False) -> list[Reponse]:
    queryset = (
        Reponse.objects.filter(autodiagnostic=autodiagnostic)
        .select_related(
            "critere", "valeur", "confirmation__valeur", "confirmation__expert", "updated_by"
        )
        .order_by("critere__ordre", "critere__pk")
    )
    if with_details:
        queryset = queryset.select_related("critere__theme").prefetch_related(
            Prefetch("preuves", queryset=Preuve.objects.order_by("uploaded_at")),
            "confirmation__preuves_examinees",
        )
    return list(queryset)


def answer_rows(autodiagnostic: Autodiagnostic) -> list[Reponse]:
    """Answers with criteria, values, confirmations and evidence files (4 queries)."""
    return _reponses(autodiagnostic, with_details=True)


def _tenant() -> Any:
    """The connection's tenant (a stand-in without the structure's fields under
    ``schema_context``)."""
    return getattr(connection, "tenant", None)


def _structure_type() -> str | None:
    return getattr(_tenant(), "type", None)


def confirmation_of(reponse: Reponse) -> Any:
    try:
        return reponse.confirmation
    except Reponse.confirmation.RelatedObjectDoesNotExist:
        return None


@dataclass
class Progress:
    total: int = 0
    answered: int = 0

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.total) if self.total else 0


@dataclass
class ConfirmationSheet:
    """The expert's confirmation page: each criterion as plain values (``confirmation_rows``),
    by theme then level; the scale kept in memory."""

    valeurs: list[ValeurEchelle]
    themes: list[tuple[Noeud, list[tuple[int | None, list[dict[str, Any]]]]]]


def confirmation_rows(autodiagnostic: Autodiagnostic, **filters: Any) -> list[dict[str, Any]]:
    """The criteria as the confirmation page shows them, in 2 queries whatever their number
    (answers with criterion, declared value and confirmation; evidence files, each marked
    when the confirmation says it was examined), plus the scoring inputs when the level
    ladder applies (``locked``). Plain dicts: the template renders 49 of them cheaply."""
    rows: dict[int, dict[str, Any]] = {
        pk: {
            "pk": pk,
            "code": code,
            "titre": titre,
            "theme_id": theme_id,
            "niveau": niveau,
            "declare": declare,
            "commentaire": commentaire,
            "confirmed": confirmation_pk is not None,
            "conf_valeur_id": conf_valeur_id,
            "conf_libelle": conf_libelle or "",
            "conf_commentaire": conf_commentaire or "",
            "preuves": [],
            "locked": False,
        }
        for (
            pk,
            code,
            titre,
            theme_id,
            niveau,
            declare,
            commentaire,
            confirmation_pk,
            conf_valeur_id,
            conf_libelle,
            conf_commentaire,
        ) in Reponse.objects.filter(autodiagnostic=autodiagnostic, **filters)
        .order_by("critere__ordre", "critere__pk")
        .values_list(
            "pk",
            "critere__code",
            "critere__titre",
            "critere__theme_id",
            "critere__niveau",
            "valeur__libelle",
            "commentaire",
            "confirmation__pk",
            "confirmation__valeur_id",
            "confirmation__valeur__libelle",
            "confirmation__commentaire",
        )
    }
    examined = Preuve.confirmations.through.objects.filter(
        preuve_id=OuterRef("pk"), confirmation__reponse_id=OuterRef("reponse_id")
    )
    preuves = (
        Preuve.objects.filter(reponse_id__in=rows)
        .annotate(examined=Exists(examined))
        .order_by("uploaded_at", "pk")
        .values_list("reponse_id", "pk", "nom_original", "examined")
    )
    for reponse_id, pk, nom, was_examined in preuves:
        rows[reponse_id]["preuves"].append({"pk": pk, "nom": nom, "examined": was_examined})
    if rows and ladder_on(autodiagnostic, _tenant()):
        items = inputs_of(autodiagnostic, structure_type=_structure_type())
        open_themes = themes_all_satisfied(items, niveau=1)
        for row in rows.values():
            row["locked"] = (row["niveau"] or 1) >= 2 and row["theme_id"] not in open_themes
    return list(rows.values())


def confirmation_sheet(autodiagnostic: Autodiagnostic) -> ConfirmationSheet:
    """Everything the confirmation page shows (``confirmation_rows`` and the themes)."""
    blocks: dict[int, dict[int | None, list[dict[str, Any]]]] = {}
    for row in confirmation_rows(autodiagnostic):
        blocks.setdefault(row["theme_id"], {}).setdefault(row["niveau"], []).append(row)
    themes = Noeud.objects.filter(pk__in=blocks).order_by("ordre", "pk")
    return ConfirmationSheet(
        valeurs=scale_values(autodiagnostic.version),
        themes=[
            (theme, sorted(blocks[theme.pk].items(), key=lambda kv: kv[0] or 0)) for theme in themes
        ],
    )


# --- Scores -------------------------------------------------------------------------------


@dataclass
class ScoresView:
    autodiagnostic: Autodiagnostic
    scores: Scores
    themes: list[Noeud]
    niveaux: list[int | None]
    reponses: list[Reponse]
    shape: FrameShape | None = None

    @property
    def headline(self) -> str:
        return self.autodiagnostic.version.module_headline

    def node_rows(self) -> list[dict[str, Any]]:
        """Every node of the frame (any depth, in the tree's order) with its rates."""
        if self.shape is None:
            return []
        scores = self.scores
        return [
            {
                "noeud": node,
                "declare": scores.declared.by_node.get(node.pk),
                "confirme": scores.confirmed.by_node.get(node.pk),
                "ecart": scores.gap_node(node.pk),
            }
            for node in self.shape.nodes_in_order()
            if node.pk in scores.declared.by_node
        ]


def scores_of(autodiagnostic: Autodiagnostic, *, with_details: bool = False) -> ScoresView:
    """Declared and confirmed scores with the labels to show them (3 queries)."""
    reponses = _reponses(autodiagnostic, with_details=with_details)
    theme_ids = {r.critere.theme_id for r in reponses}
    themes = list(Noeud.objects.filter(pk__in=theme_ids).order_by("ordre", "pk"))
    niveaux = sorted({r.critere.niveau for r in reponses}, key=lambda n: n or 0)
    items = inputs_of(autodiagnostic, structure_type=_structure_type())
    return ScoresView(
        autodiagnostic,
        compute_scores(items),
        themes,
        niveaux,
        reponses,
        frame_shape(autodiagnostic.version),
    )


def scores_payload(view: ScoresView, *, fractions: bool = False) -> dict[str, Any]:
    """Scores as plain data (charts, exports): rates in %, gaps in percentage points.

    ``fractions=True`` (the API's vocabulary): rates and gaps as fractions (0–1), and the
    "all satisfied" flags ``None`` (unknown) when that side has no answer at that level."""
    scores = view.scores

    def rate(r: Any) -> dict[str, Any] | None:
        if r is None:
            return None
        return {
            "taux": r.rate if fractions else r.percent,
            "evalues": r.scored,
            "exclus": r.excluded,
            "sans_reponse": r.unanswered,
            "total": r.total,
        }

    def share(value: float | None) -> float | None:
        return value if fractions else percent(value)

    def points(gap: float | None) -> float | None:
        if gap is None or fractions:
            return gap
        return round(gap * 100, 1)

    def all_satisfied(side: Any, niveau: int | None) -> bool | None:
        level = side.by_level.get(niveau)
        if fractions and (level is None or not level.answered):
            return None
        satisfied: bool | None = side.all_satisfied(niveau)
        return satisfied

    return {
        "module": {
            "declare": rate(scores.declared.module),
            "confirme": rate(scores.confirmed.module),
            "ecart": points(scores.gap_module),
            # The two definitions of the module rate (scoring.py), and the frame's headline.
            "definition_principale": view.headline,
            "definitions": {
                MOYENNE_CRITERES: {
                    "declare": share(scores.declared.module.rate),
                    "confirme": share(scores.confirmed.module.rate),
                    "ecart": points(scores.gap_module),
                },
                MOYENNE_THEMES: {
                    "declare": share(scores.declared.themes_mean),
                    "confirme": share(scores.confirmed.themes_mean),
                    "ecart": points(scores.gap_themes_mean),
                },
            },
        },
        "noeuds": [
            {
                "id": row["noeud"].pk,
                "code": row["noeud"].code,
                "type": row["noeud"].type,
                "titre": row["noeud"].titre,
                "profondeur": row["noeud"].depth,
                "parent": row["noeud"].parent_id,
                "declare": rate(row["declare"]),
                "confirme": rate(row["confirme"]),
                "ecart": points(row["ecart"]),
            }
            for row in view.node_rows()
        ],
        "imperatifs": {
            "declare": scores.declared.imperatives.as_dict(),
            "confirme": scores.confirmed.imperatives.as_dict(),
        },
        "themes": [
            {
                "id": theme.pk,
                "code": theme.code,
                "titre": theme.titre,
                "declare": rate(scores.declared.by_theme.get(theme.pk)),
                "confirme": rate(scores.confirmed.by_theme.get(theme.pk)),
                "ecart": points(scores.gap_theme(theme.pk)),
                "niveaux": [
                    {
                        "niveau": niveau,
                        "declare": rate(scores.declared.by_theme_level.get((theme.pk, niveau))),
                        "confirme": rate(scores.confirmed.by_theme_level.get((theme.pk, niveau))),
                        "ecart": points(scores.gap_theme_level(theme.pk, niveau)),
                    }
                    for niveau in view.niveaux
                    if (theme.pk, niveau) in scores.declared.by_theme_level
                ],
            }
            for theme in view.themes
        ],
        "niveaux": [
            {
                "niveau": niveau,
                "declare": rate(scores.declared.by_level.get(niveau)),
                "confirme": rate(scores.confirmed.by_level.get(niveau)),
                "ecart": points(scores.gap_level(niveau)),
                "tous_satisfaits_declare": all_satisfied(scores.declared, niveau),
                "tous_satisfaits_confirme": all_satisfied(scores.confirmed, niveau),
            }
            for niveau in view.niveaux
        ],
        "criteres": [
            {
                "id": r.critere_id,
                "code": r.critere.code,
                "declare": r.valeur.code if r.valeur else None,
                "confirme": c.valeur.code if (c := confirmation_of(r)) else None,
                "ecart": points(scores.gap_by_criterion.get(r.critere_id)),
            }
            for r in view.reponses
        ],
    }


def _scores_by_year() -> list[tuple[Autodiagnostic, Scores]]:
    """Every self-diagnosis of the structure with its scores, oldest first (2 queries)."""
    autodiagnostics = sorted(
        Autodiagnostic.objects.select_related("version"), key=lambda a: (a.annee, a.created_at)
    )
    inputs = scoring_inputs(autodiagnostics)
    return [(ad, compute_scores(inputs.get(ad.pk, []))) for ad in autodiagnostics]


def _history_row(ad: Autodiagnostic, scores: Scores) -> dict[str, Any]:
    return {
        "id": ad.pk,
        "annee": ad.annee,
        "declare": scores.declared.module.percent,
        "confirme": scores.confirmed.module.percent,
    }


def history() -> list[dict[str, Any]]:
    """Module rates (declared and confirmed, rounded %) of every self-diagnosis of the
    structure, by year (oldest first): one query for the answers (``scoring_inputs``)."""
    return [_history_row(ad, scores) for ad, scores in _scores_by_year()]


@dataclass
class DashboardFigures:
    """What the structure's home page shows of its self-diagnoses: ``history`` as
    ``history()``, the latest self-diagnosis, the latest one of an earlier year (the
    comparison), and the latest one's rates by theme (in the frame's order)."""

    history: list[dict[str, Any]]
    latest: dict[str, Any] | None = None
    previous: dict[str, Any] | None = None
    themes: list[dict[str, Any]] = field(default_factory=list)


def dashboard_figures() -> DashboardFigures:
    """The structure dashboard's self-diagnosis figures, in a bounded number of queries
    whatever the number of criteria or of self-diagnoses (those of ``history()``)."""
    rows = _scores_by_year()
    figures = DashboardFigures(history=[_history_row(ad, scores) for ad, scores in rows])
    if not rows:
        return figures
    latest, scores = rows[-1]
    figures.latest = figures.history[-1]
    earlier = [row for row in figures.history if row["annee"] < latest.annee]
    figures.previous = earlier[-1] if earlier else None
    shape = frame_shape(latest.version)
    figures.themes = [
        {
            "code": theme.code,
            "titre": theme.titre,
            "declare": scores.declared.by_theme[theme.pk].percent,
            "confirme": scores.confirmed.by_theme[theme.pk].percent
            if theme.pk in scores.confirmed.by_theme
            else None,
        }
        for theme in shape.themes
        if theme.pk in scores.declared.by_theme
    ]
    return figures


# --- The expert's queue -------------------------------------------------------------------


def transitions_of(autodiagnostic: Autodiagnostic) -> QuerySet[AutodiagnosticTransition]:
    return autodiagnostic.transitions.select_related("user").order_by("-at", "-pk")


def latest_export(autodiagnostic: Autodiagnostic, fmt: str) -> ExportAutodiagnostic | None:
    return autodiagnostic.exports.filter(format=fmt).order_by("-created_at").first()


def nonconformities_without_action(autodiagnostic: Autodiagnostic) -> list[Reponse]:
    """Criteria the expert confirmed as not satisfied (weight < 1, not excluded) that have
    no action yet for this self-diagnosis: the rows of the "proposer des actions" review
    step (two queries)."""
    from accompagnement.plans.models import Action

    done = {
        ref.get("critere")
        for ref in Action.objects.filter(
            origine=Action.Origine.AUTODIAGNOSTIC, origine_ref__autodiagnostic=autodiagnostic.pk
        ).values_list("origine_ref", flat=True)
    }
    reponses = (
        Reponse.objects.filter(
            autodiagnostic=autodiagnostic,
            confirmation__valeur__exclue=False,
            confirmation__valeur__poids__lt=1,
        )
        .select_related("critere", "confirmation__valeur")
        .order_by("critere__ordre", "critere__pk")
    )
    return [r for r in reponses if r.critere_id not in done]


# --- The référent's answer sheet (light: the details load on demand) ----------------------


@dataclass(frozen=True, slots=True)
class SheetRow:
    """One criterion on the answer page: what its form shows, nothing more (explanation,
    model documents and evidence files load on demand, see ``criterion_details``)."""

    pk: int
    key: str  # the pk as text: printed a dozen times per criterion, unlocalized
    revision: int
    code: str
    titre: str
    theme_id: int
    niveau: int | None
    valeur_id: int | None
    commentaire: str
    nb_preuves: int
    confirmation_libelle: str | None
    confirmation_commentaire: str
    locked: bool = False


@dataclass
class SheetTheme:
    pk: int
    code: str
    titre: str
    levels: list[tuple[int | None, list[SheetRow]]]
    progress: Progress


@dataclass
class AnswerSheet:
    valeurs: list[ValeurEchelle]
    themes: list[SheetTheme]
    progress: Progress
    first_unanswered: int | None  # the first open criterion without a value (its answer's pk)


_SHEET_FIELDS = (
    "pk",
    "revision",
    "critere__code",
    "critere__titre",
    "critere__theme_id",
    "critere__niveau",
    "valeur_id",
    "commentaire",
    "nb_preuves",
    "confirmation__valeur__libelle",
    "confirmation__commentaire",
)


def _sheet_query(autodiagnostic: Autodiagnostic, *extra: str, **filters: Any) -> Any:
    return (
        Reponse.objects.filter(autodiagnostic=autodiagnostic, **filters)
        .annotate(nb_preuves=Count("preuves"))
        .order_by("critere__ordre", "critere__pk")
        .values_list(*_SHEET_FIELDS, *extra)
    )


def _sheet_row(values: tuple[Any, ...]) -> SheetRow:
    pk, rev, code, titre, theme, niveau, valeur, comment, n, c_libelle, c_comment = values[:11]
    return SheetRow(
        pk, str(pk), rev, code, titre, theme, niveau, valeur, comment, n, c_libelle, c_comment or ""
    )


def answer_sheet(autodiagnostic: Autodiagnostic) -> AnswerSheet:
    """The answer page by theme then level, in 1 query whatever the number of criteria
    (answers with their criterion and theme, evidence count and confirmation), plus the
    answers' scoring inputs when the level ladder applies. The scale is kept in memory."""
    open_themes: set[Any] | None = None
    if ladder_on(autodiagnostic, _tenant()):
        items = inputs_of(autodiagnostic, structure_type=_structure_type())
        open_themes = set(themes_all_satisfied(items, niveau=1))
    themes: dict[int, tuple[str, str, int]] = {}
    blocks: dict[int, dict[int | None, list[SheetRow]]] = {}
    progress: dict[int, Progress] = {}
    overall, first_unanswered = Progress(), None
    for values in _sheet_query(
        autodiagnostic, "critere__theme__code", "critere__theme__titre", "critere__theme__ordre"
    ):
        row = _sheet_row(values)
        if open_themes is not None and (row.niveau or 1) >= 2 and row.theme_id not in open_themes:
            row = replace(row, locked=True)
        themes.setdefault(row.theme_id, values[11:])
        blocks.setdefault(row.theme_id, {}).setdefault(row.niveau, []).append(row)
        for p in (progress.setdefault(row.theme_id, Progress()), overall):
            p.total += 1
            p.answered += row.valeur_id is not None
        if first_unanswered is None and row.valeur_id is None and not row.locked:
            first_unanswered = row.pk
    ordered = sorted(themes.items(), key=lambda item: (item[1][2], item[0]))
    return AnswerSheet(
        valeurs=scale_values(autodiagnostic.version),
        themes=[
            SheetTheme(
                pk=pk,
                code=code,
                titre=titre,
                levels=sorted(blocks[pk].items(), key=lambda kv: kv[0] or 0),
                progress=progress[pk],
            )
            for pk, (code, titre, _ordre) in ordered
        ],
        progress=overall,
        first_unanswered=first_unanswered,
    )


@dataclass
class SavedRow:
    row: SheetRow
    overall: Progress
    theme: Progress


def saved_row(autodiagnostic: Autodiagnostic, reponse_pk: int) -> SavedRow | None:
    """One criterion of the answer sheet after an autosave, with the overall and its
    theme's progress: 1 query."""
    found, overall, by_theme = None, Progress(), defaultdict[int, Progress](Progress)
    for values in _sheet_query(autodiagnostic):
        pk, theme_id, valeur_id = values[0], values[4], values[6]
        if pk == reponse_pk:
            found = _sheet_row(values)
        for progress in (overall, by_theme[theme_id]):
            progress.total += 1
            progress.answered += valeur_id is not None
    if found is None:
        return None
    return SavedRow(row=found, overall=overall, theme=by_theme[found.theme_id])


@dataclass
class CriterionDetails:
    reponse: Reponse
    documents: tuple[DocumentOutil, ...]
    preuves: list[Preuve]


def criterion_details(autodiagnostic: Autodiagnostic, reponse_pk: int) -> CriterionDetails | None:
    """What the answer page loads when a criterion's details open: its explanation,
    expected content, model documents and evidence files (2 queries)."""
    reponse = (
        Reponse.objects.filter(autodiagnostic=autodiagnostic, pk=reponse_pk)
        .select_related("critere")
        .first()
    )
    if reponse is None:
        return None
    return CriterionDetails(
        reponse=reponse,
        documents=criteria_documents(autodiagnostic.version).get(reponse.critere_id, ()),
        preuves=list(reponse.preuves.order_by("uploaded_at")),
    )
