"""The advice library's filter form."""

from django import forms

from careers.content.selectors import path_list, tag_list


class AdviceFilterForm(forms.Form):
    path = forms.ChoiceField(required=False, label="Career path")
    tag = forms.ChoiceField(required=False, label="Tag")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["path"].choices = [("", "All paths")] + [
            (path.slug, path.name) for path in path_list()
        ]
        self.fields["tag"].choices = [("", "All tags")] + [
            (tag.slug, tag.name) for tag in tag_list()
        ]
