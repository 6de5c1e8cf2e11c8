"""Run with ``python -m goodpartners``."""

from goodpartners.cli import main

main()
