"""The time as saved records keep it: local, to the second, with its time zone."""

from __future__ import annotations

from datetime import datetime


def now() -> datetime:
    """The local time to the second, with its time zone, for saved records."""
    return datetime.now().astimezone().replace(microsecond=0)
