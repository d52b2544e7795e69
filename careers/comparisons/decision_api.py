"""The decision API: ``/api/comparisons/{id}/decision/``, read with GET, created or
replaced whole with PUT, taken back with DELETE while no check-in has gone out.

Only the owner's comparisons are looked up, so another user's decision answers 404.
"""

from django.db import transaction
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from careers.comparisons import decisions
from careers.comparisons.decision_models import Decision
from careers.comparisons.decision_serializers import DecisionSerializer
from careers.comparisons.models import Comparison


@extend_schema_view(
    get=extend_schema(responses={200: DecisionSerializer, 404: OpenApiResponse()}),
    put=extend_schema(
        request=DecisionSerializer,
        responses={
            200: DecisionSerializer,
            201: DecisionSerializer,
            400: OpenApiResponse(description="A field is at fault; the body says which."),
            404: OpenApiResponse(),
            409: OpenApiResponse(description="The first check-in has gone out."),
        },
        description="Record the decision, or replace it whole while no check-in has gone "
        "out. The first save freezes the result as it stands (basis).",
    ),
    delete=extend_schema(
        responses={204: None, 404: OpenApiResponse(), 409: OpenApiResponse()},
        description="Take back the decision while no check-in has gone out.",
    ),
)
class DecisionView(APIView):
    serializer_class = DecisionSerializer

    def comparison(self, request, pk: int) -> Comparison:
        return get_object_or_404(Comparison, pk=pk, owner=request.user)

    def decision(self, request, pk: int) -> Decision:
        decision = decisions.decision_of(comparison=self.comparison(request, pk))
        if decision is None:
            raise NotFound("No decision recorded on this comparison yet.")
        return decision

    def get(self, request, pk: int):
        return Response(DecisionSerializer(self.decision(request, pk)).data)

    def put(self, request, pk: int):
        comparison = self.comparison(request, pk)
        serializer = DecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        existed = decisions.decision_of(comparison=comparison) is not None
        # PUT replaces the record whole: a field left out takes its default, never the
        # value of the record it replaces.
        fields = {**decisions.decision_defaults(), **serializer.validated_data}
        try:
            with transaction.atomic():
                decision = decisions.decision_save(comparison=comparison, **fields)
        except decisions.DecisionError as error:
            raise serializers.ValidationError(error.message_dict) from None
        except decisions.DecisionLocked as error:
            return Response({"detail": str(error)}, status=status.HTTP_409_CONFLICT)
        return Response(
            DecisionSerializer(decision).data,
            status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED,
        )

    def delete(self, request, pk: int):
        try:
            decisions.decision_delete(decision=self.decision(request, pk))
        except decisions.DecisionLocked as error:
            return Response({"detail": str(error)}, status=status.HTTP_409_CONFLICT)
        return Response(status=status.HTTP_204_NO_CONTENT)
