from django import forms
from django.contrib import admin, messages

from careers.models import (
    AdviceItem,
    CareerPath,
    Criterion,
    Goal,
    LearningPlan,
    LearningTrack,
    NudgeDelivery,
    PaperNote,
    Profile,
    RedFlagRule,
    Tag,
    Tip,
    TrackCourse,
    TrackPrerequisite,
    TrackProjectStep,
    WeeklyCheckin,
)
from careers.models.content import WEEKDAYS
from careers.services import plans as plan_services
from careers.services.nudges import DELIVERY_CHUNK_SIZE, nudge_resend
from careers.tasks import enqueue_delivery_chunk

CITATION_FIELDSET = (
    "Citation",
    {"fields": ("citation_source", "citation_span", "citation_url", "citation_licence")},
)


class ContentAdmin(admin.ModelAdmin):
    """Shared behaviour for curated content: publication and citation at a glance."""

    list_filter = ["published", "citation_licence"]
    readonly_fields = ["updated_at"]
    list_per_page = 50
    save_on_top = True


@admin.register(CareerPath)
class CareerPathAdmin(ContentAdmin):
    list_display = ["name", "slug", "position", "published", "citation_span", "updated_at"]
    list_editable = ["position"]
    search_fields = ["name", "slug", "summary", "what_to_look_for", "typical_questions"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = (
        (None, {"fields": ("name", "slug", "position", "published")}),
        ("Advice", {"fields": ("summary", "what_to_look_for", "typical_questions")}),
        CITATION_FIELDSET,
        ("History", {"fields": ("updated_at",)}),
    )


@admin.register(Goal)
class GoalAdmin(ContentAdmin):
    list_display = ["name", "slug", "requires_path", "published", "citation_span"]
    list_filter = ["published", "paths", "requires_path"]
    search_fields = ["name", "slug", "description"]
    filter_horizontal = ["paths"]
    list_select_related = ["requires_path"]


@admin.register(Criterion)
class CriterionAdmin(ContentAdmin):
    list_display = [
        "key",
        "question",
        "category",
        "answer_type",
        "default_weight",
        "path_list",
        "published",
        "citation_span",
    ]
    list_filter = ["published", "category", "answer_type", "paths"]
    search_fields = ["key", "question", "help_text", "question_to_ask"]
    filter_horizontal = ["paths"]
    fieldsets = (
        (None, {"fields": ("key", "question", "help_text", "published", "position")}),
        (
            "Scoring",
            {"fields": ("category", "answer_type", "default_weight", "count_target", "paths")},
        ),
        ("When the answer is unknown", {"fields": ("question_to_ask",)}),
        CITATION_FIELDSET,
        ("History", {"fields": ("updated_at",)}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("paths")

    @admin.display(description="Paths")
    def path_list(self, obj: Criterion) -> str:
        return ", ".join(path.slug for path in obj.paths.all())


@admin.register(RedFlagRule)
class RedFlagRuleAdmin(ContentAdmin):
    list_display = ["key", "title", "criterion", "condition_text", "severity", "published"]
    list_filter = ["published", "severity", "operator", "criterion__category"]
    search_fields = ["key", "title", "explanation", "criterion__key"]
    list_select_related = ["criterion"]
    autocomplete_fields = ["criterion"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "kind"]
    list_filter = ["kind"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(AdviceItem)
class AdviceItemAdmin(ContentAdmin):
    list_display = ["title", "slug", "tag_list", "published", "citation_span", "updated_at"]
    list_filter = ["published", "paths", "tags", "citation_licence"]
    search_fields = ["title", "slug", "body"]
    filter_horizontal = ["paths", "tags"]
    prepopulated_fields = {"slug": ["title"]}

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("tags")

    @admin.display(description="Tags")
    def tag_list(self, obj: AdviceItem) -> str:
        return ", ".join(tag.slug for tag in obj.tags.all())


class LearningTrackForm(forms.ModelForm):
    study_days = forms.TypedMultipleChoiceField(
        choices=WEEKDAYS, coerce=int, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = LearningTrack
        fields = [
            "name",
            "slug",
            "summary",
            "published",
            "ml_course_title",
            "ml_course_weeks",
            "ml_course_first_when",
            "specialization_title",
            "default_weeks",
            "papers_per_week",
            "study_days",
            "citation_source",
            "citation_span",
            "citation_url",
            "citation_licence",
        ]


class TrackPrerequisiteInline(admin.TabularInline):
    model = TrackPrerequisite
    extra = 0


class TrackCourseInline(admin.TabularInline):
    model = TrackCourse
    extra = 0


class TrackProjectStepInline(admin.TabularInline):
    model = TrackProjectStep
    extra = 0


@admin.register(LearningTrack)
class LearningTrackAdmin(ContentAdmin):
    form = LearningTrackForm
    list_display = [
        "name",
        "slug",
        "default_weeks",
        "papers_per_week",
        "study_day_list",
        "published",
    ]
    search_fields = ["name", "slug", "summary"]
    inlines = [TrackPrerequisiteInline, TrackCourseInline, TrackProjectStepInline]

    @admin.display(description="Study days")
    def study_day_list(self, obj: LearningTrack) -> str:
        return ", ".join(obj.study_day_names)


@admin.register(Tip)
class TipAdmin(ContentAdmin):
    list_display = ["key", "short_text", "track", "published", "citation_span"]
    list_filter = ["published", "track"]
    search_fields = ["key", "text"]
    list_select_related = ["track"]

    @admin.display(description="Text")
    def short_text(self, obj: Tip) -> str:
        return obj.text if len(obj.text) <= 80 else obj.text[:77] + "..."


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "timezone"]
    search_fields = ["user__username", "user__email"]
    list_filter = ["timezone"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]


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
class WeeklyCheckinAdmin(admin.ModelAdmin):
    """Browsable, not editable: a check-in is what the learner said they did."""

    list_display = [
        "plan",
        "owner",
        "week_start",
        "study_days_done",
        "papers_read",
        "project_step",
        "project_progress",
        "handwritten_notes",
        "skipped",
        "updated_at",
    ]
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

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="Owner", ordering="plan__owner__username")
    def owner(self, obj: WeeklyCheckin):
        return obj.plan.owner


@admin.register(NudgeDelivery)
class NudgeDeliveryAdmin(admin.ModelAdmin):
    """Read-only: rows are written by the dispatcher and the send task, which rely on each
    row's state (the unique week, pending -> sending -> sent or failed)."""

    list_display = [
        "plan",
        "owner",
        "week_start",
        "status",
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

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="Owner", ordering="plan__owner__username")
    def owner(self, obj: NudgeDelivery):
        return obj.plan.owner

    @admin.display(description="Last error")
    def short_error(self, obj: NudgeDelivery) -> str:
        return obj.last_error if len(obj.last_error) <= 60 else obj.last_error[:57] + "..."

    @admin.action(description="Resend failed deliveries of the current week")
    def resend_failed_of_current_week(self, request, queryset):
        # nudge_resend only takes back a failed (or stuck) delivery of the plan's current
        # week, with a conditional update: a sent email is never sent again from here.
        resent = [d.pk for d in queryset if nudge_resend(delivery=d)]
        skipped = queryset.count() - len(resent)
        for start in range(0, len(resent), DELIVERY_CHUNK_SIZE):
            enqueue_delivery_chunk(resent[start : start + DELIVERY_CHUNK_SIZE])
        self.message_user(
            request,
            f"Resent {len(resent)} deliveries; skipped {skipped} "
            "(not failed, or not of the current week).",
            messages.SUCCESS if resent else messages.WARNING,
        )
