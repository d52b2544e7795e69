"""The admin of each kind of curated content, built from the workflow, history, preview
and import mixins, and the read-only list of pending changes."""

from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from careers.content.admin.history import HistoryMixin, ReadOnlyHistoryAdmin
from careers.content.admin.imports import ImportExportMixin
from careers.content.admin.preview import PreviewMixin
from careers.content.admin.workflow import WorkflowMixin
from careers.content.feedback import advice_with_signals
from careers.content.models import (
    WEEKDAYS,
    AdviceItem,
    CareerPath,
    ContentRevision,
    Criterion,
    Goal,
    LearningTrack,
    RedFlagRule,
    Tag,
    Tip,
    TrackCourse,
    TrackPrerequisite,
    TrackProjectStep,
)
from careers.content.snapshots import CITATION_FIELDS, spec_for
from careers.core.admin import ReadOnlyAdmin, SafeAutocompleteMixin

CITATION_FIELDSET = ("Citation", {"fields": tuple(CITATION_FIELDS.values())})
WORKFLOW_FIELDSET = ("Workflow", {"fields": ("status", "version", "updated_at")})


class ContentAdmin(
    SafeAutocompleteMixin, ImportExportMixin, HistoryMixin, WorkflowMixin, ReadOnlyHistoryAdmin
):
    """Shared behaviour for curated content: the review workflow, history, import and
    export, and the citation at a glance."""

    list_filter = ["citation_licence"]
    readonly_fields = ["updated_at"]
    list_per_page = 50
    save_on_top = True


