from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from careers.plans.nudges import nudges_deliver, nudges_dispatch
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
        self.stdout.write(
            f"Claimed {report.claimed} due plan(s), created {report.created} delivery(ies) "
            f"in {len(report.chunks)} chunk(s)."
        )
        if not sync:
            self.stdout.write("Chunks enqueued for the Celery workers.")
            return
        totals: dict[str, int] = {}
        for number, chunk in enumerate(report.chunks, start=1):
            outcomes, _ = nudges_deliver(delivery_ids=chunk)
            for outcome, count in outcomes.items():
                totals[outcome] = totals.get(outcome, 0) + count
            self.stdout.write(f"  chunk {number}/{len(report.chunks)}: {outcomes}")
        summary = ", ".join(f"{count} {outcome}" for outcome, count in sorted(totals.items()))
        self.stdout.write(self.style.SUCCESS(f"Delivered: {summary or 'nothing due'}."))
