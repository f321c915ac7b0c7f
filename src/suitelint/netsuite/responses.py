"""What NetSuite's error responses say, for messages (used by the client and by auth)."""

from __future__ import annotations

import requests


def error_detail(response: requests.Response) -> tuple[str, str]:
    """(o:errorCode, detail) from a NetSuite REST error body, as far as present."""
    try:
        body = response.json()
    except ValueError:
        return "", ""
    if not isinstance(body, dict):
        return "", ""
    details = body.get("o:errorDetails")
    if isinstance(details, list) and details and isinstance(details[0], dict):
        first = details[0]
        return str(first.get("o:errorCode", "")), _clip(str(first.get("detail", "")))
    # OAuth 2.0 token endpoint errors are RFC 6749 style: {"error": "invalid_client"}
    if "error" in body:
        return str(body.get("error", "")), _clip(str(body.get("error_description", "")))
    return "", _clip(str(body.get("title", "")))


def _clip(text: str, limit: int = 400) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
