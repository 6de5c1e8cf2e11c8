"""The Jinja2 environment every HTML page is drawn with: autoescaped, strict, cached.

Kept apart from html.py so that the team summary can use it without importing the
personal report's models.
"""

from __future__ import annotations

import jinja2
import jinja2.bccache

from goodpartners.render.common import (
    change_text,
    date_text,
    focus_text,
    hours_text,
    offer_hours,
    score_text,
)

__all__ = ["make_environment"]


class _CacheOrNone(jinja2.BytecodeCache):
    """A bytecode cache where any trouble (no folder, a full disk, rubbish) means no cache."""

    def __init__(self, cache: jinja2.BytecodeCache) -> None:
        self._cache = cache

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            self._cache.load_bytecode(bucket)
        except Exception:  # a cache can fail in any way; compile the template instead
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            self._cache.dump_bytecode(bucket)
        except Exception:  # the page is made all the same; only the cache is lost
            return

    def clear(self) -> None:
        try:
            self._cache.clear()
        except Exception:
            return


def make_environment(bytecode_cache: jinja2.BytecodeCache | None = None) -> jinja2.Environment:
    """A template environment for every HTML page the tool writes.

    Autoescape is on for every template, whatever its name, so a name such as
    `<script>` shows as text. Trouble with the bytecode cache means running without it.
    """
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("goodpartners.render", "templates"),
        bytecode_cache=None if bytecode_cache is None else _CacheOrNone(bytecode_cache),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["score"] = score_text
    env.filters["change"] = change_text
    env.filters["date"] = date_text
    env.filters["hours"] = hours_text
    env.filters["offer_hours"] = lambda hours: offer_hours(hours, unit=False)
    env.filters["focus"] = focus_text
    return env
