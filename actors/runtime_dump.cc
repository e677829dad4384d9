// The dump half of scheduler_runtime: archives built from the store alone (storage/dump_archive.h).
#include <algorithm>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "actors/runtime_impl.h"
#include "storage/codec.h"
#include "storage/dump_archive.h"

namespace mainspring {

namespace {

// Adds one stored kind's documents (a group_documents_value) to its group's dump, if that group
// is dumped. The store's meta names come in name order, so a group's kinds come by kind; each
// kind's documents are put by name, as group_documents lists them.
status read_documents(std::string_view name, std::string_view bytes,
                      const std::unordered_map<std::string, std::size_t>& index, std::vector<group_dump>& groups) {
  group_documents_value value;
  if (auto st = decode(bytes, &value); !st.ok())  // value.group is not known then: the meta name says it
    return status::internal("the group documents " + std::string(name) + ": " + st.message());
  auto it = index.find(value.group);
  if (it == index.end()) return {};
  std::sort(value.documents.begin(), value.documents.end(),
            [](const group_document& a, const group_document& b) { return a.name < b.name; });
  for (group_document& d : value.documents)
    groups[it->second].documents.push_back(dumped_document{value.kind, std::move(d)});
  return {};
}

}  // namespace

// Dumps read the store, which holds every acknowledged change: a consistent snapshot without
// asking any actor, on the caller's thread. A group's run pools are read there too, from the same
// snapshot as its jobs (load_visitor::on_meta), rather than from run_pools: a pool changed while
// the dump is read is then in the dump exactly when the store has it, and the dump holds what a
// restart would restore (runtime_restore.cc), whatever run_pools holds meanwhile. A group's
// documents are read the same way, for the same reasons.
void scheduler_runtime::dump(std::optional<std::string> group, reply_fn<dump_file> done) {
  std::vector<group_dump> groups;
  std::unordered_map<std::string, std::size_t> index;        // group name -> groups[]
  std::unordered_map<std::string, std::size_t> pools_index;  // run_pools_meta(group) -> groups[]
  status meta_read;
  load_visitor visitor;
  auto wanted = [&group](const std::string& name) { return !group || *group == name; };
  visitor.on_group = [&](group_spec&& g) {
    if (!wanted(g.name)) return;
    index[g.name] = groups.size();
    pools_index[run_pools_meta(g.name)] = groups.size();
    groups.push_back(group_dump{.group = std::move(g)});
  };
  visitor.on_job = [&](job_spec&& j) {
    if (auto it = index.find(j.group); it != index.end()) groups[it->second].jobs.push_back(std::move(j));
  };
  visitor.on_func = [&](func_spec&& f) {
    if (auto it = index.find(f.group); it != index.end()) groups[it->second].funcs.push_back(std::move(f));
  };
  // Pools and documents have meta names with no common prefix, so every meta value comes by (the
  // others are a few small ones). Lists of other groups come by too (a removed group's empty
  // list): only the wanted ones are decoded. The groups come first in a load, so the indexes are
  // complete by then.
  const std::string documents_prefix = group ? group_documents_meta(*group, "") : std::string(k_group_documents_meta_prefix);
  visitor.on_meta = [&](std::string_view name, std::string_view value) {
    if (!meta_read.ok()) return;
    if (name.substr(0, documents_prefix.size()) == documents_prefix) {
      meta_read = read_documents(name, value, index, groups);
      return;
    }
    auto it = pools_index.find(std::string(name));
    if (it == pools_index.end()) return;
    group_dump& g = groups[it->second];
    if (auto st = decode_run_pools(value, &g.pools); !st.ok())
      meta_read = status::internal("the run pools of group " + g.group.name + ": " + st.message());
    // By name, as run_pools lists them (the stored list is in the order the pools were added).
    std::sort(g.pools.begin(), g.pools.end(),
              [](const run_pool_spec& a, const run_pool_spec& b) { return a.name < b.name; });
  };
  if (auto st = impl_->store->load_all(visitor); !st.ok()) return done(st);
  if (!meta_read.ok()) return done(meta_read);
  if (group && groups.empty()) return done(status::not_found("group_name: unknown group \"" + *group + "\""));
  auto now = now_ms();
  auto bytes = write_dump(groups, now);
  if (!bytes.ok()) return done(bytes.status());
  done(dump_file{dump_file_name(now), std::move(bytes).value()});
}

}  // namespace mainspring
