// The dump half of scheduler_runtime: archives built from the store alone (storage/dump_archive.h).
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "actors/runtime_impl.h"
#include "storage/dump_archive.h"

namespace mainspring {

// Dumps read the store, which holds every acknowledged change: a consistent snapshot without
// asking any actor, on the caller's thread.
void scheduler_runtime::dump(std::optional<std::string> group, reply_fn<dump_file> done) {
  std::vector<group_dump> groups;
  std::unordered_map<std::string, std::size_t> index;
  load_visitor visitor;
  auto wanted = [&group](const std::string& name) { return !group || *group == name; };
  visitor.on_group = [&](group_spec&& g) {
    if (!wanted(g.name)) return;
    index[g.name] = groups.size();
    groups.push_back(group_dump{std::move(g), {}, {}});
  };
  visitor.on_job = [&](job_spec&& j) {
    if (auto it = index.find(j.group); it != index.end()) groups[it->second].jobs.push_back(std::move(j));
  };
  visitor.on_func = [&](func_spec&& f) {
    if (auto it = index.find(f.group); it != index.end()) groups[it->second].funcs.push_back(std::move(f));
  };
  if (auto st = impl_->store->load_all(visitor); !st.ok()) return done(st);
  if (group && groups.empty()) return done(status::not_found("group_name: unknown group \"" + *group + "\""));
  auto now = now_ms();
  auto bytes = write_dump(groups, now);
  if (!bytes.ok()) return done(bytes.status());
  done(dump_file{dump_file_name(now), std::move(bytes).value()});
}

}  // namespace mainspring
