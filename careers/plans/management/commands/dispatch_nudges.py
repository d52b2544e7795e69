from datetime import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from careers.plans.nudges import DispatchReport, nudges_deliver, nudges_dispatch
from careers.plans.tasks import enqueue_delivery_chunk


def _instant(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise CommandError(
            f"--now {value!r} is not an ISO 8601 time (e.g. 2026-11-28T09:00:00+00:00)."
        ) from None
    if timezone.is_naive(moment):
        raise CommandError("--now needs a UTC offset, e.g. 2026-11-28T09:00:00+00:00 or ...Z.")
    return moment


class Command(BaseCommand):
    help = "Run one nudge dispatch pass: claim the plans that are due and send their emails."

    def add_arguments(self, parser):
        parser.add_argument(
            "--sync",
            action="store_true",
            help="Deliver inline in this process instead of enqueueing for a Celery worker.",
        )
        parser.add_argument(
            "--now",
            type=_instant,
            help="Dispatch as if it were this ISO 8601 time (with an offset).",
        )

    def handle(self, *args, sync: bool, now: datetime | None, **options):
        report = nudges_dispatch(now=now, enqueue=None if sync else enqueue_delivery_chunk)
        self.stdout.write(_dispatch_summary(report))
        if report.requeued:
            self.stdout.write(
                f"{_count(report.requeued, 'earlier email was', 'earlier emails were')} "
                "still waiting (their task was lost): sending again."
            )
        if report.enqueue_error:
            # Exit non-zero: what was claimed is committed and pending, not lost.
            raise CommandError(
                f"The Celery broker did not take the emails ({report.enqueue_error}). "
                f"{_count(report.unqueued, 'email stays', 'emails stay')} pending; the "
                f"requeue sweep (every {settings.NUDGE_REQUEUE_MINUTES} minutes, and at the "
                "end of every dispatch) enqueues them once the broker is back."
            )
        if not report.chunks:
            return
        batches = _count(len(report.chunks), "batch", "batches")
        if not sync:
            self.stdout.write(f"Handed to the Celery workers to send, in {batches}.")
            return
        self.stdout.write(f"Sending here, in {batches}.")
        totals: dict[str, int] = {}
        for number, chunk in enumerate(report.chunks, start=1):
            outcomes, _ = nudges_deliver(delivery_ids=chunk)
            for outcome, count in outcomes.items():
                totals[outcome] = totals.get(outcome, 0) + count
            self.stdout.write(f"  Batch {number} of {len(report.chunks)}: {_outcomes(outcomes)}.")
        self.stdout.write(self.style.SUCCESS(f"Done: {_outcomes(totals)}."))


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


# What each outcome of nudges_deliver means, in the order a reader wants them.
OUTCOME_WORDS = {
    "sent": "sent",
    "retry": "to be tried again later",
    "failed": "failed for good",
    "cancelled": "not needed any more (a break began, or the week was logged)",
    "taken": "already sent or being sent by another worker",
}
_RANK = {outcome: rank for rank, outcome in enumerate(OUTCOME_WORDS)}


def _outcomes(outcomes: dict[str, int]) -> str:
    parts = [
        f"{_count(outcomes[outcome], 'email', 'emails')} {OUTCOME_WORDS.get(outcome, outcome)}"
        for outcome in sorted(outcomes, key=lambda o: (_RANK.get(o, len(_RANK)), o))
        if outcomes[outcome]
    ]
    return ", ".join(parts) or "nothing to send"


def _dispatch_summary(report: DispatchReport) -> str:
    if not report.claimed:
        return "No plan was due a nudge: nothing to send."
    summary = (
        f"{_count(report.claimed, 'plan was', 'plans were')} due a nudge: "
        f"{_count(report.created, 'email', 'emails')} to send"
    )
    # A plan whose email for the week exists already (re-enabled within the week) gets none,
    # nor one whose week is logged before its second reminder.
    already = report.claimed - report.created
    if already > 0:
        summary += (
            f", and {_count(already, 'plan', 'plans')} already had this week's email or "
            "needed none (the week logged before its reminder)"
        )
    return summary + "."
