"""Differential tests: every corpus snippet behaves the same in CPython and in the VM."""
from __future__ import annotations

import pytest

from internals_lab.vm import run
from internals_lab.vm.errors import VMError
import pathlib
import sys

from internals_lab.vm.corpus import load_corpus, outcome_of, reference_outcome

SNIPPETS = load_corpus(pathlib.Path(__file__).parent / "vm_corpus")


def test_corpus_is_large_enough():
    assert sum(1 for s in SNIPPETS if s.min_version <= sys.version_info[:2]) >= 200
    assert len({s.id for s in SNIPPETS}) == len(SNIPPETS), "snippet names must be unique per file"


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.parametrize("snippet", SNIPPETS, ids=[s.id for s in SNIPPETS])
def test_snippet_matches_cpython(snippet):
    if sys.version_info[:2] < snippet.min_version:
        pytest.skip(f"syntax new in Python {snippet.min_version[0]}.{snippet.min_version[1]}")
    expected = reference_outcome(snippet.source)  # a separate process: shares nothing with the VM
    actual = outcome_of(run, snippet.source)
    assert not (actual.exception and actual.exception[0] in {c.__name__ for c in VMError.__subclasses__()}), actual
    assert actual.output == expected.output
    assert actual.result == expected.result
    assert actual.exception == expected.exception
