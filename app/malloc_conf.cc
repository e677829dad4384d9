// jemalloc's options for the server binary, compiled in: jemalloc reads `malloc_conf` as it
// starts, and the MALLOC_CONF environment variable still overrides each option.
//
// thp:always: its memory in transparent huge pages (it asks with madvise, so this works with the
// kernel's default "madvise" setting, and is a no-op where THP is off). A create makes its job's
// actor and index entries out of fresh memory, about half a page fault each with 4 KiB pages,
// and a fault costs ~10 us on a virtual machine: huge pages made durable creates 15-18% cheaper
// (bench/results/2026-12-07-thp-keep.md).
// dirty_decay_ms:-1, muzzy_decay_ms:-1: freed pages are kept for reuse, never returned on a
// timer. Returning them a little at a time splits the huge pages they sit in; under a firing load
// that churns memory, the server then ran a third of the runs (bench/results/2026-12-05-create-thp.md).
// app/memory_returner.h gives freed memory back in bulk when much of it is held.
//
// Only linked into the binary with jemalloc (cmake/dependencies.cmake: MAINSPRING_JEMALLOC).
extern "C" {
// NOLINTNEXTLINE: the name and type are jemalloc's.
const char* malloc_conf = "thp:always,dirty_decay_ms:-1,muzzy_decay_ms:-1";
}
