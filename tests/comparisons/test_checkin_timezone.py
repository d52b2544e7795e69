"""A user who moves: the check-ins not sent yet follow their new time zone, keeping the
weekday and local hour they chose; those already out keep the time they went out at. And
the switch for check-in emails takes only an explicit on or off."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.urls import reverse

from careers.accounts.services import profile_get_or_create, profile_update
from careers.comparisons.decision_models import DecisionCheckin, UserCheckinSettings
from careers.comparisons.decisions import decision_save
from tests.factories import ComparisonFactory, OptionFactory

Status = DecisionCheckin.Status
START = date(2027, 1, 4)


@pytest.fixture(autouse=True)
def december():
    # Before every check-in is due, whenever the suite runs.
    with time_machine.travel(datetime(2026, 12, 4, 12, tzinfo=UTC), tick=False):
        yield


@pytest.fixture
def decision(seeded, alice):
    profile_update(profile=profile_get_or_create(user=alice), timezone="Europe/London")
    comparison = ComparisonFactory(owner=alice)
    chosen = OptionFactory(comparison=comparison, organisation="Alpha")
    OptionFactory(comparison=comparison, organisation="Beta")
    return decision_save(
        comparison=comparison,
        chosen_option=chosen.pk,
        decided_on=date(2026, 12, 1),
        start_date=START,
        confidence=60,
        checkin_weekday=0,
        checkin_hour=9,
    )


def due(decision) -> dict[int, datetime]:
    return dict(decision.checkins.values_list("months", "due_at"))


def test_it_moves_unsent_check_ins_to_the_new_time_zone(decision, alice):
    # Monday 2027-02-08 at 09:00 in London (GMT) is 09:00 UTC.
    assert due(decision)[1] == datetime(2027, 2, 8, 9, tzinfo=UTC)
    DecisionCheckin.objects.filter(decision=decision, months=1).update(
        status=Status.SENT, enqueued_at=datetime(2027, 2, 8, 9, tzinfo=UTC)
    )
    profile_update(profile=alice.profile, timezone="America/New_York")
    after = due(decision)
    assert after[1] == datetime(2027, 2, 8, 9, tzinfo=UTC), "the one sent stays as it went"
    # Monday 2027-04-05 at 09:00 in New York (EDT, UTC-4).
    assert after[3] == datetime(2027, 4, 5, 13, tzinfo=UTC)


@pytest.mark.parametrize("posted", [{}, {"enabled": "maybe"}, {"enabled": ""}])
def test_it_refuses_a_switch_that_says_neither_on_nor_off(client, alice, posted):
    client.force_login(alice)
    response = client.post(reverse("comparisons:checkin_emails_switch"), posted)
    assert response.status_code == 400
    assert not UserCheckinSettings.objects.filter(user=alice, emails_enabled=False).exists()
