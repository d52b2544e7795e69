"""The knowledge base's periodic task: beat runs it (``advisor/celery.py``)."""

from celery import shared_task

from careers.content.feedback import advice_shown_flush


@shared_task
def advice_shown_flush_batch() -> int:
    """Write the advice "shown" counts that page views left in the cache (see
    ``careers.content.feedback``); answers how many were written."""
    return advice_shown_flush()
