"""Every admin list runs a fixed number of queries, whatever the number of rows: each
list's page, and for the lists of large tables their filters, date drill-down and search,
loaded with 2 rows of every model and again with 12, cost the same pinned number. On
PostgreSQL a large table's list shows an estimate instead of counting every row; its
filters and date drill-down read no more than the rows they show."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.admin import ModelAdmin
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.authtoken.models import Token

from careers.accounts.models import Profile
from careers.content.models import Goal, LearningTrack, Tip
from careers.content.snapshots import item_snapshot
from careers.content.workflow import revision_save
from careers.core.admin import LargeTableAdmin
from careers.plans.admin import NudgeDeliveryAdmin, WeeklyCheckinAdmin
from careers.plans.models import NudgeDelivery, WeeklyCheckin
from tests.factories import (
    AdviceItemFactory,
    CareerPathFactory,
    ComparisonFactory,
    CriterionFactory,
    LearningPlanFactory,
    LearningTrackFactory,
    OptionFactory,
    RedFlagRuleFactory,
    TagFactory,
    TipFactory,
    UserFactory,
)

# Wednesday 4 November 2026; every row below is of this week, this month and this year.
NOW = datetime(2026, 11, 4, 10, 0, tzinfo=UTC)
WEEK = date(2026, 11, 2)
Status = NudgeDelivery.Status
POSTGRES = connection.vendor == "postgresql"

# Every list's default page, and the other pages of the lists of large tables. Each page's
# query count: the user with their time zone (1), the rows, the count, and
# whatever the filters, the drill-down and the columns add.
EXTRA_PAGES = {
    "plans.learningplan": {
        "enabled": {"nudges_enabled__exact": "1"},
        "weekday": {"nudge_weekday": "5"},
        "year": {"start_date__year": "2026"},
        "month": {"start_date__year": "2026", "start_date__month": "11"},
        "day": {"start_date__year": "2026", "start_date__month": "11", "start_date__day": "4"},
        "search": {"q": "learner"},
    },
    "plans.weeklycheckin": {
        "week": {"week_start": WEEK.isoformat()},
        "skipped": {"skipped__exact": "0"},
        "year": {"week_start__year": "2026"},
        "month": {"week_start__year": "2026", "week_start__month": "11"},
        "day": {"week_start__year": "2026", "week_start__month": "11", "week_start__day": "2"},
        "search": {"q": "learner"},
    },
    "plans.nudgedelivery": {
        "status": {"status__exact": "failed"},
        "week": {"week_start": WEEK.isoformat()},
        "year": {"week_start__year": "2026"},
        "month": {"week_start__year": "2026", "week_start__month": "11"},
        "day": {"week_start__year": "2026", "week_start__month": "11", "week_start__day": "2"},
        "search": {"q": "learner"},
        "message id": {"q": "<nudge.1.20261102@advisor.example.org>"},
    },
    "accounts.profile": {"time zone": {"timezone": "Europe/London"}, "search": {"q": "learner"}},
    "auth.user": {"staff": {"is_staff__exact": "0"}, "search": {"q": "learner"}},
    "account.emailaddress": {"search": {"q": "learner"}},
    "authtoken.tokenproxy": {"search": {"q": "learner"}},
    "comparisons.comparison": {"search": {"q": "learner"}},
}
# On PostgreSQL a large table's list asks pg_class for its size before counting it (one
# query more), or counts a filtered list up to a limit (no more than on SQLite).
WHOLE_TABLE_SIZE_QUERY = 1 if POSTGRES else 0
PINNED = {
    ("account.emailaddress", "default"): 3 + WHOLE_TABLE_SIZE_QUERY,
    ("account.emailaddress", "search"): 3,
    ("accounts.profile", "default"): 4 + WHOLE_TABLE_SIZE_QUERY,
    ("accounts.profile", "search"): 4,
    ("accounts.profile", "time zone"): 4,
    ("auth.group", "default"): 4,
    ("auth.user", "default"): 4 + WHOLE_TABLE_SIZE_QUERY,
    ("auth.user", "search"): 4,
    ("auth.user", "staff"): 4,
    ("authtoken.tokenproxy", "default"): 3 + WHOLE_TABLE_SIZE_QUERY,
    ("authtoken.tokenproxy", "search"): 3,
    ("comparisons.comparison", "default"): 4,
    ("comparisons.comparison", "search"): 4,
    ("axes.accessattempt", "default"): 7,
    ("axes.accessfailurelog", "default"): 7,
    ("axes.accesslog", "default"): 7,
    ("content.adviceitem", "default"): 7,
    ("content.careerpath", "default"): 4,
    ("content.contentrevision", "default"): 7,
    ("content.criterion", "default"): 6,
    ("content.goal", "default"): 6,
    ("content.learningtrack", "default"): 4,
    ("content.redflagrule", "default"): 5,
    ("content.tag", "default"): 4,
    ("content.tip", "default"): 5,
    ("plans.learningplan", "day"): 4,
    ("plans.learningplan", "default"): 6 + WHOLE_TABLE_SIZE_QUERY,
    ("plans.learningplan", "enabled"): 6,
    ("plans.learningplan", "month"): 5,
    ("plans.learningplan", "search"): 6,
    ("plans.learningplan", "weekday"): 6,
    ("plans.learningplan", "year"): 5,
    ("plans.nudgedelivery", "day"): 3,
    ("plans.nudgedelivery", "default"): 5 + WHOLE_TABLE_SIZE_QUERY,
    ("plans.nudgedelivery", "message id"): 5,
    ("plans.nudgedelivery", "month"): 4,
    ("plans.nudgedelivery", "search"): 5,
    ("plans.nudgedelivery", "status"): 5,
    ("plans.nudgedelivery", "week"): 5,
    ("plans.nudgedelivery", "year"): 4,
    ("plans.weeklycheckin", "day"): 4,
    ("plans.weeklycheckin", "default"): 6 + WHOLE_TABLE_SIZE_QUERY,
    ("plans.weeklycheckin", "month"): 5,
    ("plans.weeklycheckin", "search"): 6,
    ("plans.weeklycheckin", "skipped"): 6,
    ("plans.weeklycheckin", "week"): 6,
    ("plans.weeklycheckin", "year"): 5,
}


def list_label(model) -> str:
    return f"{model._meta.app_label}.{model._meta.model_name}"


PAGES = sorted(
    [(list_label(model), "default", {}) for model in admin.site._registry]
    + [
        (label, name, query)
        for label, pages in EXTRA_PAGES.items()
        for name, query in pages.items()
    ]
)


@pytest.fixture
def now():
    with time_machine.travel(NOW, tick=False):
        yield NOW


class Rows:
    """Adds rows of every model the admin lists, each with the relations its columns
    show, all dated this week."""

    def __init__(self) -> None:
        self.made = 0
        self.track = LearningTrack.objects.get()
        self.editor = UserFactory(username="editor", is_staff=True, roles=["Editor"])

    def add(self, count: int) -> None:
        for _ in range(count):
            n = self.made = self.made + 1
            self.add_learner(n)
            self.add_content(n)

    def add_learner(self, n: int) -> None:
        learner = UserFactory(username=f"learner{n}")
        Token.objects.create(user=learner)
        plan = LearningPlanFactory(owner=learner, track=self.track, start_date=NOW.date())
        step = self.track.project_steps.first()
        WeeklyCheckin.objects.create(plan=plan, week_start=WEEK, project_step=step)
        NudgeDelivery.objects.create(
            plan=plan,
            week_start=WEEK,
            scheduled_for=NOW,
            status=[Status.SENT, Status.FAILED, Status.STUCK][n % 3],
            message_id=f"<nudge.{plan.pk}.{WEEK:%Y%m%d}@advisor.example.org>",
            tip=Tip.objects.first(),
        )
        OptionFactory(comparison=ComparisonFactory(owner=learner, title=f"Offers {n}"))
        Group.objects.create(name=f"Group {n}")
        where = {"ip_address": "192.0.2.1", "username": learner.username, "user_agent": "pytest"}
        AccessAttempt.objects.create(**where, failures_since_start=1)
        AccessLog.objects.create(**where, logout_time=NOW)
        AccessFailureLog.objects.create(**where, locked_out=False)

    def add_content(self, n: int) -> None:
        path = CareerPathFactory(slug=f"extra-path-{n}")
        criterion = CriterionFactory(key=f"extra_criterion_{n}", paths=[path])
        RedFlagRuleFactory(key=f"extra_flag_{n}", criterion=criterion)
        tag = TagFactory(slug=f"extra-tag-{n}")
        advice = AdviceItemFactory(slug=f"extra-advice-{n}")
        advice.tags.add(tag)
        advice.paths.add(path)
        goal = Goal.objects.create(
            slug=f"extra-goal-{n}", name=f"Goal {n}", description="A goal.", requires_path=path
        )
        goal.paths.add(path)
        LearningTrackFactory(slug=f"extra-track-{n}")
        TipFactory(key=f"extra_tip_{n}", track=self.track)
        revision_save(
            item=advice, data={**item_snapshot(advice), "title": f"Reworded {n}"}, user=self.editor
        )


@pytest.fixture
def rows(seeded, now):
    return Rows()


def page_url(label: str, query: dict) -> str:
    app_label, model_name = label.split(".")
    return reverse(f"admin:{app_label}_{model_name}_changelist")


def queries_of_every_page(client) -> dict:
    counts = {}
    for label, name, query in PAGES:
        client.get(page_url(label, query), query)  # once first: the caches it fills
        with CaptureQueriesContext(connection) as captured:
            response = client.get(page_url(label, query), query)
        assert response.status_code == 200, (label, name, response.status_code)
        counts[(label, name)] = len(captured)
    return counts


def test_it_pins_every_admin_lists_queries_whatever_the_number_of_rows(admin_client, rows):
    rows.add(2)
    with_two = queries_of_every_page(admin_client)
    rows.add(10)
    with_twelve = queries_of_every_page(admin_client)

    grew = {page: (with_two[page], n) for page, n in with_twelve.items() if n != with_two[page]}
    assert grew == {}
    assert with_twelve == PINNED


@pytest.mark.parametrize(("label", "name", "query"), PAGES, ids=[f"{p[0]} {p[1]}" for p in PAGES])
def test_it_answers_each_admin_list_in_its_pinned_number_of_queries(
    admin_client, rows, django_assert_num_queries, label, name, query
):
    rows.add(2)
    admin_client.get(page_url(label, query), query)  # the session's first page, as usual
    with django_assert_num_queries(PINNED[(label, name)]):
        response = admin_client.get(page_url(label, query), query)
    assert response.status_code == 200


@pytest.mark.parametrize(
    "model",
    [m for m, a in admin.site._registry.items() if isinstance(a, LargeTableAdmin)],
    ids=lambda model: model._meta.label,
)
def test_it_writes_each_rows_action_checkbox_as_djangos_widget_does(admin_client, rows, model):
    rows.add(2)
    model_admin = admin.site._registry[model]
    obj = model._default_manager.order_by("pk").first()
    page = admin_client.get(
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    )
    if not page.context["cl"].model_admin.get_actions(page.wsgi_request):
        pytest.skip("no actions, so no checkboxes")
    assert ModelAdmin.action_checkbox(model_admin, obj) in page.content.decode()


def test_it_lists_the_weeks_before_this_one_and_finds_an_older_monday(admin_client, rows):
    rows.add(2)
    old = WeeklyCheckin.objects.create(
        plan=WeeklyCheckin.objects.first().plan, week_start=WEEK - timedelta(weeks=30)
    )
    url = reverse("admin:plans_weeklycheckin_changelist")
    page = admin_client.get(url).content.decode()
    for week in ["This week", "Last week", "Week of 14 September 2026"]:
        assert week in page

    older = admin_client.get(url, {"week_start": old.week_start.isoformat()})
    assert [c.pk for c in older.context["cl"].result_list] == [old.pk]
    # Not a date: the list says the filter is wrong rather than failing.
    wrong = admin_client.get(url, {"week_start": "next tuesday"})
    assert wrong.status_code == 302
    assert wrong.url.endswith("?e=1")


def test_it_filters_plans_by_nudge_weekday_by_name(admin_client, rows):
    rows.add(2)
    url = reverse("admin:plans_learningplan_changelist")
    saturday = admin_client.get(url, {"nudge_weekday": "5"})
    assert "Saturday" in saturday.content.decode()
    assert {p.nudge_weekday for p in saturday.context["cl"].result_list} == {5}
    assert admin_client.get(url, {"nudge_weekday": "7"}).status_code == 302


def test_it_offers_each_time_zone_in_use_once(admin_client, rows):
    rows.add(2)
    Profile.objects.filter(user=UserFactory(username="tokyo")).update(timezone="Asia/Tokyo")
    response = admin_client.get(reverse("admin:accounts_profile_changelist"))
    [spec] = response.context["cl"].filter_specs
    zones = [c["display"] for c in spec.choices(response.context["cl"])][1:]
    assert zones == ["Asia/Tokyo", "Europe/London"]


@pytest.mark.parametrize("probed", [False, True], ids=["few rows", "many rows"])
def test_it_drills_down_to_the_periods_that_have_rows(admin_client, rows, monkeypatch, probed):
    """With few rows the drill-down reads them; with more than the admin counts exactly it
    probes each candidate period. Either way it offers the same periods."""
    if probed:
        monkeypatch.setattr(NudgeDeliveryAdmin, "exact_count_up_to", 1)
    rows.add(2)
    plan = NudgeDelivery.objects.first().plan
    for week in [date(2024, 6, 3), date(2026, 3, 2), date(2026, 11, 9)]:
        NudgeDelivery.objects.create(plan=plan, week_start=week, scheduled_for=NOW)
    url = reverse("admin:plans_nudgedelivery_changelist")

    def offered(**query) -> list[str]:
        """The drill-down's way back, then its choices."""
        page = admin_client.get(url, {f"week_start__{k}": v for k, v in query.items()})
        [drilldown] = [
            context
            for template, context in zip(page.templates, page.context, strict=True)
            if template.name == "admin/date_hierarchy.html"
        ]
        back = [drilldown["back"]["title"]] if drilldown.get("back") else []
        return back + [str(choice["title"]) for choice in drilldown["choices"]]

    assert offered() == ["2024", "2026"]
    assert offered(year=2026) == ["All dates", "March 2026", "November 2026"]
    assert offered(year=2026, month=11) == ["2026", "2 November", "9 November"]


