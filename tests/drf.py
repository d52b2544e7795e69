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
