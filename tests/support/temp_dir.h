// temp_dir: a fresh directory under /tmp for one test, removed with everything in it when the
// test's scope ends. `path` is that directory, or a `leaf` inside it that does not exist yet
// (a store's open() must create its data dir).
//
// Example:
//   mainspring::testing::temp_dir tmp("ms_store_test", "data");
//   auto store = state_store::open(tmp.path);   // /tmp/ms_store_test_Ab12Cd/data
//
// A test file that makes many of them names its own in one line:
//   struct temp_dir : testing::temp_dir { temp_dir() : testing::temp_dir("ms_store_test", "data") {} };
#pragma once

#include <stdlib.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

namespace mainspring::testing {

struct temp_dir {
  explicit temp_dir(const std::string& prefix, const std::string& leaf = "") {
    std::string tmpl = "/tmp/" + prefix + "_XXXXXX";
    REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
    root = tmpl;
    path = leaf.empty() ? root : root + "/" + leaf;
  }
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(root, ec);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;

  std::string root;  // made by the constructor, removed by the destructor
  std::string path;  // root, or root/leaf (not made)
};

}  // namespace mainspring::testing
