"""How the API shows a comparison, its options and answers, and its result. The JSON export
uses the same representation, so a download and the API never disagree."""

from dataclasses import asdict
from decimal import Decimal
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from careers.comparisons.models import (
    COUNT_MAX,
    KEY_PATTERN,
    OPTION_FIELDS,
    UNKNOWN,
    Answer,
    Comparison,
    Option,
    WeightOverride,
)
from careers.comparisons.money import rate_table
from careers.comparisons.pay import schedule_as_json
from careers.comparisons.results import ComparisonResultView
from careers.comparisons.scoring import (
    KIND_RANGE,
    KIND_UNKNOWN,
    REASON_RED_FLAG,
    REASON_UNKNOWN,
    stored_answer_value,
)
from careers.content.models import CareerPath, Criterion
from careers.core.api import SlugChoiceField
from careers.core.forms import model_bounds
from careers.core.schema import RefinedSerializerSchema

# Which criteria there are, and the answer type of each, is content reviewers publish: the
# schema names a criterion by a key of this shape and, for an answer, a format per answer
# type (`scale-criterion-key`...), whose values GET /api/criteria/ lists with their type.
CRITERION_KEY = f"^{KEY_PATTERN.pattern}$"
ANSWER_VALUES: dict[str, tuple[str, dict[str, Any]]] = {
    Criterion.AnswerType.SCALE.value: (
        "1 (worst) to 5 (best), or unknown",
        {"anyOf": [{"type": "integer", "minimum": 1, "maximum": 5}, {"enum": [UNKNOWN]}]},
    ),
    Criterion.AnswerType.YES_NO.value: (
        "yes (the favourable answer), no, or unknown",
        {"anyOf": [{"type": "string", "enum": ["yes", "no"]}, {"enum": [UNKNOWN]}]},
    ),
    Criterion.AnswerType.COUNT.value: (
        f"a count from 0 to {COUNT_MAX}, or unknown",
        {"anyOf": [{"type": "integer", "minimum": 0, "maximum": COUNT_MAX}, {"enum": [UNKNOWN]}]},
    ),
}


def criterion_key_format(answer_type: str) -> str:
    """``yes-no-criterion-key``: the format of the key of a criterion of that answer type."""
    return f"{answer_type.replace('_', '-')}-criterion-key"


