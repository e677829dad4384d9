// group_documents: every group's documents (core/group_document.h), by kind, in memory, as the
// store holds them: each group's documents of one kind are one meta value,
// group_documents_meta(group, kind) (storage/codec.h: group_documents_value), written whole and
// synced at each change (scheduler_runtime: put_group_document, delete_group_document), read
// back in one scan at start (restore) and emptied with their group (a group's removal).
//
// A dialect keeps there what its original keeps beside the jobs and the core has no model for
// (Cronicle's custom Plugins); the core never reads a document.
//
// Thread-safe: reads take a short lock (HTTP threads read at once, as run pools are read).
//
// Example:
//   documents.set("cronicle", "cronicle.plugin", {doc});          // written to the store already
//   for (const auto& d : documents.list("cronicle", "cronicle.plugin")) ...   // by name
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/group_document.h"

namespace mainspring {

// The store's meta name of a group's documents of one kind: k_group_documents_meta_prefix, the
// escaped group, '/', the escaped kind (storage/store_keys.h escape_key_part).
inline constexpr std::string_view k_group_documents_meta_prefix = "group_documents/";
std::string group_documents_meta(std::string_view group, std::string_view kind);

class group_documents {
 public:
  // The group's documents of `kind`, by name.
  std::vector<group_document> list(std::string_view group, std::string_view kind) const;
  // Replaces the group's documents of `kind` (written to the store already); an empty list
  // forgets the kind.
  void set(const std::string& group, const std::string& kind, std::vector<group_document> docs);
  // Forgets the group's documents; answers the kinds it had (each to be emptied in the store).
  std::vector<std::string> erase_group(std::string_view group);

  // A change reads a list, writes the changed list to the store, then sets it here: one at a
  // time, under this lock.
  std::unique_lock<std::mutex> lock_writes() { return std::unique_lock<std::mutex>(writes_); }

  // -- imports --

  // An import writes a group's documents in the registry's write of the group's jobs, which the
  // caller does not wait for (as run_pools' imports): begin_import() marks the group until that
  // write is done (end_import()), and a change asked for meanwhile must be refused (importing()):
  // it would write a list made from the one the import is replacing, after it.

  using by_kind = std::map<std::string, std::vector<group_document>, std::less<>>;
  // True between begin_import(group) and end_import(group). REQUIRES: lock_writes() held.
  bool importing(std::string_view group) const;
  // Waits for a change in progress (one synced write at most), then marks the group; answers the
  // kinds it has (the import empties in the store those its archive lacks).
  // REQUIRES: lock_writes() not held.
  std::vector<std::string> begin_import(const std::string& group);
  // The import's write is done: when it succeeded, `documents` (what it wrote) are all of the
  // group's; when it failed, nullopt (the group's stay as they were). The mark goes.
  // REQUIRES: lock_writes() not held.
  void end_import(const std::string& group, std::optional<by_kind> documents);

 private:
  mutable std::mutex mutex_;
  std::map<std::string, by_kind, std::less<>> groups_;
  std::mutex writes_;  // taken before mutex_ when both are held
  std::set<std::string, std::less<>> importing_;  // under writes_
};

}  // namespace mainspring
