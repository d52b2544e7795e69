"""How the API and the exports show a decision and its check-ins."""

from datetime import timedelta
from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from careers.comparisons.checkins import decision_checkins, decision_editable
from careers.comparisons.decision_models import Decision, DecisionCheckin, SameAgain
from careers.comparisons.decisions import DECISION_FIELDS, EARLIEST_DECISION
from careers.comparisons.models import KEY_PATTERN
from careers.core.schema import RefinedSerializerSchema, date_window_pattern


class DecisionCheckinSerializer(serializers.ModelSerializer):
    same_again = serializers.ChoiceField(
        choices=SameAgain.choices,
        allow_blank=True,
        read_only=True,
        help_text='"yes", "not_sure" or "no"; empty until answered.',
    )

    class Meta:
        model = DecisionCheckin
        fields = [
            "months",
            "due_at",
            "status",
            "sent_at",
            "answered_at",
            "team_as_told",
            "manager_as_expected",
            "people",
            "learning",
            "same_again",
            "note",
        ]
        read_only_fields = fields


class DecisionSerializer(serializers.ModelSerializer):
    chosen_option = serializers.IntegerField(
        allow_null=True,
        min_value=1,
        max_value=2**63 - 1,
        help_text='The id of the option chosen, or null for "none of them".',
    )
    start_date = serializers.DateField(
        allow_null=True,
        required=False,
        help_text="The expected start date; required with a chosen option (check-ins count "
        'from it), ignored with "none of them".',
    )
    accepted_unknowns = serializers.ListField(
        child=serializers.RegexField(KEY_PATTERN.pattern, max_length=60),
        required=False,
        max_length=100,
        help_text="Criterion keys of the chosen option's unknowns accepted when deciding.",
    )
    editable = serializers.SerializerMethodField(
        help_text="False once the first check-in has gone out: the record then stays as it was."
    )
    checkins = serializers.SerializerMethodField()
    basis = serializers.JSONField(
        read_only=True,
        help_text="The result the decision rests on, frozen when it was recorded: the result "
        "as GET /api/comparisons/{id}/result/ showed it, and per option its label, path, "
        "answers, red flags, unfavourable answers and unknowns.",
    )

    class Meta:
        model = Decision
        fields = [
            *DECISION_FIELDS[:1],
            "chosen_label",
            *DECISION_FIELDS[1:],
            "editable",
            "checkins",
            "basis",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["chosen_label", "created_at", "updated_at"]

    def get_editable(self, decision: Decision) -> bool:
        return decision_editable(decision=decision)

    @extend_schema_field(DecisionCheckinSerializer(many=True))
    def get_checkins(self, decision: Decision) -> list[dict]:
        return DecisionCheckinSerializer(decision_checkins(decision=decision), many=True).data


class DecisionSchema(RefinedSerializerSchema):
    """What ``decisions.decision_save`` refuses, as the schema can say it: the window of the
    decision's date (its end moves a day each day, so it is computed as the schema is
    served), and in words what depends on other fields or on the comparison."""

    target_class = DecisionSerializer

    def refine(self, schema: dict[str, Any], direction: str) -> None:
        if direction != "request":
            return
        fields = schema["properties"]
        latest = timezone.localdate() + timedelta(days=1)
        fields["decided_on"]["pattern"] = date_window_pattern(EARLIEST_DECISION, latest)
        fields["decided_on"]["description"] = (
            f"From {EARLIEST_DECISION.isoformat()} to today, with a day's margin for time "
            f"zones ahead ({latest.isoformat()} as this schema was served)."
        )
        fields["chosen_option"]["description"] = (
            "The id of one of this comparison's options (GET /api/comparisons/{id}/options/),"
            ' or null for "none of them".'
        )
        fields["start_date"]["description"] += (
            " From a year before decided_on to three years after it."
        )
        fields["accepted_unknowns"]["description"] += (
            " Each an unknown of the chosen option in the frozen result (its basis lists "
            "them); empty for none of them."
        )
