"""The learners' records in the admin: plans (edited through the service, so the next send
time follows), check-ins and nudge deliveries (read-only), with a resend of failed, stuck
and overdue ones."""

from django import forms
from django.contrib import admin, messages
from django.db.models import Case, IntegerField, Value, When
from django.utils.html import format_html

from careers.content.models import WEEKDAYS
from careers.core.admin import ReadOnlyAdmin
from careers.plans import services as plan_services
from careers.plans.models import LearningPlan, NudgeDelivery, PaperNote, WeeklyCheckin
from careers.plans.nudges import DELIVERY_CHUNK_SIZE, EnqueueFailed, nudge_resend
from careers.plans.tasks import enqueue_delivery_chunk


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

    class Meta:
        model = LearningPlan
        # What the learner can change; never the calendar token (their secret feed URL).
        fields = list(plan_services.PLAN_FIELDS)


@admin.register(LearningPlan)
class LearningPlanAdmin(admin.ModelAdmin):
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
    list_filter = ["nudges_enabled", "track", "nudge_weekday", "ml_course_first", "start_date"]
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
class WeeklyCheckinAdmin(ReadOnlyAdmin):
    """Browsable, not editable: a check-in is what the learner said they did."""

    list_display = ["plan", "owner", "week_start", *plan_services.CHECKIN_FIELDS, "updated_at"]
    list_filter = [
        ("week_start", admin.AllValuesFieldListFilter),
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
class NudgeDeliveryAdmin(ReadOnlyAdmin):
    """Read-only: rows are written by the dispatcher and the send task, which rely on each
    row's state (the unique week, pending -> sending -> sent or failed)."""

    list_display = [
        "plan",
        "owner",
        "week_start",
        "status_shown",
        "attempts",
        "scheduled_for",
        "sent_at",
        "short_error",
    ]
    list_filter = ["status", ("week_start", admin.AllValuesFieldListFilter)]
    search_fields = ["plan__owner__username", "plan__owner__email", "message_id"]
    list_select_related = ["plan__owner", "plan__track"]
    date_hierarchy = "week_start"
    actions = ["resend_failed_of_current_week"]

    def get_ordering(self, request):
        # Stuck rows first: they are the ones waiting for an operator.
        stuck_first = Case(
            When(status=NudgeDelivery.Status.STUCK, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
        return [stuck_first.asc(), *NudgeDelivery._meta.ordering]

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
