"""What the knowledge base holds of a user in their account export, and what deleting the
account removes of it (registered from ``ContentConfig.ready``): their answers to "was this
helpful?". An editor's work on the knowledge base is the site's, not theirs: it stays when
their account goes, without their name.
"""

from typing import Any

from django.apps import apps
from django.contrib.auth.models import AbstractBaseUser
from simple_history.models import HistoricalChanges

from careers.content.models import AdviceFeedback, ContentRevision
from careers.core.account_data import (
    AccountDataSection,
    Counted,
    account_data_exclude,
    account_data_register,
    counted,
)

EDITORIAL_REASON = (
    "an editor's work on the shared knowledge base: kept when the account goes, the link to "
    "its author set to empty"
)


def _export(user: AbstractBaseUser) -> dict[str, Any]:
    votes = AdviceFeedback.objects.filter(user=user).select_related("advice_item").order_by("pk")
    return {
        "advice_feedback": [
            {
                "advice": vote.advice_item.slug,
                "title": vote.advice_item.title,
                "helpful": vote.helpful,
                "updated_at": vote.updated_at,
            }
            for vote in votes
        ]
    }


def _describe(user: AbstractBaseUser) -> list[Counted]:
    return [
        counted(
            AdviceFeedback.objects.filter(user=user).count(),
            'answer to "was this helpful?"',
            'answers to "was this helpful?"',
        )
    ]


def account_data_register_content() -> None:
    account_data_register(
        AccountDataSection(
            name="content",
            title="Your feedback on advice",
            summary='your answers to "was this helpful?"',
            models=(AdviceFeedback,),
            export=_export,
            describe=_describe,
        )
    )
    account_data_exclude(ContentRevision, reason=EDITORIAL_REASON)
    for model in apps.get_app_config("content").get_models():
        if issubclass(model, HistoricalChanges):
            account_data_exclude(model, reason=EDITORIAL_REASON)
