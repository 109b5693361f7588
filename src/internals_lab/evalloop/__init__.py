"""Inside the evaluation loop: views of the teaching VM for chapter 02.

Design: one module per view, each returning data with separate renderers. `player` turns a
recorded `internals_lab.vm.trace` into a self-contained HTML/JS trace player (no kernel, no
network); `stepper` is the live ipywidgets stepper for the learner's own code, shown as a
static player where no kernel runs; `profile` profiles the VM with cProfile and measures it
against CPython; `compare` puts the VM's handlers beside CPython's source and watches a call
with `sys.settrace` and `sys.monitoring`.
"""
from .compare import (BYTECODES_C, CEVAL_C, Event, Excerpts, ExceptionRow, HandlerExcerpt, excerpts_table,
                      exception_table, handler_excerpt, monitoring_events, settrace_events)
from .player import PlayerData, PlayerStep, TracePlayer, play, player_data, step_panel_html
from .profile import (ProfileRow, SpecializationGain, SpeedRatio, handler_counts, profile_table, profile_vm,
                      quickening_vm_class, specialization_gain, vm_vs_cpython)
from .stepper import StepperState, stepper, trace_for_stepper

__all__ = [
    "BYTECODES_C", "CEVAL_C", "Event", "Excerpts", "ExceptionRow", "HandlerExcerpt", "PlayerData", "PlayerStep",
    "ProfileRow", "SpecializationGain", "SpeedRatio", "StepperState", "TracePlayer", "excerpts_table", "exception_table",
    "handler_counts", "handler_excerpt", "monitoring_events", "play", "player_data", "profile_table",
    "profile_vm", "quickening_vm_class", "settrace_events", "specialization_gain", "stepper",
    "step_panel_html", "trace_for_stepper", "vm_vs_cpython",
]
