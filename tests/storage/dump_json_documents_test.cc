// Tests for storage/dump_json.h: a group file's documents (core/group_document.h), kept as the
// group's run pools are (dump_json_test.cc).
#include "storage/dump_json.h"
#include "tests/storage/group_file_reads.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <sstream>
#include <string>

using namespace mainspring;
using namespace mainspring::testing;
using nlohmann::json;

namespace {

group_dump group_with_documents() {
  group_dump g;
  g.group = {"YM55", "MFRGGZDFMZTWQ2LK", 1'650'000'000'000};
  // Key order and spacing as stored: a parsed-and-rewritten object would lose them.
  g.documents = {
      {"cronicle.plugin", {"backup", R"({"id":"backup", "title":"Back \"up\"","params":[]})", 1'700'000'000'001,
                           1'700'000'000'002}},
      {"cronicle.plugin", {"zip", "{}", 0, 0}},
      {"other.kind", {"backup", R"([1,2])", 5, 6}},  // the same name in another kind
  };
  return g;
}

std::string with_documents(const std::string& documents) {
  return R"({"group":{"name":"YM55"},"jobs":[],"funcs":[],"pools":[],"documents":[)" + documents + "]}";
}

}  // namespace

TEST_CASE("a group's documents read back exactly from its file") {
  group_dump g = group_with_documents();
  auto back = decode_text(encode_group_file(g));
  REQUIRE(back.ok());
  CHECK(back->documents_dumped);
  CHECK(back->documents == g.documents);

  g.documents.clear();  // none: an empty array, not a file without documents
  auto none = decode_text(encode_group_file(g));
  REQUIRE(none.ok());
  CHECK(none->documents_dumped);
  CHECK(none->documents.empty());
}

TEST_CASE("documents come after pools, one record per line, the JSON text as a string") {
  std::string text = encode_group_file(group_with_documents());
  CHECK(text.find("\"pools\": [],\n  \"documents\": [\n    {\"kind\": \"cronicle.plugin\", \"name\": \"backup\", ") !=
        std::string::npos);
  json doc = json::parse(text)["documents"][0];
  CHECK(doc == json{{"kind", "cronicle.plugin"},
                    {"name", "backup"},
                    {"json_text", R"({"id":"backup", "title":"Back \"up\"","params":[]})"},
                    {"created_ms", 1'700'000'000'001},
                    {"updated_ms", 1'700'000'000'002}});
}

TEST_CASE("a file written before documents were dumped reads with its documents unknown, and writes back without them") {
  auto old = decode_text(R"({"group":{"name":"YM55"},"jobs":[],"funcs":[],"pools":[]})");
  REQUIRE(old.ok());
  CHECK_FALSE(old->documents_dumped);
  CHECK(old->documents.empty());
  CHECK(old->pools_dumped);
  CHECK_FALSE(json::parse(encode_group_file(*old)).contains("documents"));
  auto again = decode_text(encode_group_file(*old));
  REQUIRE(again.ok());
  CHECK_FALSE(again->documents_dumped);
}

TEST_CASE("bad document records are refused with the place named") {
  CHECK(refusal(R"({"group":{"name":"YM55"},"documents":{}})") == "documents: expected an array, got an object");
  CHECK(refusal(with_documents(R"({"kind":"k","name":"a"},"b")")) == "documents[1]: expected an object, got a string");
  CHECK(refusal(with_documents(R"({"kind":"k","name":"a","json_text":{}})")) ==
        "documents[0].json_text: expected a string, got an object");
  CHECK(refusal(with_documents(R"({"name":"a"})")).starts_with("documents[0].kind: must be 1 to 64 "));
  CHECK(refusal(with_documents(R"({"kind":"k/x","name":"a"})")).starts_with("documents[0].kind: must be 1 to 64 "));
  CHECK(refusal(with_documents(R"({"kind":"k","name":"a b"})")).starts_with("documents[0].name: must be 1 to 128 "));
  CHECK(refusal(with_documents(R"({"kind":"k","name":"a","json_text":")" +
                               std::string(k_max_group_document_bytes + 1, 'x') + "\"}"))
            .starts_with("documents[0].json_text: longer than "));
  CHECK(refusal(with_documents(R"({"kind":"k","name":"a","updated_ms":-1})")) ==
        "documents[0].updated_ms: must be between 0 and 253402300799999 (the year 9999), got -1");
  CHECK(refusal(with_documents(R"({"kind":"k","name":"a","name":"b"})")) == "documents[0].name: duplicate key");
  CHECK(refusal(R"({"group":{"name":"YM55"},"documents":[],"documents":[]})") == "documents: duplicate key");
}

TEST_CASE("document names are unique within their kind in a file") {
  CHECK(refusal(with_documents(R"({"kind":"k","name":"a"},{"kind":"j","name":"a"},{"kind":"k","name":"a"})")) ==
        "documents[2].name: duplicate document \"a\" of kind \"k\" (also documents[0])");
  CHECK(refusal(with_documents(R"({"kind":"k","name":"a"},{"kind":"k","name":"A"})")) == "");
}

TEST_CASE("a file holds at most a group's most documents of one kind") {
  std::string documents;
  for (std::size_t i = 0; i < k_max_group_documents; ++i)
    documents += (i ? "," : "") + std::string(R"({"kind":"k","name":"d)") + std::to_string(i) + "\"}";
  auto most = decode_text(with_documents(documents + R"(,{"kind":"other","name":"d0"})"));
  REQUIRE(most.ok());
  CHECK(most->documents.size() == k_max_group_documents + 1);
  CHECK(refusal(with_documents(documents + R"(,{"kind":"k","name":"one_more"})")) ==
        "documents[1000].kind: more than 1000 documents of kind \"k\" (a group's most)");
}

TEST_CASE("documents count against the decode budget") {
  std::string text = with_documents(R"({"kind":"k","name":"a","json_text":")" + std::string(4096, 'x') + R"("})");
  std::istringstream in(text);
  decode_budget budget;
  budget.limit = 4096;
  auto r = decode_group_file(in, "YM55", &budget);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message() == "the decoded records would hold more than 4096 bytes");
}
