// group_document: a named JSON document a dialect keeps with a group, in a kind of its own, that
// the core stores and restores but never reads (Cronicle's custom Plugins: kind
// "cronicle.plugin", one document per Plugin).
//
// A group's documents of one kind are stored together, written whole at each change
// (actors/group_documents.h), so a kind holds a bounded number of small documents: what an admin
// defines by hand, not what the scheduler produces.
//
// Example:
//   group_document d{.name = "backup", .json_text = R"({"id":"backup","command":"/bin/true"})"};
//   if (auto st = validate_group_document("cronicle.plugin", d); !st.ok()) return st;   // "name: ..."
//   api.put_group_document(origin, "cronicle", "cronicle.plugin", d, done);
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace mainspring {

// -- limits --
inline constexpr std::size_t k_max_document_kind_bytes = 64;        // [A-Za-z0-9_.-]
inline constexpr std::size_t k_max_document_name_bytes = 128;       // [A-Za-z0-9_.-]
inline constexpr std::size_t k_max_group_document_bytes = 256 * 1024;  // one document's JSON text
inline constexpr std::size_t k_max_group_documents = 1'000;         // of one kind in one group

struct group_document {
  std::string name;        // unique within its group and kind
  std::string json_text;   // the dialect's; the core only bounds its size
  int64_t created_ms = 0;  // unix ms; set by the store at the first put, kept by later ones
  int64_t updated_ms = 0;  // unix ms; set by the store at each put

  bool operator==(const group_document&) const = default;
};

// invalid_argument naming the field ("kind: ...", "name: ...", "json_text: ...").
status validate_group_document(std::string_view kind, const group_document& doc);
bool is_valid_document_kind(std::string_view kind);

}  // namespace mainspring
