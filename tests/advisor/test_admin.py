import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from careers.content.feedback import advice_feedback_set, advice_shown
from careers.content.models import AdviceItem, LearningTrack
from careers.content.snapshots import item_snapshot
from careers.content.workflow import revision_save
from careers.plans.models import NudgeDelivery
from careers.plans.schedule import week_start
from tests.factories import LearningPlanFactory, UserFactory, WeeklyCheckinFactory
from tests.filled import filled_private_option

MODEL_ADMINS = sorted(
    (model._meta.app_label, model._meta.model_name) for model in admin.site._registry
)


def an_editor():
    return UserFactory(username="ed", is_staff=True, roles=["Editor"])


@pytest.fixture
def one_of_everything(seeded, alice, client):
    """A row in every admin table, including django-axes' login logs."""
    Group.objects.create(name="Editors")
    Token.objects.create(user=alice)
    client.post("/accounts/login/", {"login": "alice", "password": "wrong"})
    plan = LearningPlanFactory(owner=alice, track=LearningTrack.objects.get())
    WeeklyCheckinFactory(plan=plan, study_days_done=1)
    NudgeDelivery.objects.create(
        plan=plan, week_start=week_start(plan.start_date), scheduled_for=timezone.now()
    )
    advice = AdviceItem.objects.published().first()
    revision_save(
        item=advice, data={**item_snapshot(advice), "title": "Reworded"}, user=an_editor()
    )
    advice_feedback_set(user=alice, item=advice, helpful=True)
    advice_shown(item_ids=[advice.pk], where="results")
    filled_private_option(alice)


@pytest.mark.parametrize(("app_label", "model_name"), MODEL_ADMINS)
def test_it_loads_every_changelist_with_search_and_filters(
    admin_client, seeded, app_label, model_name
):
    url = reverse(f"admin:{app_label}_{model_name}_changelist")
    assert admin_client.get(url).status_code == 200
    assert admin_client.get(url, {"q": "manager"}).status_code == 200


@pytest.mark.parametrize(("app_label", "model_name"), MODEL_ADMINS)
def test_it_loads_every_change_form(
    admin_client, one_of_everything, rf, admin_user, app_label, model_name
):
    model = next(m for m in admin.site._registry if m._meta.model_name == model_name)
    request = rf.get("/")
    request.user = admin_user
    can_add = admin.site._registry[model].has_add_permission(request)
    add = admin_client.get(reverse(f"admin:{app_label}_{model_name}_add"))
    # Log tables (django-axes) are read-only by design: their add page is refused.
    assert add.status_code == (200 if can_add else 403)
    obj = model.objects.first()
    assert obj is not None, f"no {model_name} row to open"
    url = reverse(f"admin:{app_label}_{model_name}_change", args=[obj.pk])
    assert admin_client.get(url).status_code == 200


def test_it_refuses_a_span_outside_the_interview_in_the_admin(admin_client, seeded):
    from careers.content.models import AdviceItem

    item = AdviceItem.objects.first()
    url = reverse("admin:content_adviceitem_change", args=[item.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k not in ("paths", "tags")}
    data["paths"] = [p.pk for p in item.paths.all()]
    data["tags"] = [t.pk for t in item.tags.all()]
    data["citation_span"] = "26:00-27:00"
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "outside the interview" in str(response.context["adminform"].form.errors)
    item.refresh_from_db()
    assert item.citation_span != "26:00-27:00"


def test_it_keeps_normal_users_out_of_the_admin(client, alice):
    client.force_login(alice)
    response = client.get("/admin/content/criterion/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
