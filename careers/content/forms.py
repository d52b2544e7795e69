"""The advice library's filter form."""

from django import forms

from careers.content.selectors import path_list, tag_list


class AdviceFilterForm(forms.Form):
    path = forms.ChoiceField(required=False, label="Career path")
    tag = forms.ChoiceField(required=False, label="Tag")

    def __init__(self, *args, path_choices=None, tag_choices=None, **kwargs):
        """``path_choices`` and ``tag_choices`` (``[(slug, name)]``) spare the two queries
        when the page has them already (cached)."""
        super().__init__(*args, **kwargs)
        if path_choices is None:
            path_choices = [(path.slug, path.name) for path in path_list()]
        if tag_choices is None:
            tag_choices = [(tag.slug, tag.name) for tag in tag_list()]
        self.fields["path"].choices = [("", "All paths"), *path_choices]
        self.fields["tag"].choices = [("", "All tags"), *tag_choices]
