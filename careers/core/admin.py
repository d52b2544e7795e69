"""What every app's admin shares: read-only lists, autocomplete widgets that survive bad
input, and what keeps a list of a million rows fast (a counted-or-estimated paginator, a
date drill-down and a distinct-values filter that read an index instead of the table)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from functools import reduce
from operator import or_

from django.conf import settings
from django.contrib import admin
from django.contrib.admin import helpers, widgets
from django.contrib.admin.utils import get_fields_from_path
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import Exists, F, Max, Min, Model, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.text import smart_split, unescape_string_literal
from django.utils.translation import gettext

# Up to this many rows a list counts them exactly: a few milliseconds, even through a join.
# Past it the count is PostgreSQL's estimate, shown as "about N": an exact COUNT(*) of a
# million rows reads all of them on every page, and nobody pages through 10,000 rows.
EXACT_COUNT_UP_TO = 10_000
# The date drill-down probes at most this many periods of a level (years, in practice: a
# year has 12 months and a month at most 31 days). A wider span of years only comes from
# a mistyped date; the years before the latest hundred are then left out.
PERIODS_PROBED = 100


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows that other code writes and relies on (a delivery's state, what a learner said
    they did): browsable here, never added or changed. ``deletable`` lets staff remove
    rows where nothing depends on them."""

    deletable = False

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return self.deletable and super().has_delete_permission(request, obj)


class _KeysOnly:
    """Drops the submitted values that are not keys of the related model before the widget
    looks them up, so a form sent back with its errors renders them."""

    def optgroups(self, name, value, attr=None):
        related = self.field.remote_field
        opts = related.model._meta
        target = opts.get_field(getattr(related, "field_name", None) or opts.pk.name)
        keys = []
        for item in value:
            try:
                target.to_python(item)
            except ValidationError:
                continue
            keys.append(item)
        return super().optgroups(name, keys, attr)


class SafeAutocompleteSelect(_KeysOnly, widgets.AutocompleteSelect):
    pass


class SafeAutocompleteSelectMultiple(_KeysOnly, widgets.AutocompleteSelectMultiple):
    pass


class SafeAutocompleteMixin:
    """For a ModelAdmin whose ``autocomplete_fields`` must survive a submitted value that is
    not a key.

    Django's autocomplete widget filters the related rows by the submitted values as they
    are: letters, a date or 5,000 digits for an integer key raise ValueError while the form
    is shown again with its error, a 500 instead of "Select a valid choice". The field's own
    validation still refuses such values; the widget just does not look them up.
    """

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class EstimatedCount(int):
    """A row count PostgreSQL's planner estimated: an ``int`` to the paginator, shown as
    "about N" wherever the admin prints it, so nobody takes it for exact."""

    def __str__(self) -> str:
        return f"about {int(self):,}"


def _table_estimate(queryset: QuerySet) -> float:
    """The planner's row count of the whole table (``pg_class.reltuples``, kept by ANALYZE
    and autovacuum); -1 when the table was never analysed."""
    connection = connections[queryset.db]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples FROM pg_class WHERE oid = to_regclass(%s)",
            [connection.ops.quote_name(queryset.model._meta.db_table)],
        )
        row = cursor.fetchone()
    return row[0] if row else -1


def _planner_rows(queryset: QuerySet) -> float:
    """The rows the planner expects the query to return (the top node of EXPLAIN)."""
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    return (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]["Plan Rows"]


def _is_whole_table(queryset: QuerySet) -> bool:
    query = queryset.query
    return not (
        query.where or query.distinct or query.combinator or query.is_sliced or query.group_by
    )


def list_row_count(queryset: QuerySet, *, exact_up_to: int = EXACT_COUNT_UP_TO) -> int:
    """How many rows a list has: exact up to ``exact_up_to``, estimated past it.

    On PostgreSQL the whole table's count is read from ``pg_class.reltuples`` and counted
    only when that is small; a filtered or searched list counts at most ``exact_up_to`` + 1
    rows (``COUNT(*)`` over a ``LIMIT``, which stops there) and, when it reaches that, takes
    the larger of the planner's estimate and what it counted. Other databases (SQLite in
    development and in the tests) always count.
    """
    if connections[queryset.db].vendor != "postgresql":
        return queryset.count()
    queryset = queryset.order_by()
    if queryset.query.distinct and not queryset.query.distinct_fields:
        # Rows told apart by their key alone: DISTINCT over every column sorts them all.
        queryset = queryset.values("pk")
    if _is_whole_table(queryset):
        estimate = _table_estimate(queryset)
        return EstimatedCount(round(estimate)) if estimate > exact_up_to else queryset.count()
    counted = queryset[: exact_up_to + 1].count()
    if counted <= exact_up_to:
        return counted
    return EstimatedCount(max(counted, round(_planner_rows(queryset))))


