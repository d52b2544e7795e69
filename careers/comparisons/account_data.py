"""A user's comparisons in their account export, and what deleting the account removes of
them (registered from ``ComparisonsConfig.ready``): every comparison with its options,
answers, weights and share link, the decision recorded on it with its check-ins, and the
second opinions of the people invited to rate it.

Left out: the share link's and the raters' tokens (live secrets: whoever holds the file
could open the page, so the file says only whether each link works), and the stored result,
which is worked out again from the inputs the file holds.
"""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Prefetch

from careers.comparisons.decision_models import (
    Decision,
    DecisionCheckin,
    Rater,
    RaterAnswer,
    UserCheckinSettings,
)
from careers.comparisons.decisions import DECISION_FIELDS
from careers.comparisons.models import (
    OPTION_FIELDS,
    Answer,
    Comparison,
    ComparisonResult,
    Option,
    WeightOverride,
)
from careers.core.account_data import (
    AccountDataSection,
    Counted,
    account_data_exclude,
    account_data_register,
    counted,
)

# What the file holds of a decision: every field the owner set, and what it rests on.
DECISION_EXPORT_FIELDS = (
    *DECISION_FIELDS,
    "chosen_label",
    "created_at",
    "updated_at",
    "basis",
)
# A check-in's email state as the user would want to know it, and their answers. The send
# machinery's own columns (claim, attempts, errors) say nothing about the user.
CHECKIN_FIELDS = (
    "months",
    "due_at",
    "status",
    "sent_at",
    "team_as_told",
    "manager_as_expected",
    "people",
    "learning",
    "same_again",
    "note",
    "answered_at",
)


def _values(row: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(row, name) for name in fields}


def _option(option: Option) -> dict[str, Any]:
    data = {"id": option.pk, **_values(option, OPTION_FIELDS), "created_at": option.created_at}
    data["path"] = option.path.slug
    data["answers"] = [
        {
            "criterion": answer.criterion.key,
            "value": answer.value,
            "note": answer.note,
            "source": answer.source,
            "told_on": answer.told_on,
            "confirmed_in_writing": answer.confirmed_in_writing,
            "updated_at": answer.updated_at,
        }
        for answer in option.answers.all()
    ]
    return data


def _decision(comparison: Comparison) -> dict[str, Any] | None:
    try:
        decision = comparison.decision
    except Decision.DoesNotExist:
        return None
    return {
        **_values(decision, DECISION_EXPORT_FIELDS),
        "checkins": [_values(checkin, CHECKIN_FIELDS) for checkin in decision.checkins.all()],
    }


def _rater(rater: Rater) -> dict[str, Any]:
    return {
        "name": rater.name,
        "link_active": rater.active,
        "counts_in_score": rater.counts_in_score,
        "created_at": rater.created_at,
        "revoked_at": rater.revoked_at,
        "submitted_at": rater.submitted_at,
        "answers": [
            {
                "option": answer.option_id,
                "criterion": answer.criterion.key,
                "value": answer.value,
                "updated_at": answer.updated_at,
            }
            for answer in rater.answers.all()
        ],
    }


def _comparison(comparison: Comparison) -> dict[str, Any]:
    return {
        "id": comparison.pk,
        "title": comparison.title,
        "notes": comparison.notes,
        "decision_deadline": comparison.decision_deadline,
        "currency": comparison.currency,
        "created_at": comparison.created_at,
        "updated_at": comparison.updated_at,
        "share_link": {
            "active": bool(comparison.share_token),
            "includes_private": comparison.share_includes_private,
        },
        "options": [_option(option) for option in comparison.options.all()],
        "weights": [
            {"criterion": weight.criterion.key, "weight": weight.weight}
            for weight in comparison.weight_overrides.all()
        ],
        "decision": _decision(comparison),
        "raters": [_rater(rater) for rater in comparison.raters.all()],
    }


def _export(user: AbstractBaseUser) -> dict[str, Any]:
    # One query per kind of row, however many comparisons the user has.
    comparisons = (
        Comparison.objects.filter(owner=user)
        .select_related("decision")
        .prefetch_related(
            Prefetch(
                "options",
                Option.objects.select_related("path").prefetch_related(
                    Prefetch("answers", Answer.objects.select_related("criterion").order_by("pk"))
                ),
            ),
            Prefetch(
                "weight_overrides",
                WeightOverride.objects.select_related("criterion").order_by("pk"),
            ),
            "decision__checkins",
            Prefetch(
                "raters",
                Rater.objects.prefetch_related(
                    Prefetch(
                        "answers", RaterAnswer.objects.select_related("criterion").order_by("pk")
                    )
                ),
            ),
        )
        .order_by("created_at", "pk")
    )
    settings_row = UserCheckinSettings.objects.filter(user=user).first()
    return {
        "comparisons": [_comparison(comparison) for comparison in comparisons],
        "checkin_emails": (
            {"enabled": settings_row.emails_enabled, "updated_at": settings_row.updated_at}
            if settings_row
            else None
        ),
    }


def _describe(user: AbstractBaseUser) -> list[Counted]:
    owned = {"comparison__owner": user}
    return [
        counted(Comparison.objects.filter(owner=user).count(), "comparison"),
        counted(Option.objects.filter(**owned).count(), "option"),
        counted(Answer.objects.filter(option__comparison__owner=user).count(), "answer"),
        counted(
            WeightOverride.objects.filter(**owned).count(), "weight you set", "weights you set"
        ),
        counted(
            Comparison.objects.filter(owner=user, share_token__isnull=False).count(), "share link"
        ),
        counted(Decision.objects.filter(**owned).count(), "recorded decision"),
        counted(
            DecisionCheckin.objects.filter(decision__comparison__owner=user).count(),
            "check-in (sent or still to come)",
            "check-ins (sent or still to come)",
        ),
        counted(Rater.objects.filter(**owned).count(), "second-opinion link"),
        counted(
            RaterAnswer.objects.filter(rater__comparison__owner=user).count(),
            "second-opinion rating",
        ),
    ]


def account_data_register_comparisons() -> None:
    account_data_register(
        AccountDataSection(
            name="comparisons",
            title="Your comparisons and decisions",
            summary="every comparison with its options, answers, notes, weights and share "
            "link, the decisions you recorded with what they were based on and your check-in "
            "answers, and the people you asked for a second opinion with their ratings",
            models=(
                Comparison,
                Option,
                Answer,
                WeightOverride,
                Decision,
                DecisionCheckin,
                Rater,
                RaterAnswer,
                UserCheckinSettings,
            ),
            export=_export,
            describe=_describe,
        )
    )
    account_data_exclude(
        ComparisonResult,
        reason="the stored score of a comparison, worked out again from the exported inputs "
        "(a decision keeps the result it was based on in its basis)",
    )
