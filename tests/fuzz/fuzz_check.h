// fuzz_check: how a fuzz target states a property of what it fuzzed.
//
// FUZZ_CHECK(cond) prints the failed condition with its place and aborts, which libFuzzer (and
// replay_main) report as a crash with the input that caused it. Unlike assert(), it stays on in
// Release builds, where the replay tests run.
//
//   FUZZ_CHECK(reparsed.ok());
#pragma once

#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(cond)                                                              \
  do {                                                                                \
    if (!(cond)) {                                                                    \
      std::fprintf(stderr, "%s:%d: FUZZ_CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                   \
    }                                                                                 \
  } while (0)
