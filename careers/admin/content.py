from django import forms
from django.contrib import admin

from careers.models import (
    AdviceItem,
    CareerPath,
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
from careers.models.content import WEEKDAYS

CITATION_FIELDSET = (
    "Citation",
    {"fields": ("citation_source", "citation_span", "citation_url", "citation_licence")},
)


class ContentAdmin(admin.ModelAdmin):
    """Shared behaviour for curated content: publication and citation at a glance."""

    list_filter = ["status", "citation_licence"]
    readonly_fields = ["updated_at"]
    list_per_page = 50
    save_on_top = True


@admin.register(CareerPath)
class CareerPathAdmin(ContentAdmin):
    list_display = ["name", "slug", "position", "status", "citation_span", "updated_at"]
    list_editable = ["position"]
    search_fields = ["name", "slug", "summary", "what_to_look_for", "typical_questions"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = (
        (None, {"fields": ("name", "slug", "position", "status")}),
        ("Advice", {"fields": ("summary", "what_to_look_for", "typical_questions")}),
        CITATION_FIELDSET,
        ("History", {"fields": ("updated_at",)}),
    )


@admin.register(Goal)
class GoalAdmin(ContentAdmin):
    list_display = ["name", "slug", "requires_path", "status", "citation_span"]
    list_filter = ["status", "paths", "requires_path"]
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
        "status",
        "citation_span",
    ]
    list_filter = ["status", "category", "answer_type", "paths"]
    search_fields = ["key", "question", "help_text", "question_to_ask"]
    filter_horizontal = ["paths"]
    fieldsets = (
        (None, {"fields": ("key", "question", "help_text", "status", "position")}),
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
    list_display = ["key", "title", "criterion", "condition_text", "severity", "status"]
    list_filter = ["status", "severity", "operator", "criterion__category"]
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
    list_display = ["title", "slug", "tag_list", "status", "citation_span", "updated_at"]
    list_filter = ["status", "paths", "tags", "citation_licence"]
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
            "status",
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
        "status",
    ]
    search_fields = ["name", "slug", "summary"]
    inlines = [TrackPrerequisiteInline, TrackCourseInline, TrackProjectStepInline]

    @admin.display(description="Study days")
    def study_day_list(self, obj: LearningTrack) -> str:
        return ", ".join(obj.study_day_names)


@admin.register(Tip)
class TipAdmin(ContentAdmin):
    list_display = ["key", "short_text", "track", "status", "citation_span"]
    list_filter = ["status", "track"]
    search_fields = ["key", "text"]
    list_select_related = ["track"]

    @admin.display(description="Text")
    def short_text(self, obj: Tip) -> str:
        return obj.text if len(obj.text) <= 80 else obj.text[:77] + "..."