@pytest.fixture
def analysed_checkins(rows):
    """Check-ins ANALYZE has counted, so pg_class holds their number; counted again once the
    test is done, so no estimate outlives it (ANALYZE writes pg_class in place, outside the
    test's transaction)."""
    rows.add(12)

    def analyse() -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {WeeklyCheckin._meta.db_table}")

    analyse()
    yield
    WeeklyCheckin.objects.all().delete()
    analyse()


@pytest.mark.skipif(not POSTGRES, reason="the estimate is PostgreSQL's; SQLite always counts")
def test_it_shows_an_estimate_past_the_threshold_instead_of_counting_every_row(
    admin_client, analysed_checkins, monkeypatch
):
    monkeypatch.setattr(WeeklyCheckinAdmin, "exact_count_up_to", 5)
    table = WeeklyCheckin._meta.db_table
    url = reverse("admin:plans_weeklycheckin_changelist")
    with CaptureQueriesContext(connection) as captured:
        page = admin_client.get(url)
    counts = [q["sql"] for q in captured if "COUNT(" in q["sql"] and table in q["sql"]]
    assert counts == []
    assert "about 12 weekly checkins" in page.content.decode()

    # Filtered, it counts up to the threshold and stops there: exact when under it.
    with CaptureQueriesContext(connection) as captured:
        page = admin_client.get(url, {"week_start": WEEK.isoformat(), "skipped__exact": "0"})
    [count] = [q["sql"] for q in captured if "COUNT(" in q["sql"] and table in q["sql"]]
    assert "LIMIT 6" in count
