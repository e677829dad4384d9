// scheduler_runtime's group document calls: each change rewrites the group's list of that kind in
// the store (synced, with its audit entry) before it is seen in group_documents (actors/
// group_documents.h). Audit actions: "document.add", "document.edit", "document.delete"; the
// entry's job id is "<kind>/<name>". An import writes the documents of its groups itself
// (registry_actor.cc); a change of a group being imported is refused with unavailable
// (group_documents.h: importing).
#include <algorithm>

#include "actors/runtime_impl.h"
#include "core/time_types.h"
#include "storage/codec.h"
#include "storage/mutation_batch.h"

namespace mainspring {

namespace {

status write_documents(state_store& store, const std::string& group, const std::string& kind,
                       const std::vector<group_document>& docs, const audit_entry* audit) {
  mutation_batch batch;
  batch.put_meta(group_documents_meta(group, kind), encode(group_documents_value{group, kind, docs}));
  if (audit) batch.put_audit(*audit);
  return store.commit_sync(std::move(batch));
}

audit_entry document_audit(request_origin origin, const char* action, const std::string& group, const std::string& kind,
                           const std::string& name) {
  if (origin.detail.empty()) origin.detail = name;
  return audit_of(origin, action, group, kind + "/" + name);
}

}  // namespace

// Removals of a group are one at a time (the registry's gate); the emptied lists are written
// lazily, as a removed group's run pools are: a group made again under the name starts without.
void scheduler_runtime::impl::forget_group_documents(const std::string& group) {
  auto lock = documents.lock_writes();
  for (const auto& kind : documents.erase_group(group)) {
    mutation_batch batch;
    batch.put_meta(group_documents_meta(group, kind), encode(group_documents_value{group, kind, {}}));
    store->commit(std::move(batch), [](status) {});
  }
}

std::vector<group_document> scheduler_runtime::group_documents(const std::string& group, const std::string& kind) const {
  return impl_->documents.list(group, kind);
}

// Blocks the caller for one synced write, as put_run_pool: a rare admin call.
void scheduler_runtime::put_group_document(request_origin origin, std::string group, std::string kind,
                                           group_document doc, done_fn done) {
  if (auto st = validate_group_document(kind, doc); !st.ok()) return done(st);
  auto lock = impl_->documents.lock_writes();
  if (impl_->documents.importing(group)) return done(group_being_imported(group));
  auto docs = impl_->documents.list(group, kind);
  auto it = std::find_if(docs.begin(), docs.end(), [&](const group_document& d) { return d.name == doc.name; });
  if (it == docs.end() && docs.size() >= k_max_group_documents)
    return done(status::resource_exhausted("a group has at most " + std::to_string(k_max_group_documents) +
                                           " documents of one kind"));
  const bool added = it == docs.end();
  doc.updated_ms = to_unix_ms(now_ms());
  doc.created_ms = added ? doc.updated_ms : it->created_ms;
  if (added) docs.push_back(doc);
  else *it = doc;
  auto audit = document_audit(std::move(origin), added ? "document.add" : "document.edit", group, kind, doc.name);
  if (auto st = write_documents(*impl_->store, group, kind, docs, &audit); !st.ok()) return done(st);
  impl_->documents.set(group, kind, std::move(docs));
  lock.unlock();  // `done` may change documents again
  done(status{});
}

void scheduler_runtime::delete_group_document(request_origin origin, std::string group, std::string kind,
                                              std::string name, done_fn done) {
  auto lock = impl_->documents.lock_writes();
  if (impl_->documents.importing(group)) return done(group_being_imported(group));
  auto docs = impl_->documents.list(group, kind);
  auto it = std::find_if(docs.begin(), docs.end(), [&](const group_document& d) { return d.name == name; });
  if (it == docs.end())
    return done(status::not_found("group " + group + " has no document " + name + " of kind " + kind));
  docs.erase(it);
  auto audit = document_audit(std::move(origin), "document.delete", group, kind, name);
  if (auto st = write_documents(*impl_->store, group, kind, docs, &audit); !st.ok()) return done(st);
  impl_->documents.set(group, kind, std::move(docs));
  lock.unlock();  // `done` may change documents again
  done(status{});
}

}  // namespace mainspring
