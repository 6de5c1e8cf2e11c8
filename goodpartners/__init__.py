"""goodpartners: self-assessment and team scoring for good partnership working."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("goodpartners")
except PackageNotFoundError:  # running from a source checkout without install
    __version__ = "0.0.0"

__all__ = ["__version__"]
