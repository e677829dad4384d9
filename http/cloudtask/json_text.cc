#include "http/cloudtask/json_text.h"

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <string_view>
#include <vector>

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
  };
  return all;
}

const std::vector<std::string_view>* fields_of(const json& object) {
  for (const shape& s : shapes())
    if (std::all_of(s.has.begin(), s.has.end(), [&](std::string_view k) { return object.contains(std::string(k)); }))
      return &s.fields;
  return nullptr;
}

ordered_json in_order(const json& value) {
  switch (value.type()) {
    case json::value_t::object: {
      ordered_json out = ordered_json::object();
      if (const auto* fields = fields_of(value))
        for (std::string_view field : *fields)
          if (auto it = value.find(std::string(field)); it != value.end()) out.emplace(std::string(field), in_order(*it));
      for (const auto& [key, item] : value.items())  // the rest sorted (nlohmann keeps them so)
        if (!out.contains(key)) out.emplace(key, in_order(item));
      return out;
    }
    case json::value_t::array: {
      ordered_json out = ordered_json::array();
      for (const auto& item : value) out.push_back(in_order(item));
      return out;
    }
    case json::value_t::string: return value.get_ref<const std::string&>();
    case json::value_t::boolean: return value.get<bool>();
    case json::value_t::number_integer: return value.get<int64_t>();
    case json::value_t::number_unsigned: return value.get<uint64_t>();
    case json::value_t::number_float: return value.get<double>();
    default: return nullptr;  // null (answers hold no binary values)
  }
}

std::string text_of(const json& body) {
  return in_order(body).dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

// Go's escapes in JSON text nlohmann wrote. <, >, &, U+2028 and U+2029 are never JSON syntax, so
// they are inside strings; a backslash always starts an escape, whose next character says which.
std::string go_escaped(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\\' && i + 1 < text.size()) {
      const char e = text[++i];
      out += e == 'b' ? "\\u0008" : e == 'f' ? "\\u000c" : std::string{'\\', e};
    } else if (c == '<') {
      out += "\\u003c";
    } else if (c == '>') {
      out += "\\u003e";
    } else if (c == '&') {
      out += "\\u0026";
    } else if (c == '\xE2' && i + 2 < text.size() && text[i + 1] == '\x80' && (text[i + 2] == '\xA8' || text[i + 2] == '\xA9')) {
      out += text[i + 2] == '\xA8' ? "\\u2028" : "\\u2029";
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string center_json_text(const json& body) { return go_escaped(text_of(body)); }

std::string web_json_text(const json& body) { return text_of(body); }

}  // namespace mainspring::http::cloudtask
