"""Where the knowledge base's previews show red flags in this app: under an option of a
comparison result, as scoring raises them (registered from ``ComparisonsConfig.ready``)."""

from __future__ import annotations

from django.db import models
from django.http import HttpRequest
from django.template.loader import render_to_string

from careers.comparisons.results import rule_spec
from careers.comparisons.scoring import rule_flag
from careers.content.models import RedFlagRule
from careers.content.preview import PreviewPlace, preview_place_register


def _result(item: models.Model, request: HttpRequest) -> PreviewPlace:
    rule = RedFlagRule.objects.select_related("criterion").get(pk=item.pk)
    raised = rule_flag(rule_spec(rule))
    context = {"flag": raised, "rule": rule, "criterion": rule.criterion}
    return PreviewPlace(
        "comparison",
        "In a comparison result",
        render_to_string("comparisons/places/result.html", context, request),
    )


def previews_register() -> None:
    preview_place_register(RedFlagRule, _result)
