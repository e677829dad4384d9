// Group documents (actors/group_documents.h, core/group_document.h) through scheduler_api, without
// HTTP: put, replace and delete, each audited; documents kept across a restart; removed with their
// group, so a group made again under the name starts without them.
#include <catch2/catch.hpp>

#include <string>

#include "actors/scheduler_runtime.h"
#include "tests/support/runtime_harness.h"

using namespace mainspring;
using namespace mainspring::testing;

namespace {

constexpr const char* k_kind = "cronicle.plugin";

status put_doc(scheduler_runtime& rt, const std::string& group, group_document doc) {
  return done([&](auto d) { rt.put_group_document(k_test_origin, group, k_kind, std::move(doc), d); });
}

status delete_doc(scheduler_runtime& rt, const std::string& group, const std::string& name) {
  return done([&](auto d) { rt.delete_group_document(k_test_origin, group, k_kind, name, d); });
}

std::unique_ptr<scheduler_runtime> start_with_group(const std::string& dir) {
  auto rt = start_runtime(dir);
  auto made = ask<std::string>([&](auto r) { rt->register_group(k_test_origin, "g", r); });
  REQUIRE((made.ok() || made.status().code() == status_code::already_exists));
  return rt;
}

std::vector<std::string> audit_actions(scheduler_runtime& rt) {
  auto entries = ask<std::vector<audit_entry>>([&](auto r) { rt.audit_log(0, INT64_MAX, 1000, r); });
  REQUIRE(entries.ok());
  std::vector<std::string> out;
  for (const auto& e : *entries)
    if (e.action.starts_with("document.")) out.push_back(e.action + " " + e.job_id);
  return out;
}

}  // namespace

TEST_CASE("a group's documents are put, replaced and deleted durably, audited, and survive a restart") {
  temp_data_dir dir("ms_documents_test");
  int64_t created_ms = 0;
  {
    auto rt = start_with_group(dir.path);
    REQUIRE(put_doc(*rt, "g", {.name = "p1", .json_text = R"({"v":1})"}).ok());
    created_ms = rt->group_documents("g", k_kind).at(0).created_ms;
    REQUIRE(put_doc(*rt, "g", {.name = "p1", .json_text = R"({"v":2})"}).ok());
    REQUIRE(put_doc(*rt, "g", {.name = "p0", .json_text = "{}"}).ok());
    REQUIRE(delete_doc(*rt, "g", "p0").ok());
    CHECK(delete_doc(*rt, "g", "p0").code() == status_code::not_found);
    CHECK(put_doc(*rt, "g", {.name = "a b"}).code() == status_code::invalid_argument);
    CHECK(audit_actions(*rt) == std::vector<std::string>{"document.add cronicle.plugin/p1", "document.edit cronicle.plugin/p1",
                                                         "document.add cronicle.plugin/p0",
                                                         "document.delete cronicle.plugin/p0"});
    rt->stop();
  }
  auto rt = start_with_group(dir.path);
  auto docs = rt->group_documents("g", k_kind);
  REQUIRE(docs.size() == 1);
  CHECK(docs[0].name == "p1");
  CHECK(docs[0].json_text == R"({"v":2})");
  CHECK(docs[0].created_ms == created_ms);  // kept by the replacement
  CHECK(docs[0].updated_ms >= created_ms);
  CHECK(rt->group_documents("g", "other.kind").empty());
}

TEST_CASE("a group's documents go with the group, and a group made again under the name starts without them") {
  temp_data_dir dir("ms_documents_test");
  {
    auto rt = start_with_group(dir.path);
    REQUIRE(put_doc(*rt, "g", {.name = "p1", .json_text = "{}"}).ok());
    REQUIRE(done([&](auto d) { rt->remove_group(k_test_origin, "g", d); }).ok());
    CHECK(rt->group_documents("g", k_kind).empty());
    rt->stop();
  }
  auto rt = start_with_group(dir.path);
  CHECK(rt->group_documents("g", k_kind).empty());
}
