"""HTML written in Python where a template per row costs a list page the most (the console's creator list,
权益中心's requirement rows, the square's cards): each escapes as the template language's autoescape."""

from html import escape


def escaped(value) -> str:
    """``django.utils.html.conditional_escape`` without its lazy-argument wrapper (a few µs a call): safe
    strings as they are, anything else as text, escaped."""
    return value.__html__() if hasattr(value, "__html__") else escape(str(value))
