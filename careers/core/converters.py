"""URL converters shared by the project's routes."""


class TokenConverter:
    """Secret tokens from ``secrets.token_urlsafe`` and Django's signer: URL-safe base64 with
    the signer's ``:`` and ``.``. Anything else (a NUL byte, say) never reaches a query."""

    regex = r"[-A-Za-z0-9_:.]{1,512}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
