"""The time zone select, as the server renders it: UTC first, then the IANA zones grouped by
region under their city names, every zone exactly once. Sign-up and a profile still on the
default are marked for core/timezone.js to choose the browser's zone; without JavaScript the
form keeps UTC, and a zone the user chose is never marked."""

from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model

from careers.accounts.forms import ProfileForm, SignupForm
from careers.accounts.models import Profile, timezone_names
from tests.factories import PASSWORD, UserFactory

MARKER = "data-timezone-default"


class TimezoneSelect(HTMLParser):
    """The ``timezone`` select of a page: its attributes and its options in order, each as
    (group label or None, value, label, selected)."""

    def __init__(self, html: str):
        super().__init__()
        self.attrs: dict[str, str | None] | None = None
        self.options: list[tuple[str | None, str, str, bool]] = []
        self._inside = False
        self._group: str | None = None
        self._option: tuple[str, bool] | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "select" and dict(attrs).get("name") == "timezone":
            self.attrs = dict(attrs)
            self._inside = True
        elif self._inside and tag == "optgroup":
            self._group = dict(attrs)["label"]
        elif self._inside and tag == "option":
            self._option = (dict(attrs)["value"], "selected" in dict(attrs))

    def handle_data(self, data):
        if self._option is not None:
            value, selected = self._option
            self.options.append((self._group, value, data.strip(), selected))
            self._option = None

    def handle_endtag(self, tag):
        if tag == "optgroup":
            self._group = None
        elif tag == "select":
            self._inside = False

    @property
    def groups(self) -> list[str]:
        return list(dict.fromkeys(group for group, *_ in self.options if group))

    @property
    def selected(self) -> list[str]:
        return [value for _, value, _, selected in self.options if selected]


def sign_up_data(**overrides) -> dict[str, str]:
    return {
        "email": "alice@example.com",
        "timezone": "UTC",
        "password1": PASSWORD,
        "password2": PASSWORD,
        **overrides,
    }


def test_it_groups_the_time_zones_by_region_with_utc_first(client, db):
    select = TimezoneSelect(client.get("/accounts/signup/").content.decode())

    assert select.options[0] == (None, "UTC", "UTC", True)
    assert select.groups == [
        "Africa",
        "America",
        "Antarctica",
        "Arctic",
        "Asia",
        "Atlantic",
        "Australia",
        "Europe",
        "Indian Ocean",
        "Pacific",
        "Other names",
    ]
    by_value = {value: (group, label) for group, value, label, _ in select.options}
    # Each zone reads as its city within its region, so typing the city's name finds it.
    assert by_value["Asia/Tokyo"] == ("Asia", "Tokyo")
    assert by_value["Europe/Paris"] == ("Europe", "Paris")
    assert by_value["America/New_York"] == ("America", "New York")
    assert by_value["America/Argentina/Buenos_Aires"] == ("America", "Buenos Aires (Argentina)")
    assert by_value["Indian/Maldives"] == ("Indian Ocean", "Maldives")
    assert by_value["US/Eastern"] == ("Other names", "US/Eastern")
    europe = [label for group, _, label, _ in select.options if group == "Europe"]
    assert europe == sorted(europe)


def test_it_offers_every_iana_time_zone_exactly_once(client, db):
    select = TimezoneSelect(client.get("/accounts/signup/").content.decode())

    values = [value for _, value, _, _ in select.options]
    assert len(values) == len(set(values))
    assert sorted(values) == timezone_names()
    assert len(values) > 400
    form_values = [
        value
        for value, label in SignupForm().fields["timezone"].choices
        for value in ([value] if isinstance(label, str) else [v for v, _ in label])
    ]
    assert sorted(form_values) == timezone_names()


@pytest.mark.parametrize("name", ["US/Eastern", "Japan", "Etc/GMT+5", "Asia/Calcutta"])
def test_it_accepts_the_older_names_of_time_zones(client, alice, name):
    client.force_login(alice)
    response = client.post("/accounts/profile/", {"timezone": name})
    assert response.status_code == 302
    assert Profile.objects.get(user=alice).timezone == name
    assert ProfileForm({"timezone": name}).is_valid()


def test_it_keeps_utc_when_sign_up_is_sent_without_javascript(client, db):
    """Without the script the form goes out as the server rendered it: UTC selected."""
    page = client.get("/accounts/signup/").content.decode()
    select = TimezoneSelect(page)
    assert select.attrs[MARKER] == "UTC"
    assert select.selected == ["UTC"]
    assert '<script src="/static/core/timezone.js" defer></script>' in page

    response = client.post("/accounts/signup/", sign_up_data(timezone=select.selected[0]))

    assert response.status_code == 302
    assert get_user_model().objects.get(email="alice@example.com").profile.timezone == "UTC"


def test_it_marks_the_profile_for_the_browsers_zone_only_while_it_holds_utc(client, db):
    on_default = UserFactory(username="alice", profile__timezone="UTC")
    client.force_login(on_default)
    select = TimezoneSelect(client.get("/accounts/profile/").content.decode())
    assert select.attrs[MARKER] == "UTC"
    assert select.selected == ["UTC"]

    chose_paris = UserFactory(username="bob", profile__timezone="Europe/Paris")
    client.force_login(chose_paris)
    page = client.get("/accounts/profile/").content.decode()
    select = TimezoneSelect(page)
    assert MARKER not in select.attrs
    assert MARKER not in page
    assert select.selected == ["Europe/Paris"]


def test_it_marks_a_new_plans_time_zone_only_while_the_profile_holds_utc(client, seeded):
    client.force_login(UserFactory(username="alice", profile__timezone="UTC"))
    select = TimezoneSelect(client.get("/plans/new/").content.decode())
    assert select.attrs[MARKER] == "UTC"

    client.force_login(UserFactory(username="bob", profile__timezone="Asia/Kolkata"))
    select = TimezoneSelect(client.get("/plans/new/").content.decode())
    assert MARKER not in select.attrs
    assert select.selected == ["Asia/Kolkata"]


def test_it_refuses_an_unknown_zone_on_sign_up_with_a_form_error(client, db):
    response = client.post("/accounts/signup/", sign_up_data(timezone="Mars/Olympus_Mons"))

    assert response.status_code == 200
    assert "timezone" in response.context["form"].errors
    assert "Your account was not created." in response.content.decode()
    assert not get_user_model().objects.exists()


def test_it_refuses_an_unknown_zone_on_the_profile_with_a_form_error(client, db):
    alice = UserFactory(username="alice", profile__timezone="Europe/Paris")
    client.force_login(alice)

    response = client.post("/accounts/profile/", {"timezone": "Europe/Atlantis"})

    assert response.status_code == 200
    assert "timezone" in response.context["form"].errors
    assert "Your settings were not saved." in response.content.decode()
    assert Profile.objects.get(user=alice).timezone == "Europe/Paris"