class EstimatedCountPaginator(Paginator):
    """The admin's paginator with :func:`list_row_count` as its count."""

    def __init__(self, *args, exact_count_up_to: int = EXACT_COUNT_UP_TO, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.exact_count_up_to = exact_count_up_to

    @cached_property
    def count(self) -> int:
        if isinstance(self.object_list, QuerySet):
            return list_row_count(self.object_list, exact_up_to=self.exact_count_up_to)
        return super().count


def _period_starts(first: date, last: date, kind: str) -> list[date]:
    """The first day of every year, month or day from ``first``'s to ``last``'s, the latest
    PERIODS_PROBED of them."""
    if kind == "year":
        years = range(max(first.year, last.year - PERIODS_PROBED + 1), last.year + 1)
        return [date(year, 1, 1) for year in years]
    if kind == "month":
        months = range(first.year * 12 + first.month - 1, last.year * 12 + last.month)
        return [date(m // 12, m % 12 + 1, 1) for m in months][-PERIODS_PROBED:]
    days = (last - first).days + 1
    return [first + timedelta(days=n) for n in range(max(0, days - PERIODS_PROBED), days)]


def _period_end(start: date, kind: str) -> date:
    if kind == "year":
        return date(start.year + 1, 1, 1) if start.year < 9999 else date.max
    if kind == "month":
        month = start.year * 12 + start.month
        return date(month // 12, month % 12 + 1, 1) if month < 9999 * 12 else date.max
    return start + timedelta(days=1) if start < date.max else date.max


class ProbedDates:
    """Stands in for a change list's queryset in Django's date drill-down, which asks it
    for the first and last date and for the years, months or days that have rows. Django
    answers the latter with a ``SELECT DISTINCT`` over every row in the range: a million
    rows for the years of a large table.

    A list of many rows (``small`` false: more than its admin counts exactly) has each
    candidate period between its first and last date probed instead, in one query of
    ``EXISTS`` subqueries, each an index lookup that stops at its first row; its first and
    last dates are the two ends of an index. A list of a few rows (counted exactly) is read
    as Django does, through whatever index serves its filter, except that its first and
    last dates are aggregated over those rows: left to itself, PostgreSQL finds MIN and
    MAX by walking the date's index from one end until a row passes the filter, which for
    rows that all sit at the other end (this week's pending deliveries) is a walk over the
    whole table.
    """

    def __init__(self, queryset: QuerySet, field_name: str, *, small: bool) -> None:
        self.queryset = queryset
        self.field_name = field_name
        self.small = small
        self._bounds: dict | None = None

    def aggregate(self, **_aggregates) -> dict:
        """``first`` and ``last``, whatever aggregates of the field were asked for."""
        if self._bounds is None:
            field = F(self.field_name)
            if self.small:
                # COALESCE(x, x) is x, but not the indexed column: no index walk.
                field = Coalesce(field, field)
            self._bounds = self.queryset.aggregate(first=Min(field), last=Max(field))
        return self._bounds

    def dates(self, field_name: str, kind: str) -> list[date]:
        if self.small:
            return list(self.queryset.dates(field_name, kind))
        return self._probed(field_name, kind, aware=False)

    def datetimes(self, field_name: str, kind: str) -> list[datetime]:
        if self.small:
            return list(self.queryset.datetimes(field_name, kind))
        return self._probed(field_name, kind, aware=True)

    def _probed(self, field_name: str, kind: str, *, aware: bool) -> list:
        bounds = self.aggregate()
        first, last = bounds["first"], bounds["last"]
        if first is None or last is None:
            return []
        if aware:
            first, last = timezone.localtime(first).date(), timezone.localtime(last).date()
        starts = _period_starts(first, last, kind)
        edges = [(start, _period_end(start, kind)) for start in starts]
        if aware:
            edges = [(_local_midnight(start), _local_midnight(end)) for start, end in edges]
        probes = {
            f"p{n}": Exists(
                self.queryset.filter(**{f"{field_name}__gte": low, f"{field_name}__lt": high})
            )
            for n, (low, high) in enumerate(edges)
        }
        # One row of the table carries the answers; an empty table has no dates to probe.
        rows = (
            self.queryset.model._base_manager.using(self.queryset.db)
            .annotate(**probes)
            .values_list(*probes)
            .order_by()[:1]
        )
        found = next(iter(rows), ())
        return [low for (low, _high), has_rows in zip(edges, found, strict=False) if has_rows]


def _local_midnight(day: date) -> datetime:
    """The start of ``day`` in the current time zone, where the drill-down's days begin."""
    midnight = datetime.combine(day, time.min)
    return timezone.make_aware(midnight) if settings.USE_TZ else midnight


def distinct_values(model: type[Model], field_name: str) -> list:
    """Every distinct non-null value of a column, in order, by a loose index scan: each
    step asks for the smallest value above the last one, which an index on the column
    answers at once. One probe per value instead of a pass over every row (PostgreSQL 15
    has no skip scan of its own); SQLite runs the same query."""
    field = model._meta.get_field(field_name)
    connection = connections[model._default_manager.db]
    quote = connection.ops.quote_name
    table, column = quote(model._meta.db_table), quote(field.column)
    # Only the quoted names of the model's own table and column go into the text.
    sql = (
        f"WITH RECURSIVE found(value) AS ("  # noqa: S608
        f" SELECT MIN({column}) FROM {table}"
        f" UNION ALL"
        f" SELECT (SELECT MIN({column}) FROM {table} WHERE {column} > found.value)"
        f" FROM found WHERE found.value IS NOT NULL"
        f") SELECT value FROM found WHERE value IS NOT NULL"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [field.to_python(value) for (value,) in cursor.fetchall()]


class IndexedValuesListFilter(admin.AllValuesFieldListFilter):
    """Django's filter by each value a column holds, with the values read by
    :func:`distinct_values` (the column needs an index) instead of ``SELECT DISTINCT`` over
    the table. It lists the values of the whole table, as Django's does for an admin that
    shows every row; a null column also offers the empty value."""

    def choices(self, changelist):
        values = distinct_values(self.field.model, self.field.name)
        if (
            self.field.null
            and self.field.model._default_manager.filter(
                **{f"{self.field.name}__isnull": True}
            ).exists()
        ):
            values.append(None)
        self.lookup_choices = values
        yield from super().choices(changelist)


def search_terms_q(search_term: str, fields: Sequence[str]) -> Q:
    """Django admin's search as a ``Q`` over some fields of one model: every term (a quoted
    phrase is one term) is in one of the fields, case-insensitively.

    A large list whose search fields sit on a related model (the learner behind a plan)
    filters by ``relation__in=<that model filtered by this>``. Django's own search ORs the
    fields across the join, which PostgreSQL can only answer by joining every row of both
    tables; a subquery on the related table alone is answered by its indexes (the trigram
    indexes on the users' names and addresses), then the rows by their foreign key.
    """
    condition = Q()
    for term in smart_split(search_term):
        if term.startswith(('"', "'")) and term[0] == term[-1]:
            term = unescape_string_literal(term)
        condition &= reduce(or_, (Q(**{f"{field}__icontains": term}) for field in fields))
    return condition


class LargeTableAdmin(admin.ModelAdmin):
    """For a table of a million rows: no exact ``COUNT(*)`` of it on every page (see
    :func:`list_row_count`, and no "x of y total" line, which would count the whole table
    again), no per-choice counts in the filters (facets count every row once per choice),
    and a date drill-down that probes an index (:class:`ProbedDates`) instead of reading
    every row's date. The list's ordering and filters still need indexes that match them,
    declared on the model."""

    paginator = EstimatedCountPaginator
    # Each row of a change list costs about a millisecond of Python in Django's admin
    # (items_for_result: a cell per column, each formatted, its link rebuilt with the
    # filters kept): at Django's 100 rows a page that alone is the page's budget.
    list_per_page = 50
    exact_count_up_to = EXACT_COUNT_UP_TO
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    change_list_template = "admin/core/large_table_change_list.html"

    def action_checkbox(self, obj) -> str:
        # Django renders each row's checkbox through the form widget's templates: a fifth
        # of a 100-row page's time. The same markup, written out (a test compares the two).
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            str(obj.pk),
            format_html(gettext("Select this object for an action - {}"), str(obj)),
        )

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        return self.paginator(
            queryset,
            per_page,
            orphans,
            allow_empty_first_page,
            exact_count_up_to=self.exact_count_up_to,
        )

    def get_search_results(self, request, queryset, search_term):
        """Search fields that all go through one relation (``plan__owner__username``,
        ``plan__owner__email``) are searched on the related model alone, by
        :func:`search_terms_q`; any others as Django does."""
        fields = list(self.get_search_fields(request))
        relations = {field.rpartition("__")[0] for field in fields}
        if not search_term.strip() or len(relations) != 1 or "" in relations:
            return super().get_search_results(request, queryset, search_term)
        (relation,) = relations
        related = get_fields_from_path(self.model, relation)[-1].related_model
        names = [field.rpartition("__")[2] for field in fields]
        if related is None or any(not _is_plain_field(related, name) for name in names):
            return super().get_search_results(request, queryset, search_term)
        matching = related._default_manager.filter(search_terms_q(search_term, names))
        return queryset.filter(**{f"{relation}__in": matching}), False


def _is_plain_field(model: type[Model], name: str) -> bool:
    try:
        return not model._meta.get_field(name).is_relation
    except FieldDoesNotExist:
        return False
