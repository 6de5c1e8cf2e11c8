"""goodpartners: self-assessment and team scoring for good partnership working."""

from __future__ import annotations

__all__ = ["__version__"]


def __getattr__(name: str) -> str:
    # Looked up only when asked for: reading package metadata costs about 50 ms at
    # every start, which matters when an HR lead scores a file in a loop.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("goodpartners")
        except PackageNotFoundError:  # a source checkout that was never installed
            return "0.0.0"
    raise AttributeError(f"module 'goodpartners' has no attribute {name!r}")
