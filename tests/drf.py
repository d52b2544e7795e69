"""Reading DRF responses in tests."""


def error_messages(body) -> list[str]:
    """Every message in a DRF error body, however deeply it is nested."""
    if isinstance(body, str):
        return [body]
    if isinstance(body, dict):
        return [message for value in body.values() for message in error_messages(value)]
    if isinstance(body, list):
        return [message for value in body for message in error_messages(value)]
    return []


def server_error_or_unreadable(response) -> str | None:
    """What is wrong with an answer to a hostile request, or None: never a server error, and
    a 4xx must say why, in JSON."""
    if response.status_code >= 500:
        return f"{response.status_code}: {response.content[:200]!r}"
    if response.status_code < 400:
        return None
    if not response["Content-Type"].startswith("application/json"):
        return f"{response.status_code} as {response['Content-Type']}"
    if not any(error_messages(response.json())):
        return f"{response.status_code} without a message: {response.content[:200]!r}"
    return None
