"""The comparison API: a user's comparisons, their options and answers, and the result.

Every queryset starts from the requesting user's own comparisons, so another user's objects
answer 404, never 403: their existence is not disclosed.
"""

from django.db import transaction
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status, viewsets
from rest_framework.response import Response

from careers.api.fields import SlugChoiceField
from careers.models import Answer, CareerPath, Comparison, Option, WeightOverride
from careers.models.comparisons import ANSWER_NOTE_MAX_LENGTH, NOTES_MAX_LENGTH
from careers.scoring import SCORING_VERSION, stored_answer_value
from careers.selectors import comparisons as selectors
from careers.services import comparisons as services

MONEY = {"max_digits": 12, "decimal_places": 2, "min_value": 0, "max_value": 100_000_000}


@extend_schema_field(
    {
        "oneOf": [
            {"type": "integer", "minimum": 0, "maximum": 1000},
            {"type": "string", "enum": ["yes", "no", "unknown"]},
        ],
        "description": "1-5 for a scale, a count (0-1000), yes or no, or unknown.",
    }
)
class AnswerValueField(serializers.Field):
    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | str):
            raise serializers.ValidationError('Give a number, "yes", "no" or "unknown".')
        return data

    def to_representation(self, value):
        return stored_answer_value(value)


class AnswerSerializer(serializers.ModelSerializer):
    criterion = serializers.CharField(source="criterion.key", max_length=60)
    value = AnswerValueField()
    note = serializers.CharField(
        required=False, allow_blank=True, max_length=ANSWER_NOTE_MAX_LENGTH, default=""
    )
    source = serializers.CharField(required=False, allow_blank=True, max_length=120, default="")
    told_on = serializers.DateField(required=False, allow_null=True, default=None)
    confirmed_in_writing = serializers.BooleanField(required=False, default=False)

    class Meta:
        model = Answer
        fields = ["criterion", "value", "note", "source", "told_on", "confirmed_in_writing"]


class OptionSerializer(serializers.ModelSerializer):
    path = SlugChoiceField(
        slug_field="slug",
        queryset=CareerPath.objects.published(),
        help_text="industry-team, research-lab, phd or startup.",
    )
    base_salary = serializers.DecimalField(required=False, allow_null=True, **MONEY)
    bonus = serializers.DecimalField(required=False, allow_null=True, **MONEY)
    equity_per_year = serializers.DecimalField(required=False, allow_null=True, **MONEY)
    stipend = serializers.DecimalField(required=False, allow_null=True, **MONEY)
    currency = serializers.RegexField(r"^[A-Z]{3}$", required=False, max_length=3)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=NOTES_MAX_LENGTH)
    answers = AnswerSerializer(many=True, read_only=True)

    class Meta:
        model = Option
        fields = ["id", *services.OPTION_FIELDS, "answers"]


class ComparisonSerializer(serializers.ModelSerializer):
    notes = serializers.CharField(required=False, allow_blank=True, max_length=NOTES_MAX_LENGTH)
    options = OptionSerializer(many=True, read_only=True)
    weights = serializers.DictField(
        child=serializers.IntegerField(min_value=0, max_value=100, allow_null=True),
        required=False,
        help_text="Per-comparison weights by criterion key (0-100); null restores the default.",
    )

    class Meta:
        model = Comparison
        fields = [
            "id",
            "title",
            "notes",
            "decision_deadline",
            "created_at",
            "updated_at",
            "options",
            "weights",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["weights"] = {o.criterion.key: o.weight for o in instance.weight_overrides.all()}
        return data


class CitationResultSerializer(serializers.Serializer):
    source = serializers.CharField()
    span = serializers.CharField(allow_blank=True)
    url = serializers.CharField(allow_blank=True)
    licence = serializers.CharField()


class RedFlagResultSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    criterion = serializers.CharField()
    severity = serializers.CharField()
    explanation = serializers.CharField()
    citation = CitationResultSerializer()


class QuestionResultSerializer(serializers.Serializer):
    criterion = serializers.CharField()
    category = serializers.CharField()
    question = serializers.CharField()
    weight = serializers.IntegerField()


class OptionResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField()
    score = serializers.FloatField()
    score_min = serializers.FloatField()
    score_max = serializers.FloatField()
    people_score = serializers.FloatField(allow_null=True)
    people_score_min = serializers.FloatField(allow_null=True)
    people_score_max = serializers.FloatField(allow_null=True)
    confidence = serializers.FloatField(help_text="Share of the option's weight answered, 0-1.")
    red_flags = RedFlagResultSerializer(many=True)
    questions_to_ask = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_questions_to_ask(self, obj) -> list[str]:
        return [question.question for question in obj.questions_to_ask]


class DecisiveUnknownSerializer(serializers.Serializer):
    option = serializers.IntegerField()
    criterion = serializers.CharField()
    question = serializers.CharField()
    swing = serializers.FloatField(help_text="Points this unknown can move the gap.")


class FlipAnalysisSerializer(serializers.Serializer):
    leader = serializers.IntegerField()
    runner_up = serializers.IntegerField()
    gap = serializers.FloatField()
    could_flip = serializers.BooleanField()
    decisive_unknowns = DecisiveUnknownSerializer(many=True)


class ComparisonResultSerializer(serializers.Serializer):
    scoring_version = serializers.CharField()
    options = OptionResultSerializer(many=True)
    ranking = serializers.ListField(child=serializers.IntegerField(), help_text="Best first.")
    could_flip = serializers.BooleanField(
        help_text="Whether resolving the unknowns could swap the top two options."
    )
    flip_analysis = FlipAnalysisSerializer(allow_null=True)
    weights = serializers.DictField(child=serializers.IntegerField())
    people_share = serializers.FloatField()
    content_versions = serializers.DictField(
        child=serializers.DictField(child=serializers.IntegerField()),
        read_only=True,
        help_text="The published version of each criterion and red-flag rule the score used: "
        '{"criteria": {key: version}, "red_flags": {key: version}}.',
    )


class ComparisonViewSet(viewsets.ModelViewSet):
    serializer_class = ComparisonSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Comparison.objects.none()
        options = Option.objects.select_related("path").prefetch_related(
            Prefetch("answers", queryset=Answer.objects.select_related("criterion"))
        )
        return (
            Comparison.objects.filter(owner=self.request.user)
            .prefetch_related(
                Prefetch("options", queryset=options),
                Prefetch(
                    "weight_overrides",
                    queryset=WeightOverride.objects.select_related("criterion"),
                ),
            )
            .order_by("-updated_at", "-id")
        )

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

    @extend_schema(responses=ComparisonResultSerializer)
    def result(self, request, pk=None):
        comparison = get_object_or_404(Comparison, pk=pk, owner=request.user)
        view = services.comparison_result_store(comparison=comparison)
        payload = {
            "scoring_version": SCORING_VERSION,
            "options": view.score.options,
            "ranking": view.score.ranking,
            "could_flip": view.score.could_flip,
            "flip_analysis": view.score.flip_analysis,
            "weights": view.weights,
            "people_share": view.people_share,
            "content_versions": view.content_versions,
        }
        return Response(ComparisonResultSerializer(payload).data)


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
