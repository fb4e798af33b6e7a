"""The translation marker the domain uses without depending on the i18n machinery."""


def N_(message: str) -> str:
    """Mark ``message`` for extraction; it is translated where it is displayed."""
    return message
