"""The fuzz stage (`make test`): a bounded, seeded sample through the pipeline, the VM and the player.

Each target gets grammar-generated programs (hypothesmith), hostile inputs and mutated programs,
run in a worker process with a 10-second watchdog per input (harness.py). A target passes when
no input raised outside the lab's documented error types, hung, or crashed the worker.
"""
from __future__ import annotations

import pytest

import harness
from worker import PIPELINE_STAGES


@pytest.fixture(autouse=True, scope="module")
def _report_slowest():
    yield
    print("\nslowest inputs:", ", ".join(f"{t} {n:,} chars {s:.1f} s" for s, t, n in harness.SLOWEST[:5]))


def _check(findings):
    assert not findings, f"{len(findings)} finding(s):\n" + "\n".join(f.reproducer() for f in findings[:20])


@pytest.mark.parametrize("stage", PIPELINE_STAGES)
def test_pipeline_stage_gives_data_or_a_pipeline_error(stage, programs, hostile_inputs, mutated):
    _check(harness.run([(f"pipeline.{stage}", s) for s in [*programs, *hostile_inputs, *mutated]]))


def _vm_inputs(programs, hostile_inputs, mutated):
    return [s for s in [*programs, *hostile_inputs, *mutated] if isinstance(s, str)]


def test_vm_run_agrees_with_exec_or_raises_a_vm_error(programs, hostile_inputs, mutated):
    _check(harness.run([("vm.run", s) for s in _vm_inputs(programs, hostile_inputs, mutated)]))


def test_vm_trace_never_lets_an_exception_escape(programs, hostile_inputs, mutated):
    _check(harness.run([("vm.trace", s) for s in _vm_inputs(programs, hostile_inputs, mutated)]))


def test_trace_player_html_is_bounded_and_never_raises(programs, hostile_inputs, mutated):
    _check(harness.run([("player", s) for s in _vm_inputs(programs, hostile_inputs, mutated)]))