@admin.register(CareerPath)
class CareerPathAdmin(ContentAdmin):
    list_display = ["name", "slug", "position", "status_badge", "version", "verified", "updated_at"]
    search_fields = ["name", "slug", "summary", "what_to_look_for", "typical_questions"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = (
        (None, {"fields": ("name", "slug", "position")}),
        ("Advice", {"fields": ("summary", "what_to_look_for", "typical_questions")}),
        CITATION_FIELDSET,
        WORKFLOW_FIELDSET,
    )


@admin.register(Goal)
class GoalAdmin(ContentAdmin):
    list_display = ["name", "slug", "requires_path", "status_badge", "version", "verified"]
    list_filter = ["paths", "requires_path"]
    search_fields = ["name", "slug", "description"]
    filter_horizontal = ["paths"]
    list_select_related = ["requires_path"]
    fieldsets = (
        (None, {"fields": ("name", "slug", "position", "description")}),
        ("Paths", {"fields": ("paths", "requires_path")}),
        CITATION_FIELDSET,
        WORKFLOW_FIELDSET,
    )


@admin.register(Criterion)
class CriterionAdmin(ContentAdmin):
    list_display = [
        "key",
        "question",
        "category",
        "answer_type",
        "default_weight",
        "path_list",
        "status_badge",
        "verified",
    ]
    list_filter = ["category", "answer_type", "ask_whom", "paths"]
    search_fields = ["key", "question", "help_text", "question_to_ask"]
    filter_horizontal = ["paths"]
    fieldsets = (
        (None, {"fields": ("key", "question", "help_text", "position")}),
        (
            "Scoring",
            {"fields": ("category", "answer_type", "default_weight", "count_target", "paths")},
        ),
        (
            "When the answer is unknown or raises a red flag",
            {"fields": ("question_to_ask", "ask_whom")},
        ),
        CITATION_FIELDSET,
        WORKFLOW_FIELDSET,
    )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("paths")

    @admin.display(description="Paths")
    def path_list(self, obj: Criterion) -> str:
        return ", ".join(path.slug for path in obj.paths.all())


@admin.register(RedFlagRule)
class RedFlagRuleAdmin(PreviewMixin, ContentAdmin):
    list_display = [
        "key",
        "title",
        "criterion",
        "condition_text",
        "severity",
        "status_badge",
        "verified",
    ]
    list_filter = ["severity", "operator", "criterion__category", "criterion__paths"]
    search_fields = ["key", "title", "explanation", "criterion__key"]
    list_select_related = ["criterion"]
    autocomplete_fields = ["criterion"]
    fieldsets = (
        (None, {"fields": ("key", "title", "criterion", "operator", "value", "severity")}),
        ("Advice", {"fields": ("explanation",)}),
        CITATION_FIELDSET,
        WORKFLOW_FIELDSET,
    )


@admin.register(Tag)
class TagAdmin(ImportExportMixin, ReadOnlyHistoryAdmin):
    list_display = ["name", "slug", "kind"]
    list_filter = ["kind"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(AdviceItem)
class AdviceItemAdmin(PreviewMixin, ContentAdmin):
    list_display = [
        "title",
        "slug",
        "tag_list",
        "status_badge",
        "version",
        "verified",
        "shown_in_results",
        "shown_in_emails",
        "helpful_yes",
        "helpful_no",
    ]
    list_filter = ["paths", "tags", "audience", "citation_licence"]
    search_fields = ["title", "slug", "body"]
    filter_horizontal = ["paths", "tags", "red_flags"]
    prepopulated_fields = {"slug": ["title"]}
    fieldsets = (
        (None, {"fields": ("title", "slug", "position", "body")}),
        ("Where it applies", {"fields": ("audience", "paths", "tags", "red_flags")}),
        CITATION_FIELDSET,
        WORKFLOW_FIELDSET,
    )

    def get_queryset(self, request):
        return advice_with_signals(super().get_queryset(request).prefetch_related("tags"))

    @admin.display(description="Shown in results", ordering="shown_in_results")
    def shown_in_results(self, obj: AdviceItem) -> int:
        return obj.shown_in_results

    @admin.display(description="Shown in emails", ordering="shown_in_emails")
    def shown_in_emails(self, obj: AdviceItem) -> int:
        return obj.shown_in_emails

    @admin.display(description="Helpful", ordering="helpful_yes")
    def helpful_yes(self, obj: AdviceItem) -> int:
        return obj.helpful_yes

    @admin.display(description="Not helpful", ordering="helpful_no")
    def helpful_no(self, obj: AdviceItem) -> int:
        return obj.helpful_no

    @admin.display(description="Tags")
    def tag_list(self, obj: AdviceItem) -> str:
        return ", ".join(tag.slug for tag in obj.tags.all())


class LearningTrackForm(forms.ModelForm):
    study_days = forms.TypedMultipleChoiceField(
        choices=WEEKDAYS, coerce=int, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = LearningTrack
        # What a track's seed entry holds, plus its slug and citation: one list for both.
        fields = ["slug", *spec_for(LearningTrack).fields, *CITATION_FIELDS.values()]


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
        "status_badge",
        "version",
        "verified",
    ]
    search_fields = ["name", "slug", "summary"]
    inlines = [TrackPrerequisiteInline, TrackCourseInline, TrackProjectStepInline]

    @admin.display(description="Study days")
    def study_day_list(self, obj: LearningTrack) -> str:
        return ", ".join(obj.study_day_names)


@admin.register(Tip)
class TipAdmin(PreviewMixin, ContentAdmin):
    list_display = ["key", "short_text", "track", "status_badge", "version", "verified"]
    list_filter = ["track"]
    search_fields = ["key", "text"]
    list_select_related = ["track"]

    @admin.display(description="Text")
    def short_text(self, obj: Tip) -> str:
        return obj.text if len(obj.text) <= 80 else obj.text[:77] + "..."


@admin.register(ContentRevision)
class ContentRevisionAdmin(ReadOnlyAdmin):
    """Pending and past changes to published items, read-only: they are made and decided
    from each item's own page."""

    list_display = [
        "__str__",
        "item_link",
        "status",
        "base_version",
        "published_version",
        "created_by",
        "updated_at",
        "submitted_by",
        "decided_by",
    ]
    list_filter = ["status", "content_type"]
    list_select_related = ["content_type", "created_by", "submitted_by", "decided_by"]
    date_hierarchy = "updated_at"

    @admin.display(description="Item")
    def item_link(self, obj: ContentRevision) -> str:
        model = obj.content_type.model_class()
        url = reverse(
            f"admin:{obj.content_type.app_label}_{obj.content_type.model}_change",
            args=[obj.object_id],
        )
        label = model._meta.verbose_name if model else obj.content_type.model
        return format_html('<a href="{}">{} #{}</a>', url, label, obj.object_id)
