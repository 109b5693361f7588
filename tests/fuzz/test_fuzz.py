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


# The VM and the player belong to another part of issue 22 (src/internals_lab/vm/, evalloop/player.py).
# These fuzz targets found the failures below on CPython 3.14; strict, so that the fix turns them
# into an XPASS failure and the marks get removed at merge time.
VM_PENDING = pytest.mark.xfail(strict=True, reason=(
    "issue 22, VM part: vm.run raises ValueError on `x = 0x` + 'f'*3600 (int digit limit) where exec "
    "does not"))
TRACE_PENDING = pytest.mark.xfail(strict=True, reason=(
    "issue 22, VM part: vm.trace lets SystemExit (exit(), raise SystemExit(3)), KeyboardInterrupt and a "
    "custom BaseException subclass escape"))
PLAYER_PENDING = pytest.mark.xfail(strict=True, reason=(
    "issue 22, player part: IndexError for 'def f():\\r    return 1\\rf()\\r' and 'x = (1,\\r2)\\r'; 40 MB of "
    "HTML for print('y' * 20_000) then 1,000 prints; over 10 s for print('x' * 2_000_000) then 3,000 steps; "
    "SystemExit, KeyboardInterrupt and BaseException subclasses escape"))


@VM_PENDING
def test_vm_run_agrees_with_exec_or_raises_a_vm_error(programs, hostile_inputs, mutated):
    _check(harness.run([("vm.run", s) for s in _vm_inputs(programs, hostile_inputs, mutated)]))


@TRACE_PENDING
def test_vm_trace_never_lets_an_exception_escape(programs, hostile_inputs, mutated):
    _check(harness.run([("vm.trace", s) for s in _vm_inputs(programs, hostile_inputs, mutated)]))


@PLAYER_PENDING
def test_trace_player_html_is_bounded_and_never_raises(programs, hostile_inputs, mutated):
    _check(harness.run([("player", s) for s in _vm_inputs(programs, hostile_inputs, mutated)]))
