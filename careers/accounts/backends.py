"""How a signed-in request finds its user."""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth import get_user_model


class AuthenticationBackend(AllauthBackend):
    """allauth's backend (sign in by username or email address), reading the user's profile
    in the same query as the user: every signed-in request reads the profile's time zone
    (``UserTimezoneMiddleware``), and a join costs far less than a second round trip."""

    def get_user(self, user_id):
        model = get_user_model()
        try:
            user = model._default_manager.select_related("profile").get(pk=user_id)
        except model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
