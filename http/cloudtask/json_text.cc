#include "http/cloudtask/json_text.h"

#include <algorithm>
#include <span>
#include <string_view>
#include <vector>

#include "http/go_json.h"

namespace mainspring::http::cloudtask {

namespace {

using nlohmann::json;
using nlohmann::ordered_json;

// An object the originals write from a struct (or a JS object built in a fixed order): told by
// the keys it has, written with `fields` first, in that order.
struct shape {
  std::vector<std::string_view> has;
  std::vector<std::string_view> fields;
};

// Checked in order; the first whose keys an object has is its shape.
const std::vector<shape>& shapes() {
  static const std::vector<shape> all = {
      // cloudtask-web's envelope (controllers/response setResult) and the center's ResponseImpl.
      {{"code", "message"}, {"code", "message", "data"}},
      // common/models Notify before the center's envelope: it has a content too.
      {{"subject", "to"}, {"enabled", "subject", "to", "content"}},
      {{"content"}, {"content", "data"}},
      // common/models JobLog (the agent's, as the center inserts it into the log collection).
      {{"jobid", "msgid"},
       {"jobid", "msgid", "event", "group", "stat", "location", "command", "workdir", "ipaddr", "stdout", "errout",
        "execerr", "execat", "exectimes", "createat"}},
      // common/models JobBase.
      {{"jobid", "filecode"}, {"jobid", "jobname", "filename", "filecode", "cmd", "env", "timeout", "version", "schedule"}},
      // common/models JobDataInfo (JobData's fields, then its own).
      {{"jobid", "key"}, {"jobid", "key", "version", "jobname", "ipaddr", "hostname"}},
      // cloudtask-web's JobInfo (controllers/job.js), as createJob and the center fill it.
      {{"jobid", "schedule"},
       {"jobid", "name", "location", "servers", "groupid", "filename", "files", "cmd", "env", "description", "timeout",
        "enabled", "schedule", "notifysetting", "createuser", "createat", "edituser", "editat", "stat", "execerr",
        "execat", "nextat"}},
      // common/models JobsAllocData.
      {{"location", "version", "data"}, {"location", "version", "data"}},
      // common/models Schedule and MonthlyOf.
      {{"turnmode"},
       {"id", "enabled", "turnmode", "interval", "startdate", "enddate", "starttime", "endtime", "selectat", "monthlyof"}},
      {{"day", "week"}, {"day", "week"}},
      // common/models Server.
      {{"key", "alivestamp", "status"}, {"key", "name", "ipaddr", "apiaddr", "os", "platform", "status", "alivestamp"}},
      // common/models NotifySetting and Notify.
      {{"succeed"}, {"succeed", "failed"}},
      // cloudtask-web's log page (controllers/log.js).
      {{"pageIndex"}, {"pageIndex", "pageSize", "rows", "total_rows"}},
      // The center's _ping: its anonymous struct, gzkwrapper NodeData, etc Configuration.
      {{"app", "systemconfig"}, {"app", "key", "node", "systemconfig"}},
      {{"singin"},
       {"type", "hostname", "datacenter", "location", "os", "platform", "ipaddr", "apiaddr", "pid", "singin",
        "timestamp", "alivestamp", "attach"}},
      {{"retrystartup"},
       {"version", "pidfile", "retrystartup", "useserverconfig", "cluster", "api", "scheduler", "cache", "notifications",
        "logger"}},
      {{"pulse"}, {"hosts", "root", "device", "runtime", "os", "platform", "pulse", "timeout", "threshold"}},
      {{"enablecors"}, {"hosts", "enablecors"}},
      {{"allocmode"}, {"allocmode", "allocrecovery"}},
      {{"lrusize"}, {"lrusize", "storagedriver"}},
      {{"loglevel"}, {"logfile", "loglevel", "logsize"}},
      // An entry of a job's files (controllers/job.js changeInfo); last: a job has both keys too.
      {{"name", "createat"}, {"name", "createat"}},
  };
  return all;
}

// The shapes again, each with a MongoDB document's `_id` before its fields.
const std::vector<shape>& shapes_id_first() {
  static const std::vector<shape> all = [] {
    std::vector<shape> out = shapes();
    for (shape& s : out) s.fields.insert(s.fields.begin(), std::string_view("_id"));
    return out;
  }();
  return all;
}

// Every object, at any depth, that has a shape's keys is written in its order. An `_id` not in
// the fields is one of the keys sorted after them.
std::span<const std::string_view> fields_in(const std::vector<shape>& table, const json& object) {
  for (const shape& s : table)
    if (std::all_of(s.has.begin(), s.has.end(), [&](std::string_view k) { return object.contains(std::string(k)); }))
      return s.fields;
  return {};
}

std::string text_of(const json& body, const std::vector<shape>& table) {
  auto fields_of = [&table](const json& object, int /*depth*/) { return fields_in(table, object); };
  return in_field_order(body, fields_of).dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

}  // namespace

// The center's Go (Cloudtask's day) predates Go 1.22's short escapes \b and \f.
std::string center_json_text(const json& body) {
  return go_escaped(text_of(body, shapes()), go_escape_style::before_1_22);
}

std::string web_json_text(const json& body) {
  return text_of(body, shapes_id_first());
}

}  // namespace mainspring::http::cloudtask
