// group_document: the checks of a dialect's document before the core stores it.
#include "core/group_document.h"

#include <catch2/catch.hpp>

using namespace mainspring;

TEST_CASE("a group document needs a plain kind and name and a bounded text") {
  group_document d{.name = "backup", .json_text = R"({"id":"backup"})"};
  CHECK(validate_group_document("cronicle.plugin", d).ok());
  CHECK(validate_group_document("", d).message().starts_with("kind: "));
  CHECK(validate_group_document("a/b", d).message().starts_with("kind: "));
  CHECK(validate_group_document(std::string(k_max_document_kind_bytes + 1, 'k'), d).message().starts_with("kind: "));
  d.name = "";
  CHECK(validate_group_document("k", d).message().starts_with("name: "));
  d.name = "a b";
  CHECK(validate_group_document("k", d).code() == status_code::invalid_argument);
  d.name = std::string(k_max_document_name_bytes, 'n');
  CHECK(validate_group_document("k", d).ok());
  d.json_text = std::string(k_max_group_document_bytes + 1, ' ');
  CHECK(validate_group_document("k", d).message().starts_with("json_text: "));
}
