// jemalloc's options for the server binary, compiled in: jemalloc reads `malloc_conf` as it
// starts, and the MALLOC_CONF environment variable still overrides each option.
//
// dirty_decay_ms:-1, muzzy_decay_ms:-1: freed pages are kept for reuse, never returned on a
// timer; app/memory_returner.h gives freed memory back in bulk when much of it is held.
//
// Not thp:always. Transparent huge pages made a durable create 13-17% cheaper in CPU
// (bench/results/2026-12-07-thp-keep.md), but a first touch of a huge page (2 MiB zeroed and
// backed by the hypervisor, on the request's own thread) is a stall: open-loop creates at
// 5,000/s had an ack p99 of 7.6-18.7 ms with them against 3.1-3.3 ms without, interleaved on
// the same build (bench/results/2026-12-05-create-limits.md, "Huge pages cost the open-loop
// p99"). Latency at a steady rate is worth more than CPU in a burst of creates.
// MALLOC_CONF=thp:always still turns them on.
//
// Only linked into the binary with jemalloc (cmake/dependencies.cmake: MAINSPRING_JEMALLOC).
extern "C" {
// NOLINTNEXTLINE: the name and type are jemalloc's.
const char* malloc_conf = "dirty_decay_ms:-1,muzzy_decay_ms:-1";
}
