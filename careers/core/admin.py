"""What every app's admin shares."""

from django.contrib import admin
from django.contrib.admin import widgets
from django.core.exceptions import ValidationError


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
