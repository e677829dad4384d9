// Cloudtask answers as text: keys in the order the center's Go structs and cloudtask-web's objects
// write them, and Go's escaping on the center's (http/cloudtask/json_text.h).
#include "http/cloudtask/json_text.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace mainspring::http::cloudtask;
using nlohmann::json;

TEST_CASE("the center's allocation table is written in its Go structs' field order") {
  json row = {{"jobid", "j1"}, {"key", "w1"}, {"version", 2}, {"jobname", "n"}, {"ipaddr", "10.0.0.1"}, {"hostname", "w1"}};
  json body = {{"content", "request successed."},
               {"data", {{"alloc", {{"location", "rt"}, {"version", 7}, {"data", json::array({row})}}}}}};
  CHECK(center_json_text(body) ==
        R"({"content":"request successed.","data":{"alloc":{"location":"rt","version":7,"data":[)"
        R"({"jobid":"j1","key":"w1","version":2,"jobname":"n","ipaddr":"10.0.0.1","hostname":"w1"}]}}})");
}

TEST_CASE("a job base, its rules and a server are written in common/models' field order") {
  json rule = {{"id", "r1"},          {"enabled", 1},       {"turnmode", 2},      {"interval", 5},
               {"startdate", "a"},    {"enddate", ""},      {"starttime", "00:00"}, {"endtime", "23:59"},
               {"selectat", ""},      {"monthlyof", {{"day", 1}, {"week", ""}}}};
  json base = {{"jobid", "j1"}, {"jobname", "n"}, {"filename", ""}, {"filecode", "d4"}, {"cmd", "ls"},
               {"env", json::array()}, {"timeout", 0}, {"version", 1}, {"schedule", json::array({rule})}};
  CHECK(center_json_text(base) ==
        R"({"jobid":"j1","jobname":"n","filename":"","filecode":"d4","cmd":"ls","env":[],"timeout":0,"version":1,)"
        R"("schedule":[{"id":"r1","enabled":1,"turnmode":2,"interval":5,"startdate":"a","enddate":"",)"
        R"("starttime":"00:00","endtime":"23:59","selectat":"","monthlyof":{"day":1,"week":""}}]})");
  json server = {{"key", "w1"}, {"name", "w1"}, {"ipaddr", "ip"}, {"apiaddr", ""}, {"os", "linux"},
                 {"platform", "amd64"}, {"status", 1}, {"alivestamp", 5}};
  CHECK(center_json_text(json{{"servers", json::array({server})}}) ==
        R"({"servers":[{"key":"w1","name":"w1","ipaddr":"ip","apiaddr":"","os":"linux","platform":"amd64","status":1,"alivestamp":5}]})");
}

TEST_CASE("the center escapes <, >, & and the line separators as Go does, the web does not") {
  json body = {{"jobid", "j"}, {"filecode", "x"}, {"cmd", "a && b > c <d> \xE2\x80\xA8 \\b \b \f\n"}};
  CHECK(center_json_text(body) ==
        R"({"jobid":"j","filecode":"x","cmd":"a \u0026\u0026 b \u003e c \u003cd\u003e \u2028 \\b \u0008 \u000c\n"})");
  CHECK(web_json_text(json{{"cmd", "a && <b>"}}) == R"({"cmd":"a && <b>"})");
}

TEST_CASE("the web's envelope, job, log page and log row keep cloudtask-web's order") {
  json job = {{"jobid", "j1"},      {"name", "n"},         {"location", "rt"},  {"servers", json::array()},
              {"groupid", "g"},     {"filename", ""},      {"files", json::array()}, {"cmd", "ls"},
              {"env", json::array()}, {"description", ""}, {"timeout", 0},      {"enabled", 1},
              {"schedule", json::array()}, {"notifysetting", nullptr}, {"createuser", "u"}, {"createat", "c"},
              {"edituser", "u"},    {"editat", "e"},       {"stat", 0},         {"execerr", ""},
              {"execat", "x"},      {"nextat", "y"}};
  CHECK(web_json_text(json{{"code", 0}, {"message", "request successed."}, {"data", job}}) ==
        R"({"code":0,"message":"request successed.","data":{"jobid":"j1","name":"n","location":"rt","servers":[],)"
        R"("groupid":"g","filename":"","files":[],"cmd":"ls","env":[],"description":"","timeout":0,"enabled":1,)"
        R"("schedule":[],"notifysetting":null,"createuser":"u","createat":"c","edituser":"u","editat":"e","stat":0,)"
        R"("execerr":"","execat":"x","nextat":"y"}})");
  json row = {{"jobid", "j1"}, {"msgid", "1"}, {"event", ""},   {"group", "g"},      {"stat", 0},
              {"location", "rt"}, {"command", "ls"}, {"workdir", ""}, {"ipaddr", "ip"}, {"stdout", "o"},
              {"errout", ""},  {"execerr", ""},   {"execat", "t"}, {"exectimes", 0.5}, {"createat", 9}};
  json page = {{"pageIndex", 1}, {"pageSize", 10}, {"rows", json::array({row})}, {"total_rows", 1}};
  CHECK(web_json_text(page) ==
        R"({"pageIndex":1,"pageSize":10,"rows":[{"jobid":"j1","msgid":"1","event":"","group":"g","stat":0,)"
        R"("location":"rt","command":"ls","workdir":"","ipaddr":"ip","stdout":"o","errout":"","execerr":"",)"
        R"("execat":"t","exectimes":0.5,"createat":9}],"total_rows":1})");
  // An error's envelope, and a notification setting in common/models' order; unknown keys follow, sorted.
  CHECK(web_json_text(json{{"code", -1000}, {"message", "m"}, {"data", {{"error", "e"}}}}) ==
        R"({"code":-1000,"message":"m","data":{"error":"e"}})");
  json notify = {{"failed", {{"to", "a@b"}, {"enabled", true}, {"subject", "s"}, {"content", "c"}}},
                 {"succeed", {{"to", ""}, {"enabled", false}, {"subject", ""}, {"content", ""}, {"extra", 1}}}};
  CHECK(web_json_text(notify) ==
        R"({"succeed":{"enabled":false,"subject":"","to":"","content":"","extra":1},)"
        R"("failed":{"enabled":true,"subject":"s","to":"a@b","content":"c"}})");
}

TEST_CASE("a document's _id comes first as MongoDB gives it back") {
  json job = {{"_id", "5aaf2300a1b2c3d4e5f60718"}, {"jobid", "j1"}, {"name", "n"}, {"schedule", json::array()}};
  CHECK(web_json_text(job) == R"({"_id":"5aaf2300a1b2c3d4e5f60718","jobid":"j1","name":"n","schedule":[]})");
  json row = {{"_id", "5aaf242c0000000000000001"}, {"jobid", "j1"}, {"msgid", "1"}, {"stat", 0}};
  CHECK(web_json_text(json{{"rows", json::array({row})}, {"pageIndex", 1}}) ==
        R"({"pageIndex":1,"rows":[{"_id":"5aaf242c0000000000000001","jobid":"j1","msgid":"1","stat":0}]})");
  // The center's answers are no MongoDB documents.
  CHECK(center_json_text(json{{"_id", "x"}, {"content", "c"}}) == R"({"content":"c","_id":"x"})");
}
