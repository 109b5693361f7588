"""profile_vm and specialization_gain on hostile programs: clear results, bounded (issue 22)."""
import pytest

from internals_lab.deadline import TimeLimitExceeded
from internals_lab.evalloop import profile_vm
from internals_lab.evalloop.profile import ProfileError, specialization_gain


def _called(rows, name):
    return any(name in row.function for row in rows)


def test_a_program_that_prints_is_profiled():
    # Its output used to share the pipe that carries the rows back (JSONDecodeError).
    rows = profile_vm("print(1)\nprint('x' * 200_000)\n")  # past a 64 KiB pipe buffer, under the VM's output cap
    assert _called(rows, "print")


def test_a_program_that_calls_sys_exit_is_profiled_up_to_the_exit():
    rows = profile_vm("import sys\nsys.exit(3)\nundefined_name\n")
    assert _called(rows, "exit")


@pytest.mark.parametrize("isolated", [True, False])
def test_the_programs_own_exception_comes_back_with_its_type(isolated):
    with pytest.raises(ZeroDivisionError, match="division by zero"):
        profile_vm("1 / 0\n", isolated=isolated)


def test_an_exception_that_needs_more_than_a_message_is_named():
    # UnicodeDecodeError takes five arguments: rebuilding it from its message used to give
    # "TypeError: function takes exactly 5 arguments".
    with pytest.raises(ProfileError, match="UnicodeDecodeError: 'utf-8' codec can't decode byte 0xff"):
        profile_vm("b'\\xff'.decode()\n")


def test_a_keyboard_interrupt_raised_by_the_program_is_named():
    with pytest.raises(ProfileError, match="KeyboardInterrupt"):
        profile_vm("raise KeyboardInterrupt\n")


def test_an_endless_program_is_stopped_in_its_process():
    with pytest.raises(TimeoutError, match="pass a larger timeout="):
        profile_vm("while True:\n    pass\n", timeout=0.5)


def test_an_endless_program_is_stopped_in_this_process():
    with pytest.raises(TimeLimitExceeded, match="pass a larger timeout="):
        profile_vm("while True:\n    pass\n", isolated=False, timeout=0.5)


def test_profile_vm_refuses_a_bad_repeat():
    with pytest.raises(ValueError, match="repeat"):
        profile_vm("x = 1\n", repeat=0)


def test_specialization_gain_stops_an_endless_program():
    with pytest.raises(TimeLimitExceeded, match="specialization_gain"):
        specialization_gain("while True:\n    pass\n", timeout=0.5)
