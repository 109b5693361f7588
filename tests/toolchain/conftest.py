"""Tests of the book's toolchain: they need the reference environment (.venv), not only the package."""
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT
