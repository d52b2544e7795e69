"""The comparison API: a user's comparisons, their options and answers, and the result.

Every queryset starts from the requesting user's own comparisons, so another user's objects
answer 404, never 403: their existence is not disclosed.
"""

from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from careers.comparisons import selectors, services
from careers.comparisons.conditional import etag_of, not_modified, privately_cached
from careers.comparisons.freshness import API_DEFERS, comparison_with_result, result_state
from careers.comparisons.models import MAX_OPTIONS, Answer, Comparison, Option
from careers.comparisons.serializers import (
    AnswerSerializer,
    ComparisonResultSerializer,
    ComparisonSerializer,
    OptionSerializer,
)


class ComparisonViewSet(viewsets.ModelViewSet):
    serializer_class = ComparisonSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Comparison.objects.none()
        return selectors.comparison_detail_list(owner=self.request.user)

    @transaction.atomic
    def perform_create(self, serializer):
        # All or nothing: bad weights leave no half-made comparison behind.
        weights = serializer.validated_data.pop("weights", None)
        comparison = services.comparison_create(
            owner=self.request.user, **serializer.validated_data
        )
        if weights:
            services.weights_set(comparison=comparison, weights=weights)
        serializer.instance = comparison

    @transaction.atomic
    def perform_update(self, serializer):
        weights = serializer.validated_data.pop("weights", None)
        comparison = services.comparison_update(
            comparison=serializer.instance, **serializer.validated_data
        )
        if weights is not None:
            services.weights_set(comparison=comparison, weights=weights)
        serializer.instance = self.get_queryset().get(pk=comparison.pk)

    def perform_destroy(self, instance):
        services.comparison_delete(comparison=instance)

    @extend_schema(
        request=None,
        responses={201: ComparisonSerializer},
        description=(
            'Copy this comparison to try "what if": its notes, deadline, options, answers '
            'with their provenance and weights, titled "Copy of ...". Neither the share '
            "link nor the stored result is copied. Answers the new comparison."
        ),
    )
    @action(detail=True, methods=["post"])
    def duplicate(self, request, pk=None):
        copy = services.comparison_duplicate(comparison=self.get_object(), owner=request.user)
        serializer = self.get_serializer(self.get_queryset().get(pk=copy.pk))
        return Response(serializer.data, status=status.HTTP_201_CREATED)

    @extend_schema(
        responses={
            200: ComparisonResultSerializer,
            304: OpenApiResponse(
                description="Not modified: the ETag sent in If-None-Match is still current."
            ),
        },
        description=(
            "The comparison's result. Scored once per change of its options, answers or "
            "weights, of the published criteria and red-flag rules, or of the scoring "
            "version; read back otherwise. Answers with an ETag: send it as If-None-Match "
            "to get 304 Not Modified, with no body, while nothing changed."
        ),
    )
    def result(self, request, pk=None):
        comparison = comparison_with_result(owner=request.user, comparison_id=pk, defer=API_DEFERS)
        if comparison is None:
            raise Http404("No such comparison.")
        state = result_state(comparison=comparison)
        # The payload is a function of the key alone, so a client holding the current key's
        # copy needs none, even before a stale stored row is rewritten. Only JSON is
        # revalidated: the browsable API's page shows the viewer and carries forms.
        etag = None
        if request.accepted_renderer.format == "json":
            etag = etag_of(["result", state.key, request.user.pk, request.accepted_media_type])
        response = not_modified(request, etag)
        if response is None:
            stored = services.comparison_result_current(state=state)
            response = Response(stored.payload)
        return privately_cached(response, etag)


class OptionViewSet(viewsets.ModelViewSet):
    serializer_class = OptionSerializer
    # URLs read /api/comparisons/{id}/options/{option_id}/.
    lookup_url_kwarg = "option_id"

    def get_comparison(self) -> Comparison:
        return get_object_or_404(Comparison, pk=self.kwargs["id"], owner=self.request.user)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Option.objects.none()
        return (
            selectors.option_list(comparison=self.get_comparison())
            .prefetch_related(
                Prefetch("answers", queryset=Answer.objects.select_related("criterion"))
            )
            .order_by("created_at", "id")
        )

    def perform_create(self, serializer):
        serializer.instance = services.option_create(
            comparison=self.get_comparison(), **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.option_update(
            option=serializer.instance, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.option_delete(option=instance)

    @extend_schema(
        request=None,
        responses={
            201: OptionSerializer,
            400: OpenApiResponse(
                description=f"The comparison already holds {MAX_OPTIONS} options."
            ),
        },
        description=(
            "Copy this option, with its answers and their provenance, into the same "
            f'comparison, named "Copy of ...". A comparison that already holds {MAX_OPTIONS} '
            "options answers 400. Answers the new option."
        ),
    )
    @action(detail=True, methods=["post"])
    def duplicate(self, request, id=None, option_id=None):
        copy = services.option_duplicate(option=self.get_object())
        serializer = self.get_serializer(self.get_queryset().get(pk=copy.pk))
        return Response(serializer.data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=AnswerSerializer(many=True),
        parameters=[],
        responses={200: AnswerSerializer(many=True)},
        description=(
            "Upsert answers of this option: each item names a criterion by key and gives its "
            'value (1-5, "yes", "no", a count or "unknown"). All or nothing.'
        ),
    )
    def answers(self, request, id=None, option_id=None):
        option = self.get_object()
        if request.method == "PUT":
            serializer = AnswerSerializer(data=request.data, many=True)
            serializer.is_valid(raise_exception=True)
            services.answers_upsert(
                option=option,
                answers=[
                    {**item, "criterion": item["criterion"]["key"]}
                    for item in serializer.validated_data
                ],
            )
        answers = option.answers.select_related("criterion").order_by("criterion__position")
        return Response(AnswerSerializer(answers, many=True).data, status=status.HTTP_200_OK)


class OptionAnswersViewSet(OptionViewSet):
    """The answers of one option: a plain list, not a page (a path has a few dozen criteria)."""

    pagination_class = None
