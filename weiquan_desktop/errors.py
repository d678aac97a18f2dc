"""Errors whose message is meant for the station's staff (Simplified Chinese, says what and where)."""


class UserError(Exception):
    """A failure the user can understand and act on; shown as-is, never with a traceback."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ValidationError(UserError):
    """Input that cannot be saved. ``field`` names the form field (Chinese label) at fault."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field