@extend_schema_field(
    {
        "oneOf": [
            {"type": "integer", "minimum": 0, "maximum": COUNT_MAX},
            {"type": "string", "enum": ["yes", "no", "unknown"]},
        ],
        "description": f"1-5 for a scale, a count (0-{COUNT_MAX}), yes or no, or unknown.",
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

    class Meta:
        model = Answer
        # Lengths and types come from the model; a field left out is stored empty.
        fields = ["criterion", "value", "note", "source", "told_on", "confirmed_in_writing"]


class OptionSerializer(serializers.ModelSerializer):
    path = SlugChoiceField(
        slug_field="slug",
        queryset=CareerPath.objects.published(),
        help_text="The slug of a published career path (GET /api/paths/ lists them): "
        "industry-team, research-lab, phd or startup.",
    )
    answers = AnswerSerializer(many=True, read_only=True)
    vesting_custom = serializers.ListField(
        child=serializers.DecimalField(
            max_digits=5, decimal_places=2, min_value=Decimal(0), max_value=Decimal(100)
        ),
        min_length=4,
        max_length=4,
        allow_null=True,
        required=False,
        help_text='Four yearly percentages that add up to 100, for vesting "custom".',
    )

    class Meta:
        # Money bounds, lengths and the currency's form come from the model, as the web
        # form's do.
        model = Option
        fields = ["id", *OPTION_FIELDS, "answers"]

    def validate_vesting_custom(self, value):
        return None if value is None else schedule_as_json(value)


class ComparisonSerializer(serializers.ModelSerializer):
    options = OptionSerializer(many=True, read_only=True)
    currency = serializers.ChoiceField(
        choices=["", *sorted(rate_table().currencies)],
        allow_blank=True,
        required=False,
        help_text="The currency every option's pay is converted to (one the bundled exchange "
        'rates know); "" for the first option\'s.',
    )
    weights = serializers.DictField(
        child=serializers.IntegerField(allow_null=True, **model_bounds(WeightOverride, "weight")),
        required=False,
        help_text="Per-comparison weights by criterion key (0-100); null restores the default. "
        "Each key is a published criterion's (GET /api/criteria/ lists them); any other is "
        "refused.",
    )

    class Meta:
        model = Comparison
        fields = [
            "id",
            "title",
            "notes",
            "decision_deadline",
            "currency",
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


class AnswerSchema(RefinedSerializerSchema):
    """An answer as a request sends it: a criterion's key, and a value of the form that
    criterion's answer type takes, one branch of ``anyOf`` per type."""

    target_class = AnswerSerializer

    def refine(self, schema: dict[str, Any], direction: str) -> None:
        if direction != "request":
            return
        schema["properties"]["criterion"].update(
            pattern=CRITERION_KEY,
            description="The key of a published criterion asked on this option's path (GET "
            "/api/criteria/ lists each one's paths and answer_type), at most once in a list.",
        )
        schema["anyOf"] = [
            {
                "title": f"{answer_type} criterion",
                "description": f"A criterion whose answer_type is {answer_type}: {values}.",
                "properties": {
                    "criterion": {"format": criterion_key_format(answer_type)},
                    "value": value,
                },
            }
            for answer_type, (values, value) in ANSWER_VALUES.items()
        ]


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


ASK_WHOM_HELP = (
    "Who is best placed to answer: "
    + ", ".join(value for value, _ in Criterion.AskWhom.choices)
    + ', or "" when the criterion does not say.'
)


class QuestionToAskSerializer(serializers.Serializer):
    criterion = serializers.CharField()
    category = serializers.CharField()
    question = serializers.CharField()
    weight = serializers.IntegerField()
    reason = serializers.ChoiceField(
        choices=[REASON_RED_FLAG, REASON_UNKNOWN],
        help_text='"red_flag": the answer raised a red flag, resolve it before signing; '
        '"unknown": the answer is not known yet.',
    )
    red_flag = serializers.CharField(
        allow_null=True, help_text="The red flag's key when the reason is red_flag, else null."
    )
    ask_whom = serializers.CharField(allow_blank=True, help_text=ASK_WHOM_HELP)


class PaySpreadSerializer(serializers.Serializer):
    low = serializers.DecimalField(max_digits=20, decimal_places=2)
    expected = serializers.DecimalField(max_digits=20, decimal_places=2)
    high = serializers.DecimalField(max_digits=20, decimal_places=2)


class PayYearSerializer(PaySpreadSerializer):
    year = serializers.IntegerField(min_value=1, max_value=4)
    cash = serializers.DecimalField(
        max_digits=20, decimal_places=2, help_text="The year's expected cash."
    )
    equity = serializers.DecimalField(
        max_digits=20, decimal_places=2, help_text="The year's expected equity."
    )
    living_cost = serializers.DecimalField(
        max_digits=20, decimal_places=2, allow_null=True, help_text="The year's living cost."
    )


class CompensationSerializer(serializers.Serializer):
    currency = serializers.CharField(help_text="The comparison's currency: every figure is in it.")
    original_currency = serializers.CharField(help_text="The currency the offer was entered in.")
    rate = serializers.CharField(
        allow_null=True, help_text="Units of currency per unit of original_currency."
    )
    rate_date = serializers.DateField(allow_null=True, help_text="The date of the rate used.")
    rate_source = serializers.CharField(allow_null=True)
    is_stipend = serializers.BooleanField(help_text="A PhD stipend, not a salary.")
    years = PayYearSerializer(many=True, help_text="The first four years, low-expected-high.")
    first_year = PaySpreadSerializer(allow_null=True)
    four_year = PaySpreadSerializer(allow_null=True)
    four_year_after_living_costs = PaySpreadSerializer(allow_null=True)
    assumptions = serializers.ListField(child=serializers.CharField())


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
    questions_to_ask = QuestionToAskSerializer(
        many=True,
        help_text="What to ask before deciding: the answers that raised a red flag first "
        "(resolve them before signing), then the unknowns, each group people first; each "
        "with why it is asked (reason, and the red flag's key) and whom to ask.",
    )
    compensation = CompensationSerializer(
        allow_null=True,
        help_text="What the option pays over its first four years, in the comparison's "
        "currency; null when no pay was entered.",
    )


class DecisiveUnknownSerializer(serializers.Serializer):
    option = serializers.IntegerField()
    criterion = serializers.CharField()
    question = serializers.CharField()
    swing = serializers.FloatField(help_text="Points this unknown can move the gap.")
    ask_whom = serializers.CharField(allow_blank=True, help_text=ASK_WHOM_HELP)
    kind = serializers.ChoiceField(
        choices=[KIND_UNKNOWN, KIND_RANGE],
        help_text='"unknown": an answer not known yet, question is what to ask; "range": one '
        "end of a computed answer's range (pay), question says which end.",
    )


class FlipAnalysisSerializer(serializers.Serializer):
    leader = serializers.IntegerField()
    runner_up = serializers.IntegerField()
    gap = serializers.FloatField()
    could_flip = serializers.BooleanField()
    decisive_unknowns = DecisiveUnknownSerializer(
        many=True,
        help_text="The fewest unknowns, biggest first, that together could close the gap; "
        "empty when the top two cannot swap.",
    )
    ranked_unknowns = DecisiveUnknownSerializer(
        many=True,
        help_text="Every unknown of the top two options, ranked by how far it could move "
        "the gap (biggest first), with the option it belongs to and whom to ask.",
    )


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


def comparison_result_data(view: ComparisonResultView) -> dict:
    """A scored comparison as the API's result endpoint shows it."""
    payload = {
        "scoring_version": view.score.scoring_version,
        "options": [
            {**asdict(option), "compensation": view.pays[option.id].as_api()}
            if option.id in view.pays
            else {**asdict(option), "compensation": None}
            for option in view.score.options
        ],
        "ranking": view.score.ranking,
        "could_flip": view.score.could_flip,
        "flip_analysis": view.score.flip_analysis,
        "weights": view.weights,
        "people_share": view.people_share,
        "content_versions": view.content_versions,
    }
    return ComparisonResultSerializer(payload).data
