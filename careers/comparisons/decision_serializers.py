"""How the API and the exports show a decision and its check-ins."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from careers.comparisons.checkins import decision_checkins, decision_editable
from careers.comparisons.decision_models import Decision, DecisionCheckin
from careers.comparisons.models import KEY_PATTERN


class DecisionCheckinSerializer(serializers.ModelSerializer):
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
            "chosen_option",
            "chosen_label",
            "decided_on",
            "start_date",
            "confidence",
            "expectations",
            "change_my_mind",
            "premortem",
            "backup_plan",
            "accepted_unknowns",
            "checkin_weekday",
            "checkin_hour",
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
