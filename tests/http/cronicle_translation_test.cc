// The Cronicle dialect's translation: validation texts, event JSON <-> job_spec, plugins, job
// ids, codes and descriptions, error shapes.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "core/schedule.h"
#include "http/cronicle/errors.h"
#include "http/cronicle/event_json.h"
#include "http/cronicle/hook_json.h"
#include "http/cronicle/job_json.h"
#include "http/cronicle/plugins.h"
#include "http/cronicle/run_changes.h"
#include "http/cronicle/validation.h"
#include "http/dialect_data.h"

using namespace mainspring;
using namespace mainspring::http::cronicle;
using nlohmann::json;

namespace {

json shell_event() {
  return json{{"title", "Rebuild Indexes"}, {"enabled", 1},       {"category", "general"},
              {"target", "maingrp"},        {"plugin", "shellplug"}, {"params", {{"script", "#!/bin/sh\necho hi\n"}}},
              {"timing", {{"minutes", {10}}}}, {"timezone", "America/Los_Angeles"}, {"max_children", 1},
              {"timeout", 3600},            {"catch_up", true},    {"retries", 2},
              {"retry_delay", 30},          {"notes", "n"},        {"web_hook", "http://hook.example/x"},
              {"chain", "e2"},              {"queue", 1},          {"cpu_limit", 100}};
}

job_view view_of(const job_spec& spec, job_phase phase = job_phase::active) {
  job_view v;
  v.spec = spec;
  v.phase = phase;
  return v;
}

}  // namespace

TEST_CASE("cronicle: requireParams answers Cronicle's missing, null and malformed texts") {
  json p = {{"id", nullptr}, {"title", "  "}, {"enabled", "yes"}};
  CHECK(require_params(p, {{"id", param_rule::word}}) == api_error{"api", "Null parameter: id"});
  CHECK(require_params(p, {{"title", param_rule::non_blank}}) == api_error{"api", "Malformed parameter: title"});
  CHECK(require_params(p, {{"enabled", param_rule::flag}}) == api_error{"api", "Malformed parameter: enabled"});
  CHECK(require_params(p, {{"plugin", param_rule::word}}) == api_error{"api", "Missing parameter: plugin"});
  CHECK_FALSE(require_params(json{{"enabled", true}, {"id", 12}}, {{"enabled", param_rule::flag}, {"id", param_rule::word}}));
}

TEST_CASE("cronicle: event data is checked with requireValidEventData's rules and texts") {
  CHECK_FALSE(validate_event_data(shell_event()));
  CHECK(*validate_event_data(json{{"timeout", "60"}}) == api_error{"api", "Malformed parameter type: timeout (string)"});
  CHECK(*validate_event_data(json{{"retries", -1}}) == api_error{"api", "Malformed parameter value: retries"});
  CHECK(*validate_event_data(json{{"enabled", nullptr}}) == api_error{"api", "Malformed parameter type: enabled (object)"});
  CHECK(*validate_event_data(json{{"title", "<b>x</b>"}}) ==
        api_error{"api", "Malformed title parameter: Cannot contain HTML metacharacters"});
  CHECK(*validate_event_data(json{{"params", "x"}}) == api_error{"api", "Malformed event parameter: params (must be object)"});
  CHECK(*validate_event_data(json{{"timing", {{"hour", {1}}}}}) == api_error{"api", "Unknown event timing parameter: hour"});
  CHECK(*validate_event_data(json{{"timing", {{"hours", 1}}}}) ==
        api_error{"api", "Malformed event timing parameter: hours (must be array)"});
  CHECK(*validate_event_data(json{{"timing", {{"hours", {24}}}}}) ==
        api_error{"api", "Malformed event timing parameter: hours (value out of range: 24)"});
  CHECK(*validate_event_data(json{{"timezone", "Mars/Olympus"}}) == api_error{"api", "Malformed or unknown timezone: Mars/Olympus"});
  CHECK(*validate_event_data(json{{"web_hook", "ftp://x"}}) == api_error{"api", "Malformed parameter value: web_hook"});
  CHECK_FALSE(validate_event_data(json{{"timing", false}}));
}

