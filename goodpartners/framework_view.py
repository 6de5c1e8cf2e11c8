"""A checked framework's plain view: what the start of a questionnaire shows.

'assess' draws its introduction and first statement from this view, kept in the cache
of checked frameworks (framework_cache.py), while the models load: plain data needs
no pydantic, whose model machinery takes longer to load than the whole start may.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

NOT_APPLICABLE: Literal["n/a"] = "n/a"
"""The answer 'does not apply', which a scale may offer beside its points."""
Answer = int | Literal["n/a"] | None


@dataclass(frozen=True)
class ScaleView:
    """The answer scale, as the questionnaire shows it."""

    min: int
    max: int
    labels: dict[int, str]
    not_applicable: str | None


@dataclass(frozen=True)
class StatementView:
    """One statement, with the name of the competency it belongs to."""

    competency: str
    text: str
    quick: bool


@dataclass(frozen=True)
class FrameworkView:
    """The framework's id and title, its scale, and its statements in order."""

    id: str
    title: str
    scale: ScaleView
    statements: tuple[StatementView, ...]

    def asked(self, quick: bool) -> tuple[StatementView, ...]:
        """The statements asked, in order: every one, or only the quick ones."""
        return tuple(s for s in self.statements if s.quick or not quick)
