"""Objects and memory (chapter 8): object layout, reference counts, the collector, allocators.

Data first: every probe returns plain records (dicts and frozen dataclasses), and
`internals_lab.memory.charts` draws them. Probes that differ between releases or builds run in
each installed interpreter through `remote.call`, in a fresh process, so 3.11 to 3.15 and 3.14t
answer the same question side by side. Measurements are counts and sizes, not timings; the few
that vary (resident memory) are compared, never quoted as fixed numbers.

Global state a probe changes is restored even when it raises: the collector's settings by
`collector.gc_state()`, tracemalloc by `allocators.tracing()`, and file descriptor 2 by
`allocators.mallocstats_text()`. Child processes are killed when they overstay a timeout.
"""
from .allocators import (MallocStats, SizeClass, mallocstats, parse_mallocstats, peak_traced, rss_after_free,
                         size_class_growth, top_allocations, traced_per_object, tracing)
from .collector import CycleStep, collection_counts, collector_settings, find_cycle, freeze_effect, gc_state
from .containers import (dict_growth, identity_cases, list_growth, predicted_capacity, set_growth,
                         sharing_cases)
from .idle import IdleCosts, idle_costs
from .layout import DeepSize, VersionSizes, build_info, core_sizes, deep_size, instance_layout, sizes_across_versions
from .refcounts import (biased_counts, borrowed_loads, cycle_finalizers, deferred_counts, header_counts,
                        immortal_sample, is_immortal, lifecycle, refcount_cases, resurrection)
from .remote import ProbeError, call

__all__ = [
    "build_info", "core_sizes", "instance_layout", "sizes_across_versions", "VersionSizes",
    "deep_size", "DeepSize",
    "refcount_cases", "borrowed_loads", "is_immortal", "immortal_sample", "header_counts",
    "biased_counts", "deferred_counts", "lifecycle", "resurrection", "cycle_finalizers",
    "gc_state", "collector_settings", "collection_counts", "find_cycle", "CycleStep", "freeze_effect",
    "mallocstats", "parse_mallocstats", "MallocStats", "SizeClass", "size_class_growth", "tracing",
    "traced_per_object", "peak_traced", "top_allocations", "rss_after_free",
    "list_growth", "predicted_capacity", "dict_growth", "set_growth", "sharing_cases", "identity_cases",
    "idle_costs", "IdleCosts", "call", "ProbeError",
]
