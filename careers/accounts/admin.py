"""Profiles in the admin (a user's time zone), the admin's login form, and the lists of
users, their addresses and API tokens as lists of a large table."""

from allauth.account.adapter import get_adapter
from allauth.account.admin import EmailAddressAdmin as AllauthEmailAddressAdmin
from allauth.account.models import EmailAddress
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.validators import MaxLengthValidator
from rest_framework.authtoken.admin import TokenAdmin as RestFrameworkTokenAdmin
from rest_framework.authtoken.models import TokenProxy

from careers.accounts.models import Profile
from careers.core.admin import (
    IndexedValuesListFilter,
    LargeTableAdmin,
    SafeAutocompleteMixin,
    search_terms_q,
)


class AdminLoginForm(AdminAuthenticationForm):
    """The admin's login, refusing a username longer than any account's (150) before it
    reaches authentication and axes. Django's form sets that length after its field's
    validators were built, so it only tells the browser (``maxlength``)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length))


admin.site.login_form = AdminLoginForm


@admin.register(Profile)
class ProfileAdmin(SafeAutocompleteMixin, LargeTableAdmin):
    list_display = ["user", "timezone"]
    search_fields = ["user__username", "user__email"]
    list_filter = [("timezone", IndexedValuesListFilter)]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]


# Every learner has an account, an address and maybe a token: these lists are as long as
# the plans'. The libraries' admins, with LargeTableAdmin's count and search.
admin.site.unregister(get_user_model())


@admin.register(get_user_model())
class UserAdmin(LargeTableAdmin, DjangoUserAdmin):
    pass


admin.site.unregister(EmailAddress)


@admin.register(EmailAddress)
class EmailAddressAdmin(LargeTableAdmin, AllauthEmailAddressAdmin):
    def get_search_results(self, request, queryset, search_term):
        # The address itself, or its user's name or address. Each is found through its
        # own trigram indexes and the two are united; Django's search ORs them across the
        # join of every address to its user, which reads both tables whole.
        if not search_term.strip():
            return queryset, False
        user_fields = get_adapter().get_user_search_fields()
        users = get_user_model().objects.filter(search_terms_q(search_term, user_fields))
        by_address = EmailAddress.objects.filter(search_terms_q(search_term, ["email"]))
        by_user = EmailAddress.objects.filter(user__in=users)
        matching = by_address.values("pk").union(by_user.values("pk"))
        return queryset.filter(pk__in=matching), False


admin.site.unregister(TokenProxy)


@admin.register(TokenProxy)
class TokenAdmin(LargeTableAdmin, RestFrameworkTokenAdmin):
    pass
