"""URL fields hold web addresses only: http(s). Anything else (javascript:, data:, vbscript:,
file:) would become a link that runs script or opens local files when a reader clicks it."""

from __future__ import annotations

from urllib.parse import urlsplit


def is_http_url(value: str | None) -> bool:
    value = (value or "").strip()
    if not value:
        return False
    parts = urlsplit(value)
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


def http_url(value: str | None, field: str = "url") -> str:
    """VALUE stripped, '' when empty, ValueError naming FIELD when it is not http(s)."""
    value = (value or "").strip()
    if value and not is_http_url(value):
        raise ValueError(f"{field} must be an http or https address (got "
                         f"{value.split(':', 1)[0][:20]}:…)")
    return value


def safe_href(value: str | None) -> str:
    """VALUE if it is an http(s) URL, else '' (for links built from stored data)."""
    return value.strip() if is_http_url(value) else ""
