"""The admin of learning plans, check-ins and nudge deliveries (deliveries are read-only)."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse

from careers.content.models import LearningTrack
from careers.plans.models import NudgeDelivery
from tests.factories import LearningPlanFactory, WeeklyCheckinFactory

# Wednesday 4 February 2026: the current week starts on Monday 2 February.
NOW = datetime(2026, 2, 4, 10, 0, tzinfo=UTC)
THIS_WEEK = date(2026, 2, 2)
OLD_WEEK = date(2026, 1, 26)
Status = NudgeDelivery.Status


@pytest.fixture
def now():
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def plan(seeded, alice, now):
    track = LearningTrack.objects.get(slug="deep-learning-foundations")
    plan = LearningPlanFactory(owner=alice, track=track, start_date=date(2026, 1, 5))
    WeeklyCheckinFactory(
        plan=plan, week_start=OLD_WEEK, study_days_done=2, papers=[{"title": "<b>Attention</b>"}]
    )
    return plan


def delivery(plan, week: date, status: str, error: str = "") -> NudgeDelivery:
    return NudgeDelivery.objects.create(
        plan=plan,
        week_start=week,
        scheduled_for=datetime.combine(week, datetime.min.time(), tzinfo=UTC),
        status=status,
        attempts=1,
        last_error=error,
    )


@pytest.fixture
def deliveries(plan):
    return {
        "current": delivery(plan, THIS_WEEK, Status.FAILED, "SMTPDataError: " + "x" * 300),
        "old": delivery(plan, OLD_WEEK, Status.FAILED, "SMTPDataError: 554"),
    }


CHANGELISTS = [
    "admin:plans_learningplan_changelist",
    "admin:plans_weeklycheckin_changelist",
    "admin:plans_nudgedelivery_changelist",
]


@pytest.mark.parametrize("name", CHANGELISTS)
def test_it_lists_plans_checkins_and_deliveries(admin_client, deliveries, name):
    response = admin_client.get(reverse(name))
    assert response.status_code == 200
    assert "alice" in response.content.decode()
    assert admin_client.get(reverse(name), {"q": "alice@example.com"}).status_code == 200


def test_it_filters_the_delivery_changelist_by_status_and_week(admin_client, deliveries):
    url = reverse("admin:plans_nudgedelivery_changelist")
    response = admin_client.get(url, {"status__exact": "failed", "week_start": "2026-02-02"})
    assert response.status_code == 200
    assert [d.pk for d in response.context["cl"].result_list] == [deliveries["current"].pk]
    response = admin_client.get(url, {"status__exact": "sent"})
    assert list(response.context["cl"].result_list) == []


def test_it_shortens_long_errors_in_the_delivery_changelist(admin_client, deliveries):
    response = admin_client.get(reverse("admin:plans_nudgedelivery_changelist"))
    assert "SMTPDataError: " + "x" * 42 + "..." in response.content.decode()
    assert "x" * 100 not in response.content.decode()


@pytest.mark.parametrize(
    ("model", "obj"),
    [("learningplan", "plan"), ("weeklycheckin", "checkin"), ("nudgedelivery", "delivery")],
)
def test_it_loads_the_change_pages(admin_client, plan, deliveries, model, obj):
    pk = {
        "plan": plan.pk,
        "checkin": plan.checkins.get().pk,
        "delivery": deliveries["current"].pk,
    }[obj]
    response = admin_client.get(reverse(f"admin:plans_{model}_change", args=[pk]))
    assert response.status_code == 200
    assert plan.owner.profile.calendar_token not in response.content.decode()


def test_it_shows_a_plans_checkins_and_paper_notes_escaped(admin_client, plan):
    response = admin_client.get(reverse("admin:plans_learningplan_change", args=[plan.pk]))
    inline = response.context["inline_admin_formsets"][0]
    assert [form.original.week_start for form in inline] == [OLD_WEEK]
    checkin = plan.checkins.get()
    response = admin_client.get(reverse("admin:plans_weeklycheckin_change", args=[checkin.pk]))
    assert "&lt;b&gt;Attention&lt;/b&gt;" in response.content.decode()


def test_it_moves_the_next_send_time_when_the_nudge_slot_is_edited(admin_client, plan):
    assert plan.next_nudge_at == datetime(2026, 2, 7, 9, tzinfo=UTC)
    url = reverse("admin:plans_learningplan_change", args=[plan.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "study_days"}
    data.update(
        track=plan.track_id,
        study_days=[5, 6],
        nudge_weekday=3,
        nudge_hour=18,
        **{
            "checkins-TOTAL_FORMS": 1,
            "checkins-INITIAL_FORMS": 1,
            "checkins-MIN_NUM_FORMS": 0,
            "checkins-MAX_NUM_FORMS": 1000,
            "checkins-0-id": plan.checkins.get().pk,
            "checkins-0-plan": plan.pk,
        },
    )
    data = {k: v for k, v in data.items() if v is not False}
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    plan.refresh_from_db()
    assert (plan.nudge_weekday, plan.nudge_hour) == (3, 18)
    # Thursday 5 February, 18:00 in London.
    assert plan.next_nudge_at == datetime(2026, 2, 5, 18, tzinfo=UTC)


def test_it_refuses_to_add_change_or_delete_deliveries(admin_client, deliveries):
    current = deliveries["current"]
    assert admin_client.get(reverse("admin:plans_nudgedelivery_add")).status_code == 403
    delete = reverse("admin:plans_nudgedelivery_delete", args=[current.pk])
    assert admin_client.get(delete).status_code == 403
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    change = reverse("admin:plans_nudgedelivery_change", args=[current.pk])
    response = admin_client.post(change, {"status": "sent", "attempts": 0})
    assert response.status_code == 403
    changelist = reverse("admin:plans_nudgedelivery_changelist")
    actions = dict(admin_client.get(changelist).context["action_form"].fields["action"].choices)
    assert "resend_failed_of_current_week" in actions
    assert "delete_selected" not in actions
    admin_client.post(changelist, {"action": "delete_selected", "_selected_action": [current.pk]})
    current.refresh_from_db()
    assert (current.status, current.attempts) == (Status.FAILED, 1)
    assert NudgeDelivery.objects.count() == 2


def test_it_requeues_only_a_failed_delivery_of_the_current_week(
    admin_client, deliveries, plan, monkeypatch, django_capture_on_commit_callbacks
):
    sent_sent = delivery(plan, date(2026, 1, 19), Status.SENT)
    enqueued: list[list[int]] = []
    monkeypatch.setattr(
        "careers.plans.tasks.nudge_deliver_chunk.delay", lambda ids: enqueued.append(ids)
    )
    current, old = deliveries["current"], deliveries["old"]
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:plans_nudgedelivery_changelist"),
            {
                "action": "resend_failed_of_current_week",
                "_selected_action": [current.pk, old.pk, sent_sent.pk],
            },
        )
    assert response.status_code == 302
    current.refresh_from_db()
    old.refresh_from_db()
    sent_sent.refresh_from_db()
    assert (current.status, current.last_error) == (Status.PENDING, "")
    assert old.status == Status.FAILED
    assert sent_sent.status == Status.SENT
    assert enqueued == [[current.pk]]
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert message.startswith("Resent 1 deliveries; skipped 2")


def test_it_enqueues_nothing_when_there_is_nothing_to_resend(
    admin_client, deliveries, monkeypatch, django_capture_on_commit_callbacks
):
    enqueued: list[list[int]] = []
    monkeypatch.setattr(
        "careers.plans.tasks.nudge_deliver_chunk.delay", lambda ids: enqueued.append(ids)
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:plans_nudgedelivery_changelist"),
            {
                "action": "resend_failed_of_current_week",
                "_selected_action": [deliveries["old"].pk],
            },
        )
    assert enqueued == []
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert message.startswith("Resent 0 deliveries; skipped 1")
    deliveries["old"].refresh_from_db()
    assert deliveries["old"].status == Status.FAILED
