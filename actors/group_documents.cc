#include "actors/group_documents.h"

#include <algorithm>

#include "storage/store_keys.h"

namespace mainspring {

std::string group_documents_meta(std::string_view group, std::string_view kind) {
  return std::string(k_group_documents_meta_prefix) + escape_key_part(group) + "/" + escape_key_part(kind);
}

std::vector<group_document> group_documents::list(std::string_view group, std::string_view kind) const {
  std::lock_guard lock(mutex_);
  auto g = groups_.find(group);
  if (g == groups_.end()) return {};
  auto k = g->second.find(kind);
  return k == g->second.end() ? std::vector<group_document>{} : k->second;
}

void group_documents::set(const std::string& group, const std::string& kind, std::vector<group_document> docs) {
  std::sort(docs.begin(), docs.end(), [](const group_document& a, const group_document& b) { return a.name < b.name; });
  std::lock_guard lock(mutex_);
  if (!docs.empty()) {
    groups_[group][kind] = std::move(docs);
    return;
  }
  auto g = groups_.find(group);
  if (g == groups_.end()) return;
  g->second.erase(kind);
  if (g->second.empty()) groups_.erase(g);
}

std::vector<std::string> group_documents::erase_group(std::string_view group) {
  std::lock_guard lock(mutex_);
  std::vector<std::string> had;
  auto g = groups_.find(group);
  if (g == groups_.end()) return had;
  for (const auto& [kind, docs] : g->second) had.push_back(kind);
  groups_.erase(g);
  return had;
}

bool group_documents::importing(std::string_view group) const { return importing_.count(group) != 0; }

std::vector<std::string> group_documents::begin_import(const std::string& group) {
  std::lock_guard writes(writes_);
  importing_.insert(group);
  std::lock_guard lock(mutex_);
  std::vector<std::string> had;
  if (auto g = groups_.find(group); g != groups_.end())
    for (const auto& [kind, docs] : g->second) had.push_back(kind);
  return had;
}

void group_documents::end_import(const std::string& group, std::optional<by_kind> documents) {
  std::lock_guard writes(writes_);
  importing_.erase(group);
  if (!documents) return;
  std::erase_if(*documents, [](const auto& kind) { return kind.second.empty(); });  // emptied kinds
  for (auto& [kind, docs] : *documents)
    std::sort(docs.begin(), docs.end(), [](const group_document& a, const group_document& b) { return a.name < b.name; });
  std::lock_guard lock(mutex_);
  if (documents->empty()) groups_.erase(group);
  else groups_[group] = std::move(*documents);
}

}  // namespace mainspring
