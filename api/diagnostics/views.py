"""Self-diagnosis API under ``/s/<slug>/api/v1/autodiagnostics/``.

Reads for every role in the structure (404 for anyone else, by ``StructureAccess``);
writes checked by the services (403 ``forbidden``). Stale answers: 409 ``stale_answer``
with the other person's answer in ``details.current``.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, renderers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from accompagnement.diagnostics import exports, selectors, services
from accompagnement.diagnostics.errors import DiagnosticError
from accompagnement.diagnostics.models import Autodiagnostic, Preuve, Reponse
from api.diagnostics import serializers
from api.renderers import FileRenderer, PdfRenderer
from core.downloads import content_download
from core.errors import BusinessError, CommonError
from referentiels.models import ReferentielVersion

ERRORS = OpenApiResponse(
    serializers.ErrorsSerializer, description="Erreurs {code, message, field}."
)


class XlsxRenderer(FileRenderer):
    media_type = exports.CONTENT_TYPES["xlsx"]
    format = "xlsx"


def _critere_reponse(autodiagnostic: Autodiagnostic, code: str) -> Reponse:
    reponse = Reponse.objects.filter(autodiagnostic=autodiagnostic, critere__code=code).first()
    if reponse is None:
        raise BusinessError(CommonError.INVALID, f"Critère inconnu : {code}.", field="critere")
    return reponse


class AutodiagnosticViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = serializers.AutodiagnosticSerializer
    pagination_class = None
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return selectors.autodiagnostics_list()

    @extend_schema(
        request=serializers.AutodiagnosticCreateSerializer,
        responses={
            201: serializers.AutodiagnosticSerializer,
            400: ERRORS,
            403: ERRORS,
            409: ERRORS,
        },
    )
    def create(self, request, *args, **kwargs):
        data = serializers.AutodiagnosticCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        version = ReferentielVersion.objects.filter(pk=data.validated_data["version"]).first()
        if version is None:
            raise BusinessError(
                DiagnosticError.VERSION_NOT_PUBLISHED,
                "Version de référentiel inconnue.",
                field="version",
            )
        autodiagnostic = services.create_autodiagnostic(
            structure=request.tenant,
            version=version,
            annee=data.validated_data["annee"],
            user=request.user,
            copy_previous=data.validated_data["reprendre_precedent"],
        )
        return Response(
            self.get_serializer(self.get_queryset().get(pk=autodiagnostic.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(methods=["GET"], responses={200: serializers.ReponseSerializer(many=True)})
    @extend_schema(
        methods=["PATCH"],
        request=serializers.ReponseUpdateSerializer,
        responses={200: serializers.ReponseSerializer, 400: ERRORS, 403: ERRORS, 409: ERRORS},
    )
    @action(detail=True, methods=["get", "patch"])
    def reponses(self, request, pk=None):
        autodiagnostic = self.get_object()
        if request.method == "GET":
            reponses = selectors.answer_rows(autodiagnostic)
            return Response(serializers.ReponseSerializer(reponses, many=True).data)
        data = serializers.ReponseUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        reponse = _critere_reponse(autodiagnostic, data.validated_data["critere"])
        services.save_answer(
            structure=request.tenant,
            reponse=reponse,
            valeur=data.validated_data["valeur"],
            commentaire=data.validated_data["commentaire"],
            expected_revision=data.validated_data["revision"],
            user=request.user,
        )
        saved = next(r for r in selectors.answer_rows(autodiagnostic) if r.pk == reponse.pk)
        return Response(serializers.ReponseSerializer(saved).data)

    def _bulk_result(self, autodiagnostic: Autodiagnostic, written_ids: set[int]) -> Response:
        rows = [r for r in selectors.answer_rows(autodiagnostic) if r.pk in written_ids]
        return Response(
            {
                "autodiagnostic": self.get_serializer(
                    self.get_queryset().get(pk=autodiagnostic.pk)
                ).data,
                "reponses": serializers.ReponseSerializer(rows, many=True).data,
            }
        )

    @extend_schema(
        request=serializers.BulkAnswersInputSerializer,
        responses={200: serializers.BulkResultSerializer, 400: ERRORS, 403: ERRORS, 409: ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="reponses/bulk", parser_classes=[JSONParser])
    def reponses_bulk(self, request, pk=None):
        """Answer many criteria at once, **all or nothing**: if one item is refused (stale
        revision, value not on the scale, comment missing…), nothing is written and every
        refusal is listed, ``field`` prefixed by the item's index (``reponses[3].valeur``).
        ``submit: true`` then submits the self-diagnosis in the same transaction."""
        autodiagnostic = self.get_object()
        data = serializers.BulkAnswersInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        saved = services.save_answers(
            structure=request.tenant,
            autodiagnostic=autodiagnostic,
            answers=[
                services.AnswerInput(
                    critere=item["critere"],
                    valeur=item["valeur"] or None,
                    commentaire=item["commentaire"],
                    revision=item["revision"],
                )
                for item in data.validated_data["reponses"]
            ],
            user=request.user,
            submit=data.validated_data["submit"],
        )
        return self._bulk_result(autodiagnostic, {r.pk for r in saved})

    @extend_schema(
        request=serializers.BulkConfirmationsInputSerializer,
        responses={200: serializers.BulkResultSerializer, 400: ERRORS, 403: ERRORS, 409: ERRORS},
    )
    @action(
        detail=True, methods=["post"], url_path="confirmations/bulk", parser_classes=[JSONParser]
    )
    def confirmations_bulk(self, request, pk=None):
        """The assigned expert confirms many criteria at once, **all or nothing** (errors as
        for answers); ``rest_as_declared: true`` then confirms every other answered criterion
        as declared; ``finish: true`` then closes the confirmation."""
        autodiagnostic = self.get_object()
        data = serializers.BulkConfirmationsInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        confirmed = services.confirm_criteria(
            structure=request.tenant,
            autodiagnostic=autodiagnostic,
            expert=request.user,
            confirmations=[
                services.ConfirmationInput(
                    critere=item["critere"],
                    valeur=item.get("valeur") or None,
                    commentaire=item["commentaire"],
                    preuves_examinees=tuple(item["preuves_examinees"]),
                )
                for item in data.validated_data["confirmations"]
            ],
            rest_as_declared=data.validated_data["rest_as_declared"],
            finish=data.validated_data["finish"],
        )
        return self._bulk_result(autodiagnostic, {c.reponse_id for c in confirmed})

    @extend_schema(
        request=serializers.ProposeActionsInputSerializer,
        responses={
            200: serializers.ProposedActionSerializer(many=True),
            400: ERRORS,
            403: ERRORS,
        },
    )
    @action(detail=True, methods=["post"], url_path="propose-actions", parser_classes=[JSONParser])
    def propose_actions(self, request, pk=None):
        """The expert (or the structure's managers) proposes one action per confirmed
        non-conformity in the structure's plan (idempotent); ``propositions`` set, per
        criterion, the owner, deadline and Shortell dimension — all or nothing."""
        autodiagnostic = self.get_object()
        data = serializers.ProposeActionsInputSerializer(
            data=request.data, context={"request": request}
        )
        data.is_valid(raise_exception=True)
        actions = services.propose_actions(
            structure=request.tenant,
            autodiagnostic=autodiagnostic,
            user=request.user,
            proposals=[
                services.ActionProposal(**item) for item in data.validated_data["propositions"]
            ],
        )
        return Response(serializers.ProposedActionSerializer(actions, many=True).data)

    def _transition(self, request, service):
        data = serializers.TransitionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        service(
            structure=request.tenant,
            autodiagnostic=self.get_object(),
            user=request.user,
            commentaire=data.validated_data["commentaire"],
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=self.kwargs["pk"])).data)

    @extend_schema(
        request=serializers.TransitionInputSerializer,
        responses={
            200: serializers.AutodiagnosticSerializer,
            400: ERRORS,
            403: ERRORS,
            409: ERRORS,
        },
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._transition(request, services.submit_autodiagnostic)

    @extend_schema(
        request=serializers.TransitionInputSerializer,
        responses={200: serializers.AutodiagnosticSerializer, 403: ERRORS, 409: ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="request-reopen")
    def request_reopen(self, request, pk=None):
        return self._transition(request, services.request_reopen)

    @extend_schema(
        request=serializers.TransitionInputSerializer,
        responses={200: serializers.AutodiagnosticSerializer, 403: ERRORS, 409: ERRORS},
    )
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        return self._transition(request, services.reopen_autodiagnostic)

    @extend_schema(
        request=serializers.TransitionInputSerializer,
        responses={
            200: serializers.AutodiagnosticSerializer,
            400: ERRORS,
            403: ERRORS,
            409: ERRORS,
        },
    )
    @action(detail=True, methods=["post"], url_path="finish-confirmation")
    def finish_confirmation(self, request, pk=None):
        return self._transition(request, services.finish_confirmation)

    @extend_schema(methods=["GET"], responses={200: serializers.ReponseSerializer(many=True)})
    @extend_schema(
        methods=["POST"],
        request=serializers.ConfirmationInputSerializer,
        responses={200: serializers.ReponseSerializer, 400: ERRORS, 403: ERRORS, 409: ERRORS},
    )
    @action(detail=True, methods=["get", "post"])
    def confirmations(self, request, pk=None):
        """GET: answers with the expert's confirmations. POST (assigned expert): confirm one
        criterion or set another value (comment required when it differs)."""
        autodiagnostic = self.get_object()
        if request.method == "GET":
            rows = [
                r for r in selectors.answer_rows(autodiagnostic) if selectors.confirmation_of(r)
            ]
            return Response(serializers.ReponseSerializer(rows, many=True).data)
        data = serializers.ConfirmationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        reponse = _critere_reponse(autodiagnostic, data.validated_data["critere"])
        preuves = list(Preuve.objects.filter(pk__in=data.validated_data["preuves_examinees"]))
        services.confirm_criterion(
            structure=request.tenant,
            reponse=reponse,
            expert=request.user,
            valeur=data.validated_data.get("valeur") or None,
            commentaire=data.validated_data["commentaire"],
            preuves_examinees=preuves,
        )
        saved = next(r for r in selectors.answer_rows(autodiagnostic) if r.pk == reponse.pk)
        return Response(serializers.ReponseSerializer(saved).data)

    @extend_schema(responses={200: serializers.ScoresSerializer})
    @action(detail=True, methods=["get"])
    def scores(self, request, pk=None):
        """Declared and confirmed rates by theme, theme × level, level and module, as
        fractions (0–1); gaps as fractions; unknown is null."""
        return Response(
            selectors.scores_payload(selectors.scores_of(self.get_object()), fractions=True)
        )

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "format", str, enum=["xlsx", "pdf"], required=True, description="Format du fichier."
            )
        ],
        responses={
            (200, exports.CONTENT_TYPES["xlsx"]): OpenApiTypes.BINARY,
            (200, exports.CONTENT_TYPES["pdf"]): OpenApiTypes.BINARY,
            (202, "application/json"): serializers.ExportStatusSerializer,
            (400, "application/json"): ERRORS,
        },
    )
    @action(
        detail=True,
        methods=["get"],
        renderer_classes=[renderers.JSONRenderer, XlsxRenderer, PdfRenderer],
    )
    def export(self, request, pk=None):
        """The XLSX (one row per criterion) or PDF report; 202 with the progress while a
        large export is being generated (ask again)."""
        fmt = request.query_params.get("format", "")
        export = exports.request_export(
            structure=request.tenant, autodiagnostic=self.get_object(), fmt=fmt, user=request.user
        )
        if export.etat != export.Etat.PRET:
            return Response(
                serializers.ExportStatusSerializer(export).data,
                status=status.HTTP_202_ACCEPTED,
                content_type="application/json",
            )
        with export.fichier.open("rb") as handle:
            content = handle.read()
        filename = f"autodiagnostic-{export.autodiagnostic.annee}.{fmt}"
        return content_download(content, filename, exports.CONTENT_TYPES[fmt])
