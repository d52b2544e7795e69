"""Reading an admin change form back as POST data, the way a browser would submit it."""

from django.test import Client


def change_form_data(client: Client, url: str) -> dict:
    """The data of the form at ``url`` as shown (for a published item with a pending change:
    the pending change), ready to post back with some fields altered."""
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if value is None:
            continue
        if isinstance(value, list | tuple):
            data[name] = [str(item) for item in value]
        elif (
            field.widget.input_type == "checkbox" if hasattr(field.widget, "input_type") else False
        ):
            if value:
                data[name] = "on"
        else:
            data[name] = value
    workflow = response.context.get("workflow")
    if workflow:  # the hidden field the change form of curated content carries
        data["_workflow_token"] = workflow["token"]
    for formset in response.context.get("inline_admin_formsets", []):
        management = formset.formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        for inline_form in formset.formset.forms:
            for name in inline_form.fields:
                value = inline_form[name].value()
                if value is not None and value is not False:
                    data[inline_form.add_prefix(name)] = value
    return data
