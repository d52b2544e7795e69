"""How the content API shows published content: citations and links as slugs and keys."""

from rest_framework import serializers

from careers.content.models import AdviceItem, CareerPath, Criterion, Goal, RedFlagRule
from careers.content.snapshots import spec_for


class CitationSerializer(serializers.Serializer):
    source = serializers.CharField()
    span = serializers.CharField(allow_blank=True, help_text="mm:ss-mm:ss inside the interview.")
    url = serializers.CharField(allow_blank=True)
    licence = serializers.CharField()


class GoalSerializer(serializers.ModelSerializer):
    requires_path = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)

    class Meta:
        model = Goal
        fields = ["slug", "name", "description", "requires_path"]


class CareerPathSerializer(serializers.ModelSerializer):
    typical_questions = serializers.ListField(
        source="typical_question_list", child=serializers.CharField(), read_only=True
    )
    goals = GoalSerializer(many=True, read_only=True)
    citation = CitationSerializer(read_only=True)

    class Meta:
        model = CareerPath
        fields = [
            "slug",
            "name",
            "summary",
            "what_to_look_for",
            "typical_questions",
            "goals",
            "citation",
        ]


class CriterionSerializer(serializers.ModelSerializer):
    paths = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    citation = CitationSerializer(read_only=True)

    class Meta:
        model = Criterion
        fields = ["key", *spec_for(Criterion).fields, "paths", "citation"]


class RedFlagConditionSerializer(serializers.Serializer):
    operator = serializers.ChoiceField(choices=RedFlagRule.Operator.choices)
    value = serializers.CharField(allow_blank=True)
    text = serializers.CharField(source="condition_text")


class RedFlagSerializer(serializers.ModelSerializer):
    criterion = serializers.SlugRelatedField(slug_field="key", read_only=True)
    condition = RedFlagConditionSerializer(source="*", read_only=True)
    citation = CitationSerializer(read_only=True)

    class Meta:
        model = RedFlagRule
        fields = ["key", "title", "criterion", "condition", "severity", "explanation", "citation"]


class AdviceItemSerializer(serializers.ModelSerializer):
    paths = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    tags = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    citation = CitationSerializer(read_only=True)

    class Meta:
        model = AdviceItem
        fields = ["slug", "title", "body", "paths", "tags", "citation"]
