// plugin_command: Cronicle's check of a Plugin's command, and the /bin/sh command that launches a
// custom Plugin's job, run here through /bin/sh as the shell executor runs it.
#include "http/cronicle/plugin_command.h"

#include <catch2/catch.hpp>

#include <array>
#include <cstdio>
#include <string>

using namespace mainspring::http::cronicle;
using mainspring::http::cronicle::api_error;

namespace {

// Runs `command` under /bin/sh -c with the run's variables the shell executor sets; its stdout.
std::string run(const std::string& command) {
  std::string script = "MAINSPRING_JOB_ID=e1 MAINSPRING_RUN_ID=7 MAINSPRING_PLAN_TIME=1700000000 HOME_DIR=/h; "
                       "export MAINSPRING_JOB_ID MAINSPRING_RUN_ID MAINSPRING_PLAN_TIME HOME_DIR\n" +
                       command;
  std::string quoted = "'";
  for (char c : script) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  quoted += "'";
  FILE* p = popen(("/bin/sh -c " + quoted).c_str(), "r");
  REQUIRE(p);
  std::string out;
  std::array<char, 4096> buf{};
  while (std::size_t n = std::fread(buf.data(), 1, buf.size(), p)) out.append(buf.data(), n);
  pclose(p);
  return out;
}

api_error refused(std::string text) { return {"plugin", std::move(text)}; }

// What the wrapper adds after a command that exits 0 without a `complete` report.
const std::string k_no_report =
    "{\"code\":1,\"complete\":1,\"description\":\"Process exited without reporting job completion.\"}\n";

}  // namespace

TEST_CASE("a Plugin command with an operator in its arguments is refused as Cronicle refuses it") {
  CHECK_FALSE(check_plugin_command("/usr/bin/backup"));
  CHECK_FALSE(check_plugin_command("/usr/bin/backup --to 'a|b' \"c;d\" e\\>f $HOME ${HOME}"));
  CHECK_FALSE(check_plugin_command("a>b"));  // the executable is not parsed (spawned as it is)
  const api_error op = refused("Plugin executable cannot contain any shell redirects or pipes.");
  for (const char* bad : {"x a | b", "x a > f", "x a; b", "x a && b", "x (a)", "x *.log", "x a #note", "x $(date)"})
    CHECK(check_plugin_command(bad) == op);
  CHECK(check_plugin_command("x `date`") == refused("Plugin executable cannot contain command substitution."));
  CHECK(check_plugin_command("x \"$(date)\"") == refused("Plugin executable cannot contain command substitution."));
  CHECK(check_plugin_command("x 'a") == refused("Plugin command has an unterminated quote."));
  CHECK(check_plugin_command("x a\nrm -rf /") == refused("Plugin command cannot contain line breaks."));
  CHECK(check_plugin_command("x " + std::string(k_max_plugin_command_bytes, 'a'))->description.starts_with("Plugin command is longer"));
}

TEST_CASE("a custom Plugin's job runs its command with Cronicle's variables, params and arguments") {
  plugin_launch l{.plugin_id = "p1", .title = "Backup", .command = "/usr/bin/printf '%s|%s|%s\\n' \"$TARGET\" '$TARGET' ${JOB_ID}"};
  l.params = {{"target", "db1"}, {"level", "5"}};
  l.job_fields = {{"event_title", "Nightly 'backup'"}, {"category", "general"}, {"bad-name", "x"}};
  CHECK(run(plugin_launch_command(l)) == "db1|$TARGET|je1_7\n" + k_no_report);
  l.command = "/usr/bin/env";
  const std::string env = run(plugin_launch_command(l));
  for (const char* line : {"CRONICLE=mainspring\n", "JOB_ID=je1_7\n", "JOB_NOW=1700000000\n", "JOB_EVENT=e1\n",
                           "JOB_PLUGIN=p1\n", "JOB_EVENT_TITLE=Nightly 'backup'\n", "JOB_CATEGORY=general\n",
                           "TARGET=db1\n", "LEVEL=5\n"})
    CHECK(env.find(line) != std::string::npos);
  CHECK(env.find("JOB_BAD") == std::string::npos);
}

TEST_CASE("a param's $NAME is expanded from the environment as Cronicle expands it, and \\$NAME is kept") {
  plugin_launch l{.plugin_id = "p1", .command = "/usr/bin/printf '%s\\n' \"$OUT\""};
  l.params = {{"dir", "/srv"}, {"out", "$DIR/$MISSING/\\$DIR/`x`/\"q\"/$1/${DIR}"}};
  CHECK(run(plugin_launch_command(l)) == "/srv//$DIR/`x`/\"q\"//${DIR}\n" + k_no_report);
}

TEST_CASE("a custom Plugin's cwd is the job's directory, and one that is missing fails the job") {
  plugin_launch l{.plugin_id = "p1", .command = "/bin/pwd", .cwd = "/tmp"};
  CHECK(run(plugin_launch_command(l)) == "/tmp\n" + k_no_report);
  l.cwd = "/no/such/dir";
  CHECK(run(plugin_launch_command(l)) ==
        "{\"code\":1,\"complete\":1,\"description\":\"Plugin Error: Cannot change to directory: /no/such/dir\"}\n");
}

TEST_CASE("a disabled Plugin or another user fails the job without running the command") {
  plugin_launch l{.plugin_id = "p1", .title = "It's off", .enabled = false, .command = "/bin/echo ran"};
  CHECK(run(plugin_launch_command(l)) == "{\"code\":1,\"complete\":1,\"description\":\"Plugin 'It's off' is disabled.\"}\n");
  l.enabled = true;
  l.uid = "no_such_user_x";
  CHECK(run(plugin_launch_command(l)).starts_with(
      "{\"complete\":1,\"code\":1,\"description\":\"Plugin Error: Cannot run as user: no_such_user_x (Mainspring"));
  l.uid = run("id -un").substr(0, run("id -un").size() - 1);  // the server's own user runs
  CHECK(run(plugin_launch_command(l)) == "ran\n" + k_no_report);
  l.command = "/bin/sh -c 'echo {\\\"complete\\\":1}; exit 4'";  // its own report comes first; its exit code is kept
  CHECK(run("(" + plugin_launch_command(l) + ")\necho rc=$?") == "{\"complete\":1}\nrc=4\n");
}