TEST_CASE("cronicle: update_event's reset_cursor must be a whole number of seconds, as the event's numbers") {
  CHECK_FALSE(validate_reset_cursor(json::object()));
  CHECK_FALSE(validate_reset_cursor(json{{"reset_cursor", 4102444800}}));
  CHECK_FALSE(validate_reset_cursor(json{{"reset_cursor", 0}}));
  CHECK(*validate_reset_cursor(json{{"reset_cursor", "abc"}}) == api_error{"api", "Malformed parameter type: reset_cursor (string)"});
  CHECK(*validate_reset_cursor(json{{"reset_cursor", "1700000000"}}) ==
        api_error{"api", "Malformed parameter type: reset_cursor (string)"});
  CHECK(*validate_reset_cursor(json{{"reset_cursor", nullptr}}) == api_error{"api", "Malformed parameter type: reset_cursor (object)"});
  CHECK(*validate_reset_cursor(json{{"reset_cursor", -5}}) == api_error{"api", "Malformed parameter value: reset_cursor"});
  CHECK(*validate_reset_cursor(json{{"reset_cursor", 1.5}}) == api_error{"api", "Malformed parameter value: reset_cursor"});
}

TEST_CASE("cronicle: an event's mapped fields become the job's, the rest is kept in its section") {
  auto spec = to_job_spec(shell_event(), {.group = "cronicle"}, "e1");
  REQUIRE(spec.ok());
  CHECK(spec->id == "e1");
  CHECK(spec->group == "cronicle");
  CHECK(spec->name == "Rebuild Indexes");
  CHECK(spec->schedule == schedule::from_timing({.minutes = {10}})->text());
  CHECK(spec->timezone == "America/Los_Angeles");
  CHECK(spec->timeout_ms == 3'600'000);
  CHECK(spec->retries == 2);
  CHECK(spec->retry_delay_ms == 30'000);
  CHECK(spec->controls.max_running == 1);  // max_children
  CHECK(spec->controls.queue);
  CHECK(spec->controls.queue_max == 0);     // Cronicle's "no limit": Mainspring's cap
  CHECK(spec->controls.on_success == "e2");
  CHECK(spec->controls.on_failure.empty());
  CHECK(spec->controls.hook_url == "http://hook.example/x");
  CHECK(spec->controls.hook_format == "cronicle");
  CHECK(spec->misfire == misfire_policy::all);
  CHECK_FALSE(spec->paused);
  CHECK(spec->exec_time_s == k_first_fire_by_schedule);
  REQUIRE(std::holds_alternative<shell_target>(spec->target));
  json section = http::dialect_section(spec->dialect_data, "cronicle");
  CHECK(section["web_hook"] == "http://hook.example/x");
  CHECK(section["chain"] == "e2");
  CHECK_FALSE(section["params"].contains("script"));  // it lives in the command only
  CHECK_FALSE(section.contains("title"));

  json back = event_json(view_of(*spec), {.group = "cronicle"});
  json expected = shell_event();
  for (auto it = expected.begin(); it != expected.end(); ++it) {
    INFO(it.key());
    CHECK(back[it.key()] == *it);
  }
  CHECK(back["id"] == "e1");
  CHECK(back["queue_max"] == 0);  // every field of the table, with Cronicle's defaults
}

TEST_CASE("cronicle: a shellplug script holding a NUL byte is a malformed event, as the shell would cut it there") {
  json event = shell_event();
  event["params"]["script"] = std::string("#!/bin/sh\necho a\0b\n", 19);
  auto spec = to_job_spec(event, {.group = "cronicle"}, "e1");
  REQUIRE_FALSE(spec.ok());
  CHECK(spec.error().code == "api");
  CHECK(spec.error().description.starts_with("Malformed event: params: has a NUL byte"));
}

TEST_CASE("cronicle: no timing is on demand, a falsy enabled pauses, max_children 0 allows any overlap") {
  json e = shell_event();
  e.erase("timing");
  e["enabled"] = 0;
  e["max_children"] = 0;
  e["timeout"] = 0;
  auto spec = to_job_spec(e, {}, "e2");
  REQUIRE(spec.ok());
  CHECK(spec->schedule == "@manually");
  CHECK(spec->paused);
  CHECK(spec->concurrency == concurrency_policy::allow);
  CHECK(spec->controls.max_running == 0);
  CHECK(spec->timeout_ms == k_max_timeout_ms);
  json back = event_json(view_of(*spec, job_phase::paused), {.default_timezone = "Europe/Berlin"});
  CHECK_FALSE(back.contains("timing"));
  CHECK(back["enabled"] == 0);
  e["timing"] = json::object();  // {} = every minute
  CHECK(to_job_spec(e, {}, "e3")->schedule == schedule::from_timing({})->text());
}

TEST_CASE("cronicle: an API key sent in an event is never kept") {
  json e = shell_event();
  e["api_key"] = "0123456789abcdef.secretsecret";
  json merged = merged_event(json::object(), e);
  CHECK_FALSE(merged.contains("api_key"));
  auto spec = to_job_spec(e, {}, "e4");
  REQUIRE(spec.ok());
  CHECK(spec->dialect_data.find("secretsecret") == std::string::npos);
}

TEST_CASE("cronicle: a shell script reads back byte for byte from its command, whatever it holds") {
  for (std::string script : {std::string("#!/bin/sh\necho hi\n"), std::string("no newline"), std::string(""),
                             std::string("a\nCRONICLE_SCRIPT_N0\nCRONICLE_SCRIPT_K0\nb\n"), std::string("'\"$x`\\\n\n")}) {
    INFO(script);
    std::string command = shell_script_command(script);
    auto back = script_of_command(command);
    REQUIRE(back);
    CHECK(*back == script);
  }
  CHECK_FALSE(script_of_command("echo hello"));
  // As an earlier version stored it (no job variables before the exec): still read back.
  const std::string stored_v1 =
      "f=$(mktemp \"${TMPDIR:-/tmp}/cronicle-script-XXXXXX\") || exit 1\ncat > \"$f\" <<'CRONICLE_SCRIPT_K0'\n"
      "echo old\nCRONICLE_SCRIPT_K0\nchmod 700 \"$f\" && exec 3<\"$f\" && rm -f \"$f\" && exec /dev/fd/3\nrm -f \"$f\"; exit 127\n";
  CHECK(script_of_command(stored_v1) == std::optional<std::string>("echo old\n"));
}

TEST_CASE("cronicle: a shellplug's scalar params are its job's variables, upper-cased, as Cronicle sets them") {
  const plugin_info* shell = find_plugin("shellplug");
  REQUIRE(shell);
  auto run = plugin_target(*shell, {{"script", "#!/bin/sh\necho $ANNOTATE\n"}, {"annotate", 1}, {"json", false}});
  REQUIRE(run.ok());
  const auto& t = std::get<shell_target>(run->target);
  // The script is not a variable (it is the command); the others are, as JavaScript's ''+value.
  CHECK(t.env == std::vector<std::pair<std::string, std::string>>{{"ANNOTATE", "1"}, {"JSON", "false"}});
  CHECK(validate_target(run->target).ok());
  auto one_line = plugin_target(*shell, {{"script", "echo hi"}});
  REQUIRE(one_line.ok());
  CHECK(std::get<shell_target>(one_line->target).env.empty());
  // Cronicle reads a script's stderr apart from its stdout, and its "NN%" lines as progress.
  CHECK(t.stderr_apart);
  CHECK(t.progress_lines);
  // annotate (truthy as JavaScript takes it) stamps each line of the log with its time.
  CHECK(t.annotate_lines);
  CHECK_FALSE(std::get<shell_target>(one_line->target).annotate_lines);
  CHECK(std::get<shell_target>(plugin_target(*shell, {{"annotate", "0"}})->target).annotate_lines);  // a non-empty string
  CHECK_FALSE(std::get<shell_target>(plugin_target(*shell, {{"annotate", 0}})->target).annotate_lines);
  // json: the script's JSON lines are reports.
  CHECK_FALSE(t.json_lines);  // {"json", false}
  CHECK(std::get<shell_target>(plugin_target(*shell, {{"json", 1}})->target).json_lines);
  // The script reads its job's JSON on stdin, as Cronicle's shell plugin writes it.
  CHECK(t.input_format == "cronicle");
  const plugin_info* test = find_plugin("testplug");
  REQUIRE(test);
  CHECK_FALSE(std::get<shell_target>(plugin_target(*test, json::object())->target).stderr_apart);
  CHECK(std::get<shell_target>(plugin_target(*test, json::object())->target).input_format.empty());
}

TEST_CASE("cronicle: urlplug maps onto an HTTP target, follow and the body patterns too") {
  const plugin_info* url = find_plugin("urlplug");
  REQUIRE(url);
  json params = {{"method", "POST"}, {"url", "http://127.0.0.1:9/x"}, {"headers", "User-Agent: Cronicle/1.0\r\nX-A: b"},
                 {"data", "{}"}, {"timeout", "30"}, {"follow", 0}, {"success_match", "OK"}, {"error_match", ""}};
  auto run = plugin_target(*url, params);
  REQUIRE(run.ok());
  const auto& t = std::get<http_target>(run->target);
  CHECK(t.method == "POST");
  CHECK(t.url == "http://127.0.0.1:9/x");
  CHECK(t.headers == name_value_list{{"User-Agent", "Cronicle/1.0"}, {"X-A", "b"}});
  CHECK(t.body == "{}");
  CHECK(t.success_match == "OK");  // plain text is a regular expression too
  CHECK(t.error_match.empty());
  CHECK_FALSE(t.follow_redirects);
  CHECK(run->timeout_ms == 30'000);
  auto target_with = [&](json p) { return std::get<http_target>(plugin_target(*url, p).value().target); };
  params["follow"] = 1;
  CHECK(target_with(params).follow_redirects);
  params["follow"] = true;
  CHECK(target_with(params).follow_redirects);
  params["success_match"] = "^ok$";
  params["error_match"] = "error|fail";
  CHECK(target_with(params).success_match == "^ok$");
  CHECK(target_with(params).error_match == "error|fail");
  params["success_match"] = ".*";  // Cronicle's defaults: no pattern
  params["error_match"] = "(?!)";
  CHECK(target_with(params).success_match.empty());
  CHECK(target_with(params).error_match.empty());
  CHECK(check_plugin_params(*url, json{{"script", "x"}}) == api_error{"event", "Unknown Plugin parameter: script"});
  CHECK_FALSE(find_plugin("test"));
}

TEST_CASE("cronicle: job ids name their event and run, and nothing else parses") {
  std::string id = job_id_of("e_mx7_01", 2128387064142495744ULL);
  auto parts = parse_job_id(id);
  REQUIRE(parts);
  CHECK(parts->first == "e_mx7_01");
  CHECK(parts->second == 2128387064142495744ULL);
  for (const char* bad : {"", "j", "jx_", "j_1", "xe1_2", "je1_abc", "je1_99999999999999999999999", "je-1_2", "je1_0"})
    CHECK_FALSE(parse_job_id(bad));
}

TEST_CASE("cronicle: a run's code and description are worded as Cronicle's Plugins word them") {
  run_record r;
  r.state = run_state::succeeded;
  r.code = 200;
  CHECK(job_code(r, "urlplug") == 0);
  CHECK(job_description(r, "urlplug", 0) == "Success (HTTP 200 OK)");
  CHECK(job_description(r, "shellplug", 0) == "");
  r.state = run_state::failed;
  r.code = 3;
  CHECK(job_code(r, "shellplug") == 3);
  CHECK(job_description(r, "shellplug", 0) == "Script exited with code: 3");
  r.error = "exit code 3: ls: x: No such file or directory";  // stderr's first line (core/shell_exit.h)
  CHECK(job_description(r, "shellplug", 0) == "Script exited with code: 3: ls: x: No such file or directory");
  r.error = "exit code 3";
  // A signal: its name is the code, as Cronicle's shell plugin takes Node's `code || signal`.
  run_record killed = r;
  killed.code = -1;
  killed.error = "killed by signal 9 (SIGKILL)";
  CHECK(job_code(killed, "shellplug") == "SIGKILL");
  CHECK(job_description(killed, "shellplug", 0) == "Script exited with code: SIGKILL");
  killed.error = "killed by signal 15 (SIGTERM): Terminated";
  CHECK(job_description(killed, "shellplug", 0) == "Script exited with code: SIGTERM: Terminated");
  // A description the script reported (json) is the description.
  run_record reported = r;
  reported.code = 5;
  reported.error = "Disk full";
  CHECK(job_code(reported, "shellplug") == 5);
  CHECK(job_description(reported, "shellplug", 0) == "Disk full");
  r.code = 503;
  r.error = "HTTP 503";
  CHECK(job_code(r, "urlplug") == 503);
  r.state = run_state::timed_out;
  CHECK(job_code(r, "shellplug") == 1);
  CHECK(job_description(r, "shellplug", 3'600'000) == "Job Aborted: Exceeded maximum run time (1 hour)");
  // A run with a timeout of its own (run_event's) is worded with the limit it had.
  r.error = "timed out after 120000 ms";
  CHECK(job_description(r, "shellplug", 3'600'000) == "Job Aborted: Exceeded maximum run time (2 minutes)");
  r.state = run_state::failed;
  r.code = -1;
  r.error = "aborted: stopped through the cronicle API";
  CHECK(job_code(r, "shellplug") == 1);
  CHECK(job_description(r, "shellplug", 0) == "Job Aborted: Stopped through the cronicle API");
}

TEST_CASE("cronicle: the listener's own errors and key refusals come back in Cronicle's shape") {
  auto body = [](const http::http_response& r) { return json::parse(r.body); };
  auto missing = render_error(401, status::unauthenticated("an API key is required (X-API-Key)"));
  CHECK(missing.status == 200);
  CHECK(body(missing) == json{{"code", "session"}, {"description", "No Session ID or API Key could be found"}});
  const status lacks = status::permission_denied("API key 0123456789abcdef lacks the create_events privilege");
  auto forbidden = render_error(403, lacks, [](std::string_view id) { return id == "0123456789abcdef" ? "Deploy bot" : ""; });
  CHECK(body(forbidden) == json{{"code", "api"},
                                {"description", "API Key ('Deploy bot') does not have the required privileges to perform "
                                                "this action (create_events)."}});
  // Without its title (no registry), the key's id.
  CHECK(body(render_error(403, lacks))["description"] ==
        "API Key ('0123456789abcdef') does not have the required privileges to perform this action (create_events).");
  // A key no key matches: requireValidUser's code and words, without the key sent.
  auto invalid = render_error(401, status::unauthenticated("unknown or wrong API key"));
  CHECK(body(invalid) == json{{"code", "api"}, {"description", "Invalid API Key"}});
  // Key management wants an admin key: requireAdmin's words.
  auto not_admin = render_error(403, status::permission_denied("API key 0123456789abcdef lacks the admin privilege"));
  CHECK(body(not_admin) == json{{"code", "user"}, {"description", "User is not an administrator: 0123456789abcdef"}});
  auto disabled = render_error(401, status::unauthenticated("API key 0123456789abcdef is disabled"));
  CHECK(body(disabled) == json{{"code", "api"}, {"description", "API Key is disabled: 0123456789abcdef"}});
  auto unknown = render_error(404, status::not_found("no route for GET /api/user/login"));
  CHECK(unknown.status == 200);
  CHECK(body(unknown) == json{{"code", 1}, {"description", "Unsupported API: user"}});
  auto ok = success({{"id", "e1"}});
  CHECK(body(ok) == json{{"code", 0}, {"id", "e1"}});
  bool cors = false;
  for (const auto& [n, v] : ok.headers) cors |= n == "Access-Control-Allow-Origin" && v == "*";
  CHECK(cors);
  // create_event's answer, written as text: the same bytes as success(json), headers too.
  for (const std::string& id : std::vector<std::string>{"e1", "e\"q\\x", "bad\xff"}) {
    auto text = success_with("id", id);
    auto dumped = success({{"id", id}});
    CHECK(text.body == dumped.body);
    CHECK(text.status == dumped.status);
    CHECK(text.content_type == dumped.content_type);
    CHECK(text.headers == dumped.headers);
  }
}

TEST_CASE("cronicle: chain ids are normalized, web_hook keeps the URL it ends in, max_children shows from the job") {
  json e = shell_event();
  e["chain"] = "E2";
  e["chain_error"] = "oncall_1";
  e["web_hook"] = "https://127.0.0.1:9/hook?x=1";
  e["max_children"] = 3;
  e["queue_max"] = 4;
  auto spec = to_job_spec(e, {}, "e5");
  REQUIRE(spec.ok());
  CHECK(spec->controls.on_success == "e2");
  CHECK(spec->controls.on_failure == "oncall_1");
  CHECK(spec->controls.hook_url == "https://127.0.0.1:9/hook?x=1");
  CHECK(spec->controls.max_running == 3);
  CHECK(spec->controls.queue_max == 4);
  e.erase("web_hook");
  CHECK(to_job_spec(e, {}, "e5")->controls.hook_url.empty());
  CHECK(to_job_spec(e, {}, "e5")->controls.hook_format.empty());
}

TEST_CASE("cronicle: a web hook body is the job with Cronicle's action, links and summary text") {
  auto spec = to_job_spec(shell_event(), {.group = "cronicle"}, "e1");
  REQUIRE(spec.ok());
  run_record run;
  run.run_id = 42;
  run.job_id = "e1";
  run.group = "cronicle";
  run.trigger = run_trigger::manual;
  run.start_ms = 1'700'000'000'000;
  cronicle_options options{.group = "cronicle", .hostname = "host-1", .base_app_url = "http://127.0.0.1:3012"};
  json start = hook_json("job_start", run, *spec, options, run.start_ms + 500);
  CHECK(start["action"] == "job_start");
  CHECK(start["id"] == job_id_of("e1", 42));
  CHECK(start["event"] == "e1");
  CHECK(start["event_title"] == "Rebuild Indexes");
  CHECK(start["hostname"] == "host-1");
  CHECK(start["base_app_url"] == "http://127.0.0.1:3012");
  CHECK(start["job_details_url"] == "http://127.0.0.1:3012/#JobDetails?id=" + job_id_of("e1", 42));
  CHECK(start["edit_event_url"] == "http://127.0.0.1:3012/#Schedule?sub=edit_event&id=e1");
  CHECK(start["text"] == "Job started on host-1: Rebuild Indexes " + start["job_details_url"].get<std::string>());
  CHECK(start["content"] == start["text"]);
  CHECK(start["message"] == start["text"]);
  CHECK_FALSE(start.contains("api_key"));

  run.state = run_state::succeeded;
  run.end_ms = run.start_ms + 2000;
  json done = hook_json("job_complete", run, *spec, options, run.end_ms);
  CHECK(done["action"] == "job_complete");
  CHECK(done["code"] == 0);
  CHECK(done["text"] == "Job completed successfully on host-1: Rebuild Indexes " + done["job_details_url"].get<std::string>());

  run.state = run_state::failed;
  run.code = 3;
  json failed = hook_json("job_complete", run, *spec, options, run.end_ms);
  CHECK(failed["action"] == "job_complete");  // Cronicle keeps the action; only the text says failure
  CHECK(failed["text"] == "Job failed on host-1: Rebuild Indexes: Error 3: Script exited with code: 3 " +
                              failed["job_details_url"].get<std::string>());
}

TEST_CASE("cronicle: web_hook_url is the URL a web_hook value ends in, as Cronicle's validation reads it") {
  CHECK(web_hook_url("http://127.0.0.1:9/h") == "http://127.0.0.1:9/h");
  CHECK(web_hook_url("notify HTTPS://127.0.0.1/x?y=1") == "HTTPS://127.0.0.1/x?y=1");
  CHECK(web_hook_url("http://a b http://127.0.0.1/c") == "http://127.0.0.1/c");
  CHECK(web_hook_url("http://") == "");
  CHECK(web_hook_url("http://127.0.0.1/a trailing") == "");
  CHECK(web_hook_url("ftp://x") == "");
  CHECK(web_hook_url("") == "");
  // Validation agrees: a value is accepted exactly when it has such a URL (or is empty).
  CHECK_FALSE(validate_event_data(json{{"web_hook", "notify http://127.0.0.1/x"}}));
  CHECK(validate_event_data(json{{"web_hook", "http://"}}));
}

TEST_CASE("cronicle: a chain's chain_params are merged over the event's params, only the declared ones") {
  const event_context ctx;
  auto spec = to_job_spec(shell_event(), ctx, "e1");
  REQUIRE(spec.ok());
  auto change = chain_params_change(*spec, R"({"script":"#!/bin/sh\necho chained\n","color":"red"})", ctx);
  REQUIRE(change);
  REQUIRE(change->target);
  const auto& shell = std::get<shell_target>(*change->target);
  CHECK(script_of_command(shell.command) == "#!/bin/sh\necho chained\n");
  for (const auto& [name, value] : shell.env) CHECK(name != "COLOR");  // not a shellplug param: dropped
  // Params that are no object, or a job that is no Cronicle event, change nothing.
  CHECK_FALSE(chain_params_change(*spec, "[1]", ctx));
  CHECK_FALSE(chain_params_change(*spec, "{}", ctx));
  job_spec native = *spec;
  native.dialect_data.clear();
  CHECK_FALSE(chain_params_change(native, R"({"script":"#!/bin/sh\ntrue\n"})", ctx));
}
