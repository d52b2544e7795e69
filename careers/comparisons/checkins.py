"""Check-ins months after a decision: when each is due, and the answers that come back.

Each decision with a chosen option and a start date has one row per check-in (1, 3, 6 and
12 months after the start, ``CHECKIN_MONTHS``), due on the owner's chosen weekday and local
hour in their time zone, stored in UTC; the unique (decision, months) row refuses a second
one outright. The decision stays editable until the first of them is claimed for sending.
How the emails go out, at most once each, is ``checkin_delivery``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# python-dateutil comes with Celery; its relativedelta adds calendar months, clamping the
# day to the month's end (31 January + 1 month is 28 or 29 February).
from dateutil.relativedelta import relativedelta
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from careers.comparisons.checkin_emails import decision_timezone
from careers.comparisons.checkin_questions import QUESTIONS_BY_FIELD
from careers.comparisons.decision_models import (
    CHECKIN_MONTHS,
    TEXT_MAX_LENGTH,
    Decision,
    DecisionCheckin,
    UserCheckinSettings,
)

Status = DecisionCheckin.Status
NO_CHOICE = "The decision is now none of the options: nothing to check in on."
NO_START = "The decision has no start date: the check-ins count from it."
OVERTAKEN = "Its time had passed when the decision was recorded; a later check-in asks instead."


# -- When a check-in is due ---------------------------------------------------------------------


def checkin_due_at(*, start_date: date, months: int, weekday: int, hour: int, tz: str) -> datetime:
    """When the check-in ``months`` after ``start_date`` is due, in UTC: that many calendar
    months on (the day clamped to the month's end), then the first ``weekday`` (0 is Monday)
    on or after that day, at ``hour`` local time in the IANA zone ``tz``.

    An hour that does not exist that day (a spring-forward gap) resolves to the first
    instant after the gap; an hour that happens twice (a fall-back) to its first occurrence.
    """
    day = start_date + relativedelta(months=months)
    day += timedelta(days=(weekday - day.weekday()) % 7)
    return _first_instant_at_or_after(datetime.combine(day, time(hour), tzinfo=ZoneInfo(tz)))


def _first_instant_at_or_after(wall: datetime) -> datetime:
    """The first instant, in UTC, whose local time in ``wall``'s zone is ``wall`` or later.

    ``zoneinfo`` reads a wall time in a gap with the offset from before the change (fold=0),
    which lands as far past the change as the time is past the gap's start: 02:30 in a
    one-hour gap becomes 03:30, and in Antarctica/Troll's two-hour gap 02:00 becomes 04:00.
    No library gives the gap's end itself, so it is found here: it lies between that reading
    and the one with the offset after the change (fold=1), and local time only moves
    forward between them, so halving the interval, to the second, finds it.
    """
    zone = wall.tzinfo
    naive = wall.replace(tzinfo=None)
    instant = wall.astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) == naive:
        return instant  # it exists; fold=0 is its first occurrence when there are two
    before = int(wall.replace(fold=1).astimezone(UTC).timestamp())
    after = int(instant.timestamp())
    while after - before > 1:
        middle = (before + after) // 2
        local = datetime.fromtimestamp(middle, UTC).astimezone(zone).replace(tzinfo=None)
        if local >= naive:
            after = middle
        else:
            before = middle
    return datetime.fromtimestamp(after, UTC)


def _never_claimed(row: DecisionCheckin) -> bool:
    """Scheduled, or cancelled before it was ever due: the dispatcher sets ``enqueued_at``
    when it claims a row, so a cancelled row without one was cancelled by the schedule
    (none of the options, or overtaken), never at its send."""
    return row.status == Status.SCHEDULED or (
        row.status == Status.CANCELLED and row.enqueued_at is None
    )


def checkins_schedule(*, decision: Decision, now: datetime | None = None) -> list[DecisionCheckin]:
    """Write the check-ins of ``decision`` as it now stands, and return them all. Idempotent.

    With a chosen option and a start date: one row per ``CHECKIN_MONTHS``, due on the
    decision's check-in weekday and hour in the owner's time zone. Rows the dispatcher has
    never claimed (scheduled, or cancelled by an earlier schedule) are due again at the
    recomputed time; rows it has claimed (pending, sent, failed...) are never touched. A
    start date in the past can make several due at once: only the latest is kept, the
    earlier ones are cancelled, so the owner gets one email about where they are now.
    For "none of them" or no start date, every scheduled row is cancelled.

    The decision's rows are locked first, so a dispatcher claims a row either before this
    (and the send checks the decision again) or after it, at its new time.
    """
    now = now or timezone.now()
    with transaction.atomic():
        rows = {
            row.months: row
            for row in DecisionCheckin.objects.select_for_update().filter(decision=decision)
        }
        if decision.chosen_option is None or decision.start_date is None:
            DecisionCheckin.objects.filter(decision=decision, status=Status.SCHEDULED).update(
                status=Status.CANCELLED,
                last_error=NO_CHOICE if decision.chosen_option is None else NO_START,
            )
            return decision_checkins(decision=decision)
        zone = decision_timezone(decision=decision)
        due = {
            months: checkin_due_at(
                start_date=decision.start_date,
                months=months,
                weekday=decision.checkin_weekday,
                hour=decision.checkin_hour,
                tz=zone,
            )
            for months in CHECKIN_MONTHS
        }
        overtaken = [months for months in CHECKIN_MONTHS if due[months] <= now][:-1]
        new, changed = [], []
        for months in CHECKIN_MONTHS:
            status, error = (
                (Status.CANCELLED, OVERTAKEN) if months in overtaken else (Status.SCHEDULED, "")
            )
            row = rows.get(months)
            if row is None:
                new.append(
                    DecisionCheckin(
                        decision=decision,
                        months=months,
                        due_at=due[months],
                        status=status,
                        last_error=error,
                    )
                )
            elif _never_claimed(row):
                row.due_at, row.status, row.last_error = due[months], status, error
                changed.append(row)
        DecisionCheckin.objects.bulk_create(new)
        DecisionCheckin.objects.bulk_update(changed, ["due_at", "status", "last_error"])
    return decision_checkins(decision=decision)


def decision_editable(*, decision: Decision) -> bool:
    """Whether the decision may still be changed: until the first of its check-ins leaves
    scheduled (claimed to be sent, being sent, sent...). Cancelled ones do not count."""
    return not (
        DecisionCheckin.objects.filter(decision=decision)
        .exclude(status__in=[Status.SCHEDULED, Status.CANCELLED])
        .exists()
    )


# -- Reads and answers --------------------------------------------------------------------------


def decision_checkins(*, decision: Decision) -> list[DecisionCheckin]:
    """The check-ins of a decision, first to last, for its page."""
    return list(DecisionCheckin.objects.filter(decision=decision).order_by("months"))


def checkin_for_link(*, checkin_id: int) -> DecisionCheckin | None:
    """The check-in a signed link names, with its decision and comparison: the link is
    what authorises it, whoever is signed in."""
    return (
        DecisionCheckin.objects.select_related("decision__comparison").filter(pk=checkin_id).first()
    )


def checkin_of_owner(
    *, owner: AbstractBaseUser, comparison_id: int, months: int
) -> DecisionCheckin | None:
    """The owner's check-in ``months`` after the start of their decision on a comparison;
    None for another user's, as for one that does not exist."""
    if months not in CHECKIN_MONTHS:
        return None
    return (
        DecisionCheckin.objects.select_related("decision__comparison")
        .filter(
            decision__comparison__owner=owner,
            decision__comparison_id=comparison_id,
            months=months,
        )
        .first()
    )


def checkin_answerable(*, checkin: DecisionCheckin) -> bool:
    """Whether a check-in takes answers: once its time has come (the dispatcher claimed
    it, so its email went out or was meant to; the owner can answer from the decision's
    page even when the email failed), and while the decision names the option it asks
    about."""
    return checkin.enqueued_at is not None and checkin.decision.chosen_option is not None


def checkin_answers_save(
    *, checkin: DecisionCheckin, answers: Mapping[str, str], note: str | None = None
) -> DecisionCheckin:
    """Record answers to a check-in: ``answers`` maps a question's field to one of its
    ``Choice`` values ("" clears it); fields not named keep their answer, and so does the
    note when ``note`` is None. The first answer sets ``answered_at``.

    Only the named fields are written, so two one-click answers clicked at the same moment
    both stay. Raises ``ValidationError`` for a check-in that takes no answers or an answer
    a question does not have."""
    if not checkin_answerable(checkin=checkin):
        raise ValidationError("This check-in takes no answers.")
    values: dict[str, object] = {}
    for name, value in answers.items():
        question = QUESTIONS_BY_FIELD.get(name)
        if question is None:
            raise ValidationError(f"No such question: {name}.")
        try:
            values[name] = question.stored(value)
        except ValueError:
            raise ValidationError({name: f"Not an answer to this question: {value}."}) from None
    if note is not None:
        if len(note) > TEXT_MAX_LENGTH:
            raise ValidationError({"note": f"Keep the note under {TEXT_MAX_LENGTH} characters."})
        values["note"] = note
    if values:
        DecisionCheckin.objects.filter(pk=checkin.pk).update(**values)
        if any(values[name] != QUESTIONS_BY_FIELD[name].empty for name in answers) or note:
            DecisionCheckin.objects.filter(pk=checkin.pk, answered_at__isnull=True).update(
                answered_at=timezone.now()
            )
    checkin.refresh_from_db()
    return checkin


def checkin_emails_enabled(*, user: AbstractBaseUser) -> bool:
    """The user's switch for check-in emails: on unless they turned it off."""
    return (
        UserCheckinSettings.objects.filter(user=user)
        .values_list("emails_enabled", flat=True)
        .first()
        is not False
    )


def checkin_emails_set(*, user: AbstractBaseUser, enabled: bool) -> UserCheckinSettings:
    """Turn the user's check-in emails on or off (all of their decisions'). Off holds for
    check-ins already claimed too: the send looks at the switch again."""
    row, _ = UserCheckinSettings.objects.update_or_create(
        user=user, defaults={"emails_enabled": enabled}
    )
    return row


def checkins_follow_timezone(*, user: AbstractBaseUser) -> int:
    """Move the check-ins not yet claimed of every decision of ``user`` to their time zone
    as it now is (the weekday and hour stay theirs); return how many decisions were looked
    at. Check-ins already claimed keep the time they went out at."""
    decisions = Decision.objects.filter(
        comparison__owner=user, chosen_option__isnull=False, start_date__isnull=False
    ).select_related("comparison__owner__profile")
    count = 0
    for decision in decisions:
        checkins_schedule(decision=decision)
        count += 1
    return count
