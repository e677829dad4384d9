// The options jemalloc starts with in the mainspring binary (when it is linked with jemalloc; see
// cmake/dependencies.cmake). jemalloc reads the global `malloc_conf` before its first allocation;
// the MALLOC_CONF environment variable, read after it, still overrides any option for one run:
//   MALLOC_CONF=thp:never build/app/mainspring serve ...
//
// thp:always, metadata_thp:always: jemalloc asks for transparent huge pages (madvise) on its
// extents and its metadata. A durable create makes a job actor, its spec and its index entries
// out of fresh memory; with 4 KiB pages that was half a page fault a create, and a page fault
// costs ~10 us on the VM the bench runs on. With huge pages: 0.02 faults a create, 8 us less
// server CPU a create and 14% more creates/s at 64 clients
// (bench/results/2026-12-05-create-thp.md). Where the kernel's THP mode is "never" this does
// nothing.
#if defined(MAINSPRING_JEMALLOC)
extern "C" {
// NOLINTNEXTLINE: the name and type are jemalloc's contract.
const char* malloc_conf = "thp:always,metadata_thp:always";
}
#endif
