# Finds every third-party library Mainspring uses; all come from Debian 12 packages
# (scripts/bootstrap installs them). Libraries without a CMake config get imported targets here,
# named like the ones that do, so that the rest of the build only says target names.
set(THREADS_PREFER_PTHREAD_FLAG ON)
find_package(Threads REQUIRED)
find_package(PkgConfig REQUIRED)

find_package(date CONFIG REQUIRED)            # date::date-tz (uses the OS tzdata)
find_package(nlohmann_json 3 REQUIRED)        # nlohmann_json::nlohmann_json
find_package(LibXml2 REQUIRED)                # LibXml2::LibXml2 (HTML reports cleaned, core/html_sanitizer)
find_package(CLI11 CONFIG REQUIRED)           # CLI11::CLI11
find_package(spdlog CONFIG REQUIRED)          # spdlog::spdlog
find_package(CURL REQUIRED)                   # CURL::libcurl
find_package(OpenSSL REQUIRED)                # OpenSSL::Crypto (HMAC-SHA1 for TOTP)
find_package(cereal CONFIG REQUIRED)          # cereal::cereal
find_package(leveldb CONFIG REQUIRED)         # leveldb::leveldb (needs libsnappy-dev)
find_package(prometheus-cpp CONFIG REQUIRED)  # prometheus-cpp::core
find_package(LibArchive REQUIRED)             # LibArchive::LibArchive (dump and import tar.gz)
pkg_check_modules(PISTACHE REQUIRED IMPORTED_TARGET libpistache)
pkg_check_modules(LUA REQUIRED IMPORTED_TARGET lua5.4)

# The server binary's allocator. jemalloc (libjemalloc-dev): against glibc's malloc, 20% less
# server CPU per durable create and 7% less per fired run, and no more memory for 1M jobs with
# full histories (bench/results/2026-12-04-allocator.md). The sanitizers (ASan, TSan) bring their
# own, so their builds always link the system malloc.
# Its options are compiled in (app/malloc_conf.cc): transparent huge pages, with freed memory kept
# for reuse and given back in bulk (app/memory_returner.h); huge pages alone, returning memory on
# jemalloc's timer, collapsed the fire path under overload (bench/results/2026-12-05-create-thp.md,
# bench/results/2026-12-07-thp-keep.md).
set(MAINSPRING_MALLOC "jemalloc" CACHE STRING "Allocator of the mainspring binary: jemalloc or system")
set_property(CACHE MAINSPRING_MALLOC PROPERTY STRINGS jemalloc system)
set(MAINSPRING_JEMALLOC OFF)
if(MAINSPRING_MALLOC STREQUAL "jemalloc" AND NOT MAINSPRING_SANITIZE AND NOT MAINSPRING_TSAN
   AND NOT MAINSPRING_FUZZ)
  pkg_check_modules(JEMALLOC REQUIRED IMPORTED_TARGET jemalloc)
  add_library(ms::malloc ALIAS PkgConfig::JEMALLOC)
  set(MAINSPRING_JEMALLOC ON)
else()
  add_library(ms_system_malloc INTERFACE)
  add_library(ms::malloc ALIAS ms_system_malloc)
endif()

# CAF 0.17 ships neither a CMake config nor a .pc file.
find_path(CAF_INCLUDE_DIR caf/all.hpp REQUIRED)
find_library(CAF_CORE_LIBRARY caf_core REQUIRED)
find_library(CAF_IO_LIBRARY caf_io REQUIRED)
add_library(caf::core UNKNOWN IMPORTED)
set_target_properties(caf::core PROPERTIES
  IMPORTED_LOCATION "${CAF_CORE_LIBRARY}"
  INTERFACE_INCLUDE_DIRECTORIES "${CAF_INCLUDE_DIR}"
  INTERFACE_LINK_LIBRARIES Threads::Threads)
add_library(caf::io UNKNOWN IMPORTED)
set_target_properties(caf::io PROPERTIES
  IMPORTED_LOCATION "${CAF_IO_LIBRARY}"
  INTERFACE_LINK_LIBRARIES caf::core)

# Standalone Asio is header only.
find_path(ASIO_INCLUDE_DIR asio.hpp REQUIRED)
add_library(asio::asio INTERFACE IMPORTED)
set_target_properties(asio::asio PROPERTIES
  INTERFACE_INCLUDE_DIRECTORIES "${ASIO_INCLUDE_DIR}"
  INTERFACE_COMPILE_DEFINITIONS ASIO_STANDALONE
  INTERFACE_LINK_LIBRARIES Threads::Threads)

if(MAINSPRING_BUILD_TESTS)
  find_package(Catch2 2 REQUIRED)             # Catch2::Catch2WithMain
  include(Catch)
endif()
if(MAINSPRING_BUILD_BENCH)
  find_package(benchmark REQUIRED)            # benchmark::benchmark
endif()
