"""The learners' records in the admin: plans (edited through the service, so the next send
time follows), check-ins and nudge deliveries (read-only), with a resend of failed, stuck
and overdue ones."""

import re
from datetime import date, timedelta

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.utils import timezone
from django.utils.html import format_html

from careers.content.models import WEEKDAYS
from careers.core.admin import LargeTableAdmin, ReadOnlyAdmin
from careers.plans import services as plan_services
from careers.plans.models import (
    LearningPlan,
    NudgeDelivery,
    PaperNote,
    WeeklyCheckin,
    delivery_stuck_first,
)
from careers.plans.nudges import DELIVERY_CHUNK_SIZE, EnqueueFailed, nudge_resend
from careers.plans.schedule import week_parse, week_start
from careers.plans.tasks import enqueue_delivery_chunk

# The part of a nudge's Message-ID that names it: <nudge.PLAN.YYYYMMDD@host>, or for a second
# reminder <nudge-reminder.PLAN.YYYYMMDD@host>.
NUDGE_MESSAGE_ID = re.compile(r"nudge(?:-reminder)?\.(\d{1,18})\.(\d{8})@")


class RecentWeekFilter(admin.SimpleListFilter):
    """The week a row is of, offering this week and the seven before it by their Monday,
    worked out from today: listing every ``week_start`` there is, as Django's filter by
    value does, reads all the rows. Any other Monday in the address still filters (the
    date drill-down reaches the older ones)."""

    title = "week"
    parameter_name = "week_start"
    weeks_offered = 8

    def lookups(self, request, model_admin):
        monday = week_start(timezone.localdate())
        weeks = [monday - timedelta(weeks=n) for n in range(self.weeks_offered)]
        names = {0: "This week", 1: "Last week"}
        return [
            (day.isoformat(), names.get(n, f"Week of {day.day} {day:%B %Y}"))
            for n, day in enumerate(weeks)
        ]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        day = week_parse(self.value())
        if day is None:
            raise IncorrectLookupParameters(f"{self.value()!r} is not a date")
        return queryset.filter(week_start=day)


class NudgeWeekdayFilter(admin.SimpleListFilter):
    """The weekday a plan's nudge goes out on, by name: the seven days are known, so they
    are not read from the table (which Django's filter by value would do)."""

    title = "nudge weekday"
    parameter_name = "nudge_weekday"

    def lookups(self, request, model_admin):
        return [(str(number), name) for number, name in WEEKDAYS]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        if self.value() not in {str(number) for number, _name in WEEKDAYS}:
            raise IncorrectLookupParameters(f"{self.value()!r} is not a weekday")
        return queryset.filter(nudge_weekday=int(self.value()))


