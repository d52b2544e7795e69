from django.core.management.base import BaseCommand, CommandError

from careers.comparisons.checkin_delivery import CHUNK_SIZE, EnqueueFailed, checkin_resend
from careers.comparisons.decision_models import DecisionCheckin
from careers.comparisons.tasks import enqueue_checkin_chunk

Status = DecisionCheckin.Status

# Why a check-in in each status is not resent, for the operator who asked.
NOT_RESENT = {
    Status.SCHEDULED: "it is not due yet",
    Status.PENDING: "it is waiting to be sent already",
    Status.SENDING: "a worker is sending it right now (less than 30 minutes in sending)",
    Status.SENT: "it was sent",
    Status.CANCELLED: "it was cancelled",
}


class Command(BaseCommand):
    help = (
        "Send failed or stuck check-in emails again: each goes back to pending and to the "
        "Celery workers. A stuck email may have reached its owner: check the mail server's "
        "log for the address first. Exits non-zero if any of them was not resent."
    )

    def add_arguments(self, parser):
        parser.add_argument("checkin_ids", nargs="+", type=int, metavar="id")

    def handle(self, *args, checkin_ids: list[int], **options):
        wanted = list(dict.fromkeys(checkin_ids))
        resent = []
        for checkin_id in wanted:
            if checkin_resend(checkin_id=checkin_id):
                resent.append(checkin_id)
                self.stdout.write(f"Check-in {checkin_id}: back to pending, to be sent again.")
            else:
                self.stdout.write(f"Check-in {checkin_id}: not resent, {_why_not(checkin_id)}.")
        for start in range(0, len(resent), CHUNK_SIZE):
            try:
                enqueue_checkin_chunk(resent[start : start + CHUNK_SIZE])
            except EnqueueFailed as error:
                # Pending and handed to nobody: the requeue sweep enqueues them.
                raise CommandError(
                    f"The Celery broker did not take the check-ins ({error}). They stay "
                    "pending; the requeue sweep enqueues them once the broker is back."
                ) from error
        if resent:
            self.stdout.write(
                self.style.SUCCESS(f"Handed {len(resent)} to the Celery workers to send.")
            )
        if len(resent) < len(wanted):
            raise CommandError(f"{len(wanted) - len(resent)} of {len(wanted)} not resent.")


def _why_not(checkin_id: int) -> str:
    row = (
        DecisionCheckin.objects.filter(pk=checkin_id)
        .values_list("status", "decision__chosen_option")
        .first()
    )
    if row is None:
        return "there is no such check-in"
    status, chosen_option = row
    if chosen_option is None:
        return 'its decision is now "none of them": there is nothing to check in on'
    return NOT_RESENT.get(status, f"it is {status}")
