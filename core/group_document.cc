#include "core/group_document.h"

namespace mainspring {

namespace {

// Letters, digits and "_.-": a kind or name is part of a store key and of log lines.
bool is_plain_word(std::string_view text, std::size_t max_bytes) {
  if (text.empty() || text.size() > max_bytes) return false;
  for (char c : text) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                    c == '.' || c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

bool is_valid_document_kind(std::string_view kind) { return is_plain_word(kind, k_max_document_kind_bytes); }

status validate_group_document(std::string_view kind, const group_document& doc) {
  if (!is_valid_document_kind(kind))
    return status::invalid_argument("kind: must be 1 to " + std::to_string(k_max_document_kind_bytes) +
                                    " letters, digits, '_', '.' or '-'");
  if (!is_plain_word(doc.name, k_max_document_name_bytes))
    return status::invalid_argument("name: must be 1 to " + std::to_string(k_max_document_name_bytes) +
                                    " letters, digits, '_', '.' or '-'");
  if (doc.json_text.size() > k_max_group_document_bytes)
    return status::invalid_argument("json_text: longer than " + std::to_string(k_max_group_document_bytes) + " bytes");
  return {};
}

}  // namespace mainspring