class CheckinInline(admin.TabularInline):
    """A plan's check-ins at a glance: the learner's own log, so not edited here."""

    model = WeeklyCheckin
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ["week_start", *plan_services.CHECKIN_FIELDS, "updated_at"]
    readonly_fields = fields
    ordering = ["-week_start"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class LearningPlanForm(forms.ModelForm):
    study_days = forms.TypedMultipleChoiceField(
        choices=WEEKDAYS, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    light_days = forms.TypedMultipleChoiceField(
        choices=WEEKDAYS, coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = LearningPlan
        # What the learner can change; never the calendar token (their secret feed URL).
        fields = list(plan_services.PLAN_FIELDS)


@admin.register(LearningPlan)
class LearningPlanAdmin(LargeTableAdmin):
    form = LearningPlanForm
    list_display = [
        "owner",
        "track",
        "start_date",
        "weeks",
        "nudge_weekday",
        "nudge_hour",
        "timezone",
        "nudges_enabled",
        "next_nudge_at",
    ]
    list_filter = ["nudges_enabled", "track", NudgeWeekdayFilter, "ml_course_first", "start_date"]
    search_fields = ["owner__username", "owner__email"]
    list_select_related = ["owner", "track"]
    readonly_fields = ["owner", "next_nudge_at", "created_at", "updated_at"]
    inlines = [CheckinInline]
    date_hierarchy = "start_date"

    def has_add_permission(self, request) -> bool:
        # A plan belongs to a learner and is started by them (page or API).
        return False

    def save_model(self, request, obj, form, change):
        # Through the service, so moving the send slot moves the next send time here too.
        # The form has already set the new values on ``obj``: start from the stored row so
        # the service can tell what changed.
        changed = {name: form.cleaned_data[name] for name in form.changed_data}
        stored = LearningPlan.objects.get(pk=obj.pk)
        plan_services.plan_update(plan=stored, **changed)
        obj.refresh_from_db()


class PaperNoteInline(admin.TabularInline):
    model = PaperNote
    extra = 0
    can_delete = False
    fields = ["title", "takeaway"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(WeeklyCheckin)
class WeeklyCheckinAdmin(LargeTableAdmin, ReadOnlyAdmin):
    """Browsable, not editable: a check-in is what the learner said they did."""

    list_display = ["plan", "owner", "week_start", *plan_services.CHECKIN_FIELDS, "updated_at"]
    list_filter = [
        RecentWeekFilter,
        "skipped",
        "handwritten_notes",
        "plan__track",
    ]
    search_fields = ["plan__owner__username", "plan__owner__email"]
    list_select_related = ["plan__owner", "plan__track", "project_step"]
    date_hierarchy = "week_start"
    inlines = [PaperNoteInline]
    deletable = True

    @admin.display(description="Owner", ordering="plan__owner__username")
    def owner(self, obj: WeeklyCheckin):
        return obj.plan.owner


@admin.register(NudgeDelivery)
class NudgeDeliveryAdmin(LargeTableAdmin, ReadOnlyAdmin):
    """Read-only: rows are written by the dispatcher and the send task, which rely on each
    row's state (the unique week, pending -> sending -> sent or failed)."""

    list_display = [
        "plan",
        "owner",
        "week_start",
        "kind",
        "status_shown",
        "attempts",
        "scheduled_for",
        "sent_at",
        "short_error",
    ]
    list_filter = ["status", "kind", RecentWeekFilter]
    search_fields = ["plan__owner__username", "plan__owner__email"]
    search_help_text = "The learner's username or email address, or a nudge's Message-ID."
    list_select_related = ["plan__owner", "plan__track"]
    date_hierarchy = "week_start"
    actions = ["resend_failed_of_current_week"]

    def get_ordering(self, request):
        # Stuck rows first: they are the ones waiting for an operator (the model's
        # nudge_list_idx holds this order). Filtered by status, every row ranks the same:
        # the rank is left out, so nudge_status_week_idx gives the page instead of a sort
        # of every row of that status.
        if "status__exact" in request.GET:
            return list(NudgeDelivery._meta.ordering)
        return [delivery_stuck_first().asc(), *NudgeDelivery._meta.ordering]

    def get_search_results(self, request, queryset, search_term):
        # A Message-ID names its plan and week (careers.plans.emails.nudge_message_id), so
        # the row is found by the unique (plan, week) index, not a scan of every id.
        if found := NUDGE_MESSAGE_ID.search(search_term):
            plan_id, week = found.groups()
            try:
                week_start = date(int(week[:4]), int(week[4:6]), int(week[6:]))
            except ValueError:
                return queryset.none(), False
            matching = queryset.filter(
                plan_id=int(plan_id), week_start=week_start, message_id__icontains=found[0]
            )
            return matching, False
        return super().get_search_results(request, queryset, search_term)

    @admin.display(description="Status", ordering="status")
    def status_shown(self, obj: NudgeDelivery) -> str:
        if obj.status != NudgeDelivery.Status.STUCK:
            return obj.get_status_display()
        return format_html(
            '<strong class="errornote" style="padding:2px 6px">{}</strong>',
            obj.get_status_display(),
        )

    @admin.display(description="Owner", ordering="plan__owner__username")
    def owner(self, obj: NudgeDelivery):
        return obj.plan.owner

    @admin.display(description="Last error")
    def short_error(self, obj: NudgeDelivery) -> str:
        return obj.last_error if len(obj.last_error) <= 60 else obj.last_error[:57] + "..."

    @admin.action(description="Resend failed, stuck or overdue deliveries of the current week")
    def resend_failed_of_current_week(self, request, queryset):
        # nudge_resend only takes back a failed, stuck or overdue pending delivery of the
        # plan's current week, with a conditional update: a sent email is never sent again
        # from here.
        resent = [d.pk for d in queryset if nudge_resend(delivery=d)]
        skipped = queryset.count() - len(resent)
        try:
            for start in range(0, len(resent), DELIVERY_CHUNK_SIZE):
                enqueue_delivery_chunk(resent[start : start + DELIVERY_CHUNK_SIZE])
        except EnqueueFailed as error:
            self.message_user(
                request,
                f"The Celery broker did not take the emails ({error}): {len(resent)} "
                "deliveries are pending and the requeue sweep sends them once it is back.",
                messages.ERROR,
            )
            return
        self.message_user(
            request,
            f"Resent {len(resent)} deliveries; skipped {skipped} "
            "(not failed, stuck or overdue, or not of the current week).",
            messages.SUCCESS if resent else messages.WARNING,
        )
