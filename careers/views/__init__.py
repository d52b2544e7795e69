from django.http import HttpRequest, QueryDict


def posted(request: HttpRequest) -> QueryDict | None:
    """The POST data to bind a form to, even when empty (an empty form is still a submission);
    None on GET, so the form renders unbound."""
    return request.POST if request.method == "POST" else None
