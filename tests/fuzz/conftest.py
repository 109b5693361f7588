"""The fuzz stage's inputs, generated once per session (hypothesmith takes a few seconds)."""
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import generators  # noqa: E402


@pytest.fixture(scope="session")
def programs() -> list[str]:
    return generators.hypothesmith_programs(60)


@pytest.fixture(scope="session")
def hostile_inputs() -> list:
    return generators.hostile()


@pytest.fixture(scope="session")
def mutated(programs) -> list:
    return generators.mutations(programs, 30)
