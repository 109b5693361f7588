"""The GIL and free-threaded Python, measured side by side (chapter 5).

Data first: every measurement returns a frozen dataclass (`Scaling`, `LatencyResult`,
`Timeline`, `RaceResult`, `Overhead`, ...), and `internals_lab.gil.charts` draws them. Any
measurement can run in another interpreter (`interpreter=path`): it then runs there in a
fresh process and comes back as the same data, which is how the lab compares the kernel's GIL
build with a free-threaded build. Everything here uses only the standard library, so it runs
in a free-threaded build with nothing installed (the numpy and numba workloads excepted).

Every thread, process and sub-interpreter the lab starts is joined, terminated or destroyed
with a time bound, and the switch interval is restored, even when a workload raises.
"""
from .interpreters import HOW_TO_GET_ONE, Builds, Interpreter, find_builds
from .latency import LatencyResult, measure_latency
from .overhead import Overhead, measure_overhead
from .races import RaceResult, race_counter
from .remote import RemoteError
from .scaling import ProcessCosts, Scaling, measure_scaling, process_costs
from .status import GilStatus, gil_status
from .timeline import Timeline, record_timeline
from .workers import WorkerError, WorkerTimeout
from .workloads import WORKLOADS

__all__ = [
    "find_builds", "Builds", "Interpreter", "HOW_TO_GET_ONE",
    "WORKLOADS", "measure_scaling", "Scaling", "process_costs", "ProcessCosts",
    "measure_latency", "LatencyResult", "record_timeline", "Timeline",
    "race_counter", "RaceResult", "measure_overhead", "Overhead",
    "gil_status", "GilStatus", "RemoteError", "WorkerError", "WorkerTimeout",
]
