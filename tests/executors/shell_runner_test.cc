#include "executors/shell_runner.h"

#include "core/executor_target.h"
#include "executors/process_ledger.h"

#include <fcntl.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <regex>
#include <sstream>
#include <thread>
#include <vector>

using namespace mainspring;
using namespace std::chrono_literals;

namespace {

// Generous: a deadline only exists so that a broken runner fails the test instead of hanging it.
constexpr auto k_deadline = 20s;

// Collects outcomes from the runner's thread; the test thread waits for them.
class collector {
 public:
  run_callback callback() {
    return [this](run_outcome out) {
      std::lock_guard lock(mu_);
      outcomes_.push_back(std::move(out));
      cv_.notify_all();
    };
  }
  bool wait_for(std::size_t n) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, k_deadline, [&] { return outcomes_.size() >= n; });
  }
  std::vector<run_outcome> outcomes() {
    std::lock_guard lock(mu_);
    return outcomes_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<run_outcome> outcomes_;
};

run_request request(std::string command, std::chrono::milliseconds timeout = 10'000ms) {
  static uint64_t next_id = 1;
  run_request req;
  req.run_id = next_id++;
  req.job_id = "JOB1";
  req.group = "G1";
  req.target = std::move(command);
  req.timeout = timeout;
  return req;
}

run_outcome run_one(shell_runner& runner, run_request req) {
  collector c;
  runner.start(std::move(req), c.callback());
  REQUIRE(c.wait_for(1));
  return c.outcomes().at(0);
}

run_outcome run_one(std::string command, std::chrono::milliseconds timeout = 10'000ms) {
  shell_runner runner;
  return run_one(runner, request(std::move(command), timeout));
}

// A fresh directory for files the commands write.
struct temp_dir {
  std::filesystem::path path;
  temp_dir() {
    auto tmp = std::filesystem::temp_directory_path();
    std::string tmpl = (tmp / "shell_runner_test.XXXXXX").string();
    REQUIRE(mkdtemp(tmpl.data()) != nullptr);
    path = tmpl;
  }
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  std::string file(const std::string& name) const { return (path / name).string(); }
};

std::string read_file(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::vector<pid_t> read_pids(const std::string& path) {
  std::vector<pid_t> pids;
  std::istringstream in(read_file(path));
  for (pid_t p; in >> p;) pids.push_back(p);
  return pids;
}

// Gone or a zombie (an orphan waits for whoever reaps orphans, which is not us).
bool process_gone(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!f || !std::getline(f, line)) return true;
  auto paren = line.rfind(')');
  if (paren == std::string::npos || paren + 2 >= line.size()) return true;
  char state = line[paren + 2];
  return state == 'Z' || state == 'X';
}

// SIGKILL is asynchronous: give the kernel a moment to finish the job.
bool eventually_gone(pid_t pid) {
  for (auto until = std::chrono::steady_clock::now() + 10s;
       std::chrono::steady_clock::now() < until; std::this_thread::sleep_for(10ms)) {
    if (process_gone(pid)) return true;
  }
  return false;
}

// What run `id` shows once `wanted` holds of it (or the last it showed, at the deadline).
template <class Pred>
std::optional<run_live> live_when(const shell_runner& runner, uint64_t id, Pred wanted) {
  std::optional<run_live> seen;
  for (auto until = std::chrono::steady_clock::now() + k_deadline; std::chrono::steady_clock::now() < until;
       std::this_thread::sleep_for(10ms)) {
    seen = runner.live(id);
    if (seen && wanted(*seen)) break;
  }
  return seen;
}

bool eventually_nonempty(const std::string& path) {
  for (auto until = std::chrono::steady_clock::now() + k_deadline;
       std::chrono::steady_clock::now() < until; std::this_thread::sleep_for(10ms)) {
    if (!read_file(path).empty()) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("a command that exits 0 succeeds with its output") {
  shell_runner runner;
  run_request req = request("echo hello");
  req.run_id = 4242;
  run_outcome out = run_one(runner, req);
  CHECK(out.run_id == 4242);
  CHECK(out.result == run_result::succeeded);
  CHECK(out.code == 0);
  CHECK(out.output_tail == "hello\n");
  CHECK(out.error.empty());
  CHECK(out.start_time.time_since_epoch().count() > 0);
  CHECK(out.start_time <= out.end_time);
}

TEST_CASE("a non-zero exit fails with its exit code") {
  run_outcome out = run_one("echo partial; exit 3");
  CHECK(out.result == run_result::failed);
  CHECK(out.code == 3);
  CHECK(out.error == "exit code 3");
  CHECK(out.output_tail == "partial\n");
}

TEST_CASE("a command that does not exist fails with the shell's exit code 127") {
  run_outcome out = run_one("/nonexistent/command/xyz");
  CHECK(out.result == run_result::failed);
  CHECK(out.code == 127);
  CHECK(out.output_tail.find("nonexistent") != std::string::npos);
}

TEST_CASE("stderr is captured together with stdout in the order written") {
  run_outcome out = run_one("echo out1; echo err1 >&2; echo out2");
  CHECK(out.result == run_result::succeeded);
  CHECK(out.output_tail == "out1\nerr1\nout2\n");
}

TEST_CASE("stderr on one pipe with stdout never adds to the error") {
  run_outcome out = run_one("echo broken >&2; exit 2");
  CHECK(out.error == "exit code 2");
  CHECK(out.output_tail == "broken\n");
}

TEST_CASE("with stderr apart a failed run's error ends with stderr's first line, and the tail keeps both") {
  shell_runner runner;
  run_request req = request("echo out; printf '\\n  oops: broken\\n' >&2; echo more >&2; echo done; exit 3");
  req.stderr_apart = true;
  run_outcome out = run_one(runner, req);
  CHECK(out.result == run_result::failed);
  CHECK(out.code == 3);
  CHECK(out.error == "exit code 3: oops: broken");
  // Each pipe's bytes keep their order; the two are merged as they were read.
  std::string tail = out.output_tail;
  for (std::string_view stdout_part : {"out\n", "done\n"}) {
    auto at = tail.find(stdout_part);
    REQUIRE(at != std::string::npos);
    tail.erase(at, stdout_part.size());
  }
  CHECK(tail == "\n  oops: broken\nmore\n");
}

TEST_CASE("with stderr apart a success, a blank stderr or a too long line adds nothing to the error") {
  shell_runner runner;
  auto apart = [](std::string command) {
    run_request req = request(std::move(command));
    req.stderr_apart = true;
    return req;
  };
  run_outcome ok = run_one(runner, apart("echo warning >&2"));
  CHECK(ok.result == run_result::succeeded);
  CHECK(ok.error.empty());
  CHECK(ok.output_tail == "warning\n");
  CHECK(run_one(runner, apart("echo out; printf ' \\n\\t\\n' >&2; exit 1")).error == "exit code 1");
  CHECK(run_one(runner, apart("exit 4")).error == "exit code 4");
  CHECK(run_one(runner, apart("head -c 300 /dev/zero | tr '\\0' x >&2; exit 5")).error == "exit code 5");
  CHECK(run_one(runner, apart("head -c 255 /dev/zero | tr '\\0' x >&2; exit 5")).error ==
        "exit code 5: " + std::string(255, 'x'));
}

TEST_CASE("a running command shows its pid, and with progress lines its progress, which leave the output") {
  temp_dir dir;
  const std::string go = dir.file("go");
  shell_runner runner;
  collector c;
  run_request req = request("echo start; echo 30%; echo ' 60%'; echo middle; echo 6 %; "
                            "while [ ! -e " + go + " ]; do sleep 0.01; done; printf 100%%");
  req.progress_lines = true;
  const uint64_t id = req.run_id;
  runner.start(std::move(req), c.callback());
  std::optional<run_live> seen = live_when(runner, id, [](const run_live& l) { return l.progress == 0.6; });
  REQUIRE(seen);
  CHECK(seen->progress == 0.6);
  CHECK(seen->pid > 0);
  CHECK(::kill(seen->pid, 0) == 0);  // the shell, still running
  CHECK_FALSE(runner.live(id + 1000));
  std::ofstream(go) << "x";
  REQUIRE(c.wait_for(1));
  run_outcome out = c.outcomes().at(0);
  CHECK(out.result == run_result::succeeded);
  CHECK(out.output_tail == "start\nmiddle\n6 %\n");  // the last "100%" had no newline: progress too
  CHECK_FALSE(runner.live(id));  // gone with the run
}

TEST_CASE("annotated lines start with the local time they were read, progress lines and stderr do not") {
  run_request req = request("echo one; echo 10%; printf 'two\\nthree'; echo err >&2");
  req.progress_lines = true;
  req.annotate_lines = true;
  req.stderr_apart = true;
  shell_runner runner;
  run_outcome out = run_one(runner, req);
  const std::regex stamp(R"(\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\] )");
  std::string tail = out.output_tail;
  auto err = tail.find("err\n");
  REQUIRE(err != std::string::npos);
  CHECK((err == 0 || tail[err - 1] == '\n'));  // stderr is not stamped
  tail.erase(err, 4);
  CHECK(std::regex_replace(tail, stamp, "<t>") == "<t>one\n<t>two\n<t>three");
}

TEST_CASE("with JSON lines a complete report decides the outcome in place of the exit code") {
  shell_runner runner;
  auto json_run = [](std::string command) {
    run_request req = request(std::move(command));
    req.progress_lines = true;
    req.json_lines = true;
    return req;
  };
  run_outcome failed = run_one(runner, json_run(
      "echo start; echo '{\"progress\":0.5}'; echo '{\"complete\":1,\"code\":4,\"description\":\"Disk full\"}'; exit 0"));
  CHECK(failed.result == run_result::failed);
  CHECK(failed.code == 4);
  CHECK(failed.error == "Disk full");
  CHECK(failed.output_tail == "start\n");
  run_outcome ok = run_one(runner, json_run("echo '{\"complete\":true}'; exit 3"));
  CHECK(ok.result == run_result::succeeded);
  CHECK(ok.code == 0);
  CHECK(ok.error.empty());
  // Without a complete report the exit decides, as before.
  run_outcome plain = run_one(runner, json_run("echo '{\"progress\":0.1}'; exit 2"));
  CHECK(plain.code == 2);
  CHECK(plain.error == "exit code 2");
  CHECK(plain.output_tail.empty());
}

TEST_CASE("with JSON lines the run's reported fields come back with its outcome") {
  shell_runner runner;
  run_request req = request("echo '{\"perf\":{\"db\":2}}'; echo '{\"label\":\"v1\",\"complete\":1,"
                            "\"description\":\"fine\"}'; echo late >&2");
  req.progress_lines = true;
  req.json_lines = true;
  req.stderr_apart = true;
  run_outcome out = run_one(runner, req);
  CHECK(out.result == run_result::succeeded);
  // The report ended the run: its stderr is no Error Output then.
  CHECK(nlohmann::json::parse(out.reported) ==
        nlohmann::json::parse(R"({"perf":{"db":2},"label":"v1","description":"fine"})"));
  run_request failing = request("echo '{\"complete\":1,\"code\":6}'");
  failing.progress_lines = true;
  failing.json_lines = true;
  run_outcome failed = run_one(runner, failing);
  CHECK(failed.code == 6);
  CHECK(failed.error == "Unknown Error (no description provided)");
  CHECK(failed.reported.empty());
}

TEST_CASE("with JSON lines a running command shows what its reports set so far") {
  temp_dir dir;
  const std::string go = dir.file("go");
  shell_runner runner;
  collector c;
  run_request req = request("echo '{\"perf\":{\"rows\":10}}'; while [ ! -e " + go + " ]; do sleep 0.01; done; "
                            "echo '{\"perf\":{\"rows\":20}}'");
  req.progress_lines = true;
  req.json_lines = true;
  const uint64_t id = req.run_id;
  runner.start(std::move(req), c.callback());
  std::optional<run_live> seen = live_when(runner, id, [](const run_live& l) { return l.reported != nullptr; });
  REQUIRE(seen);
  CHECK(nlohmann::json::parse(*seen->reported) == nlohmann::json::parse(R"({"perf":{"rows":10}})"));
  std::ofstream(go) << "x";
  REQUIRE(c.wait_for(1));
  CHECK(nlohmann::json::parse(c.outcomes().at(0).reported)["perf"]["rows"] == 20);
}

TEST_CASE("with stderr apart a run that printed to stderr reports it as Error Output html") {
  shell_runner runner;
  run_request req = request("echo '<b>warn</b>' >&2; exit 0");
  req.stderr_apart = true;
  run_outcome out = run_one(runner, req);
  CHECK(out.result == run_result::succeeded);
  CHECK(nlohmann::json::parse(out.reported) ==
        nlohmann::json::parse(R"({"html":{"title":"Error Output","content":"<pre>&lt;b>warn&lt;/b></pre>"}})"));
  // Not without stderr apart, nor with a blank stderr.
  CHECK(run_one(runner, request("echo x >&2")).reported.empty());
  run_request blank = request("printf ' \\n' >&2");
  blank.stderr_apart = true;
  CHECK(run_one(runner, blank).reported.empty());
}

TEST_CASE("a running command's CPU and memory are sampled about once a second") {
  temp_dir dir;
  const std::string go = dir.file("go");
  shell_runner runner;
  collector c;
  // Busy in the shell itself until told to stop.
  run_request req = request("while [ ! -e " + go + " ]; do :; done");
  const uint64_t id = req.run_id;
  runner.start(std::move(req), c.callback());
  std::optional<run_live> seen = live_when(runner, id, [](const run_live& l) { return l.cpu.count >= 2; });
  std::ofstream(go) << "x";
  REQUIRE(seen);
  REQUIRE(seen->cpu.count >= 2);
  CHECK(seen->mem.count == seen->cpu.count);
  CHECK(seen->cpu.max > 0);              // it was busy
  CHECK(seen->cpu.max <= 100 * 4);       // % of one core, not a tick count
  CHECK(seen->mem.current > 100'000);    // a shell's resident bytes
  CHECK(seen->cpu.total >= seen->cpu.max);
  REQUIRE(c.wait_for(1));
  // Its last samples are kept with its outcome, as Cronicle keeps a finished job's cpu and mem.
  const nlohmann::json reported = nlohmann::json::parse(c.outcomes().at(0).reported);
  CHECK(reported["cpu"]["count"].get<uint32_t>() >= seen->cpu.count);
  CHECK(reported["cpu"]["max"].get<double>() >= seen->cpu.max);
  CHECK(reported["mem"]["count"] == reported["cpu"]["count"]);
  CHECK(reported["mem"]["current"].is_number_integer());  // bytes
  CHECK(reported.size() == 2);  // nothing else was reported
}

TEST_CASE("without progress lines a percent line is output, and the pid shows all the same") {
  temp_dir dir;
  const std::string go = dir.file("go");
  shell_runner runner;
  collector c;
  run_request req = request("echo 50%; while [ ! -e " + go + " ]; do sleep 0.01; done");
  const uint64_t id = req.run_id;
  runner.start(std::move(req), c.callback());
  std::optional<run_live> seen = live_when(runner, id, [](const run_live&) { return true; });
  REQUIRE(seen);
  CHECK(seen->pid > 0);
  std::this_thread::sleep_for(50ms);
  CHECK(runner.live(id)->progress == 0);
  std::ofstream(go) << "x";
  REQUIRE(c.wait_for(1));
  CHECK(c.outcomes().at(0).output_tail == "50%\n");
}

TEST_CASE("a shell killed by a signal fails with code -1 and the signal") {
  run_outcome out = run_one("echo dying; kill -9 $$");
  CHECK(out.result == run_result::failed);
  CHECK(out.code == -1);
  CHECK(out.error == "killed by signal 9 (SIGKILL)");
  CHECK(out.output_tail == "dying\n");
}

TEST_CASE("stdin is empty") {
  run_outcome out = run_one("cat; echo done");
  CHECK(out.result == run_result::succeeded);
  CHECK(out.output_tail == "done\n");
}

TEST_CASE("a run with input reads it on stdin, every byte, and a command that ignores it is not disturbed") {
  shell_runner runner;
  run_request req = request("od -An -tx1 | tr -d ' \\n'; echo; cat; echo end");
  req.input = std::string("a\0\xff\n", 4);
  run_outcome out = run_one(runner, req);
  CHECK(out.result == run_result::succeeded);
  CHECK(out.output_tail == "6100ff0a\nend\n");  // od read it all from its start; nothing was left for cat
  run_request cat = request("cat");
  cat.input = std::string(k_max_shell_input_bytes, 'x');
  out = run_one(runner, cat);
  CHECK(out.result == run_result::succeeded);
  CHECK(out.output_tail == std::string(k_max_shell_input_bytes, 'x').substr(0, k_max_output_tail_bytes));
  run_request quiet = request("echo ignored");
  quiet.input = "never read";
  out = run_one(runner, quiet);
  CHECK(out.result == run_result::succeeded);
  CHECK(out.output_tail == "ignored\n");
}

TEST_CASE("a command inherits no descriptor of the server's beyond its stdin, stdout and stderr") {
  // Opened without close-on-exec, as a library's listening socket may be.
  int fd = ::open("/dev/null", O_RDONLY);
  REQUIRE(fd > 2);
  run_outcome out = run_one("[ -e /proc/$$/fd/" + std::to_string(fd) + " ] && echo inherited || echo closed");
  ::close(fd);
  CHECK(out.output_tail == "closed\n");
}

TEST_CASE("the job's variables, the extras and the server's environment are visible") {
  REQUIRE(setenv("MS_SHELL_TEST_SERVER", "from-server", 1) == 0);
  REQUIRE(setenv("MAINSPRING_GROUP", "stale-server-value", 1) == 0);
  shell_runner runner;  // the environment is taken here
  unsetenv("MAINSPRING_GROUP");
  run_request req = request(
      "echo \"$MAINSPRING_JOB_ID|$MAINSPRING_GROUP|$MAINSPRING_PLAN_TIME|$MAINSPRING_RUN_ID|"
      "$FOO|$SPACED|$MS_SHELL_TEST_SERVER\"; env | grep -c '^MAINSPRING_JOB_ID='");
  req.run_id = 77;
  req.job_id = "1234ABC";
  req.group = "YM55";
  req.plan_time = from_unix_ms(1'700'000'000'999);
  req.extras = {{"FOO", "bar"}, {"SPACED", "a b  c"}, {"MAINSPRING_JOB_ID", "spoofed"}};
  run_outcome out = run_one(runner, req);
  CHECK(out.result == run_result::succeeded);
  CHECK(out.output_tail == "1234ABC|YM55|1700000000|77|bar|a b  c|from-server\n1\n");
  unsetenv("MS_SHELL_TEST_SERVER");
}

TEST_CASE("a command never inherits the group's secret from the environment, while a job's own variable of that name is kept") {
  REQUIRE(setenv("MAINSPRING_GROUP_SECRET", "S3CRETVALUE", 1) == 0);
  shell_runner runner;  // the environment is taken here, secret and all
  unsetenv("MAINSPRING_GROUP_SECRET");
  run_outcome out = run_one(runner, request("env"));
  CHECK(out.result == run_result::succeeded);
  CHECK(out.output_tail.find("MAINSPRING_JOB_ID=JOB1") != std::string::npos);
  CHECK(out.output_tail.find("S3CRETVALUE") == std::string::npos);
  CHECK(out.output_tail.find("MAINSPRING_GROUP_SECRET") == std::string::npos);
  run_request own = request("echo \"$MAINSPRING_GROUP_SECRET\"");
  own.extras = {{"MAINSPRING_GROUP_SECRET", "chosen-by-the-job"}};
  CHECK(run_one(runner, own).output_tail == "chosen-by-the-job\n");
}

TEST_CASE("an invalid extra variable name fails the run without running it") {
  temp_dir dir;
  std::string marker = dir.file("ran");
  shell_runner runner;
  for (std::string bad : {"", "A=B"}) {
    run_request req = request("touch " + marker);
    req.extras = {{bad, "x"}};
    run_outcome out = run_one(runner, req);
    CHECK(out.result == run_result::failed);
    CHECK(out.code == -1);
    CHECK(out.error.find("shell environment") != std::string::npos);
  }
  CHECK_FALSE(std::filesystem::exists(marker));
}

TEST_CASE("an output larger than the tail cap keeps exactly its last bytes") {
  std::string all;
  for (int i = 1; i <= 200'000; ++i) all += std::to_string(i) + "\n";
  REQUIRE(all.size() > 10 * k_max_output_tail_bytes);
  run_outcome out = run_one("seq 1 200000");
  CHECK(out.result == run_result::succeeded);
  REQUIRE(out.output_tail.size() == k_max_output_tail_bytes);
  CHECK(out.output_tail == all.substr(all.size() - k_max_output_tail_bytes));
}

TEST_CASE("a flood of output keeps only the tail and ends with the last line") {
  run_outcome out = run_one("yes 0123456789abcdef | head -c 50000000; echo END");
  CHECK(out.result == run_result::succeeded);
  REQUIRE(out.output_tail.size() == k_max_output_tail_bytes);
  CHECK(out.output_tail.substr(out.output_tail.size() - 4) == "END\n");
}

TEST_CASE("a command that outlives its timeout is killed with its children") {
  temp_dir dir;
  std::string pids_file = dir.file("pids");
  run_outcome out = run_one("sleep 30 & echo $! > " + pids_file + "; sleep 30 & echo $! >> " +
                                pids_file + "; echo before; wait",
                            300ms);
  CHECK(out.result == run_result::timed_out);
  CHECK(out.code == -1);
  CHECK(out.error == "timed out after 300 ms");
  REQUIRE(out.output_tail == "before\n");  // so both pids were written
  std::vector<pid_t> pids = read_pids(pids_file);
  REQUIRE(pids.size() == 2);
  for (pid_t pid : pids) CHECK(eventually_gone(pid));
}

TEST_CASE("a stopped run gets SIGTERM first, so a trap's last words are in its output") {
  shell_runner runner;  // the default grace
  run_outcome out = run_one(runner, request("trap 'echo cleaning up; exit 3' TERM; echo started; sleep 30 & wait", 300ms));
  CHECK(out.result == run_result::timed_out);
  CHECK(out.error == "timed out after 300 ms");
  CHECK(out.output_tail == "started\ncleaning up\n");
}

TEST_CASE("a run that ignores SIGTERM is killed once the grace has passed") {
  temp_dir dir;
  std::string pid_file = dir.file("pid");
  shell_runner runner(4, 200ms);
  // An ignored signal stays ignored in the children: neither the shell nor its sleep hears TERM.
  run_outcome out = run_one(
      runner, request("trap '' TERM; sleep 30 & echo $! > " + pid_file + "; echo started; wait; echo survived", 300ms));
  CHECK(out.result == run_result::timed_out);
  CHECK(out.output_tail == "started\n");
  std::vector<pid_t> pids = read_pids(pid_file);
  REQUIRE(pids.size() == 1);
  CHECK(eventually_gone(pids[0]));
}

TEST_CASE("without a grace a stopped run gets SIGKILL at once: no trap runs") {
  shell_runner runner(4, 0ms);
  run_outcome out = run_one(runner, request("trap 'echo cleaning up; exit 3' TERM; echo started; sleep 30 & wait", 300ms));
  CHECK(out.result == run_result::timed_out);
  CHECK(out.output_tail == "started\n");
}

TEST_CASE("processes a command leaves behind when it exits are killed") {
  run_outcome out = run_one("sleep 30 & echo $!");
  CHECK(out.result == run_result::succeeded);
  pid_t pid = std::stoi(out.output_tail);
  CHECK(eventually_gone(pid));
}

TEST_CASE("a server ignoring SIGPIPE does not pass that on to commands") {
  struct sigaction old {};
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  sigaction(SIGPIPE, &ignore, &old);
  // With SIGPIPE ignored, `yes` would complain "Broken pipe" on stderr; with the default it dies.
  run_outcome out = run_one("yes | head -c 6");
  sigaction(SIGPIPE, &old, nullptr);
  CHECK(out.result == run_result::succeeded);
  CHECK(out.output_tail == "y\ny\ny\n");
}

TEST_CASE("no more than max_concurrent commands are alive at once, and queued ones all run") {
  temp_dir dir;
  std::string log = dir.file("log");
  shell_runner runner(2);
  collector c;
  std::size_t max_running_seen = 0;
  for (int i = 0; i < 6; ++i) {
    runner.start(request("echo s >> " + log + "; sleep 0.2; echo e >> " + log), c.callback());
  }
  CHECK(runner.running() + runner.queued() <= 6);
  for (auto until = std::chrono::steady_clock::now() + k_deadline;
       c.outcomes().size() < 6 && std::chrono::steady_clock::now() < until;
       std::this_thread::sleep_for(5ms)) {
    max_running_seen = std::max(max_running_seen, runner.running());
  }
  REQUIRE(c.wait_for(6));
  CHECK(max_running_seen <= 2);
  for (const run_outcome& out : c.outcomes()) CHECK(out.result == run_result::succeeded);
  // The commands' own log: at no point more than two started and not ended.
  int alive = 0, max_alive = 0, started = 0;
  std::istringstream in(read_file(log));
  for (std::string line; std::getline(in, line);) {
    alive += line == "s" ? 1 : -1;
    started += line == "s";
    max_alive = std::max(max_alive, alive);
  }
  CHECK(started == 6);
  CHECK(alive == 0);
  CHECK(max_alive <= 2);
  CHECK(runner.running() == 0);
  CHECK(runner.queued() == 0);
}

TEST_CASE("destroying the runner kills running commands and reports every run as stopped") {
  temp_dir dir;
  collector c;
  {
    shell_runner runner(2);
    for (int i = 0; i < 2; ++i) {
      std::string f = dir.file("pid" + std::to_string(i));
      runner.start(request("sleep 30 & echo $! > " + f + "; wait", 60'000ms), c.callback());
    }
    runner.start(request("echo never", 60'000ms), c.callback());  // waits for a slot
    REQUIRE(eventually_nonempty(dir.file("pid0")));
    REQUIRE(eventually_nonempty(dir.file("pid1")));
    CHECK(runner.running() == 2);
    CHECK(runner.queued() == 1);
  }
  std::vector<run_outcome> outs = c.outcomes();
  REQUIRE(outs.size() == 3);  // reported before the destructor returned
  for (const run_outcome& out : outs) {
    CHECK(out.result == run_result::failed);
    CHECK(out.error == "runner stopped");
    CHECK(out.output_tail.empty());
  }
  for (int i = 0; i < 2; ++i) {
    std::vector<pid_t> pids = read_pids(dir.file("pid" + std::to_string(i)));
    REQUIRE(pids.size() == 1);
    CHECK(eventually_gone(pids[0]));
  }
}

TEST_CASE("a callback may start another run") {
  shell_runner runner(1);
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::string> outputs;
  std::function<void(run_outcome)> next = [&](run_outcome out) {
    std::lock_guard lock(mu);
    outputs.push_back(out.output_tail);
    if (outputs.size() < 5) runner.start(request("echo " + std::to_string(outputs.size())), next);
    cv.notify_all();
  };
  runner.start(request("echo 0"), next);
  std::unique_lock lock(mu);
  REQUIRE(cv.wait_for(lock, k_deadline, [&] { return outputs.size() == 5; }));
  CHECK(outputs == std::vector<std::string>{"0\n", "1\n", "2\n", "3\n", "4\n"});
}

TEST_CASE("hundreds of quick commands all complete and leave no zombies") {
  constexpr int n = 200;
  collector c;
  {
    shell_runner runner;
    for (int i = 0; i < n; ++i) {
      run_request req = request("echo $MAINSPRING_RUN_ID");
      req.run_id = 10'000 + i;
      runner.start(std::move(req), c.callback());
    }
    REQUIRE(c.wait_for(n));
    CHECK(runner.running() == 0);
  }
  std::vector<run_outcome> outs = c.outcomes();
  REQUIRE(outs.size() == n);
  std::vector<bool> seen(n, false);
  for (const run_outcome& out : outs) {
    CHECK(out.result == run_result::succeeded);
    CHECK(out.output_tail == std::to_string(out.run_id) + "\n");
    if (out.run_id >= 10'000 && out.run_id < 10'000 + n) seen[out.run_id - 10'000] = true;
  }
  CHECK(std::count(seen.begin(), seen.end(), true) == n);
  // Every child was reaped: the test process has none left.
  errno = 0;
  CHECK(waitpid(-1, nullptr, WNOHANG) == -1);
  CHECK(errno == ECHILD);
}

TEST_CASE("abort ends a running command with its process group and reports it aborted with its output") {
  shell_runner runner(4);
  collector c;
  std::string marker = "/tmp/mainspring-abort-" + std::to_string(::getpid());
  std::filesystem::remove(marker);
  auto req = request("(sleep 3; touch " + marker + ") & echo started; sleep 60");
  const uint64_t id = req.run_id;
  runner.start(std::move(req), c.callback());
  // Wait until it runs (its output is there), then abort it.
  for (int i = 0; i < 200 && runner.running() == 0; ++i) std::this_thread::sleep_for(10ms);
  std::this_thread::sleep_for(200ms);
  runner.abort(id, "stopped by a test");
  REQUIRE(c.wait_for(1));
  auto out = c.outcomes().at(0);
  CHECK(out.run_id == id);
  CHECK(out.result == run_result::failed);
  CHECK(out.code == -1);
  CHECK(out.error == "aborted: stopped by a test");
  CHECK(out.output_tail == "started\n");
  std::this_thread::sleep_for(4s);
  CHECK_FALSE(std::filesystem::exists(marker));  // the background child went with its group
}

TEST_CASE("abort of a queued run reports it at once, and an unknown run id changes nothing") {
  shell_runner runner(1);
  collector c;
  auto first = request("sleep 60");
  auto second = request("echo never");
  const uint64_t first_id = first.run_id, second_id = second.run_id;
  runner.start(std::move(first), c.callback());
  runner.start(std::move(second), c.callback());
  runner.abort(999'999, "nobody");
  runner.abort(second_id, "not wanted");
  REQUIRE(c.wait_for(1));
  auto queued = c.outcomes().at(0);
  CHECK(queued.run_id == second_id);
  CHECK(queued.error == "aborted: not wanted");
  CHECK(queued.output_tail.empty());
  runner.abort(first_id, "done waiting");
  REQUIRE(c.wait_for(2));
  CHECK(c.outcomes().at(1).run_id == first_id);
  CHECK(c.outcomes().at(1).error == "aborted: done waiting");
}

TEST_CASE("a run that prints more than log_max_bytes is killed and fails in Cronicle's words") {
  shell_runner runner;
  auto req = request("i=0; while :; do echo line $i; i=$((i+1)); done");
  req.log_max_bytes = 2000;
  run_outcome out = run_one(runner, std::move(req));
  CHECK(out.result == run_result::failed);
  CHECK(out.code == -1);
  CHECK(out.error == "aborted: Exceeded log file size limit of 1.9 K");
  CHECK(out.output_tail.starts_with("line 0\n"));

  auto quiet = request("echo short");
  quiet.log_max_bytes = 2000;
  CHECK(run_one(runner, std::move(quiet)).result == run_result::succeeded);
}

TEST_CASE("a run whose processes hold more memory than memory_limit is killed") {
  shell_runner runner;
  // A child of the shell holds the memory: the whole group counts.
  auto req = request("python3 -c 'b = b\"x\" * (64 << 20); import time; time.sleep(30)'; echo survived");
  req.memory_limit_bytes = 16 << 20;
  run_outcome out = run_one(runner, std::move(req));
  CHECK(out.result == run_result::failed);
  CHECK(out.error == "aborted: Exceeded memory limit of 16 MB");
  CHECK(out.output_tail.find("survived") == std::string::npos);
}

TEST_CASE("a run busier than cpu_limit for cpu_sustain seconds is killed") {
  shell_runner runner;
  auto req = request("while :; do :; done");
  req.cpu_limit_percent = 5;
  req.cpu_sustain_s = 1;
  run_outcome out = run_one(runner, std::move(req));
  CHECK(out.result == run_result::failed);
  CHECK(out.error == "aborted: Exceeded CPU limit of 5% for over 1 second");
}

TEST_CASE("a run under its limits runs to its end") {
  shell_runner runner;
  auto req = request("sleep 2; echo done");
  req.cpu_limit_percent = 50;
  req.memory_limit_bytes = 256 << 20;
  req.log_max_bytes = 100;
  run_outcome out = run_one(runner, std::move(req));
  CHECK(out.result == run_result::succeeded);
  CHECK(out.output_tail == "done\n");
}

TEST_CASE("adjust shortens a running command's time limit, counted from its start") {
  shell_runner runner;
  collector c;
  auto req = request("echo started; sleep 60", 60'000ms);
  const uint64_t id = req.run_id;
  runner.start(std::move(req), c.callback());
  for (int i = 0; i < 200 && runner.running() == 0; ++i) std::this_thread::sleep_for(10ms);
  runner.adjust(id, run_adjustment{.timeout = 300ms, .limits = {}});
  REQUIRE(c.wait_for(1));
  auto out = c.outcomes().at(0);
  CHECK(out.result == run_result::timed_out);
  CHECK(out.error == "timed out after 300 ms");
  CHECK(out.output_tail == "started\n");
}

TEST_CASE("adjust lengthens a queued or running command's time limit") {
  shell_runner runner(1);
  collector c;
  auto first = request("sleep 1.2; echo first", 700ms);
  auto second = request("sleep 1.2; echo second", 700ms);
  const uint64_t first_id = first.run_id, second_id = second.run_id;
  runner.start(std::move(first), c.callback());
  runner.start(std::move(second), c.callback());  // queued behind the first
  runner.adjust(first_id, run_adjustment{.timeout = 30'000ms, .limits = {}});
  runner.adjust(second_id, run_adjustment{.timeout = 30'000ms, .limits = {}});
  REQUIRE(c.wait_for(2));
  for (const auto& out : c.outcomes()) {
    CHECK(out.result == run_result::succeeded);
    CHECK(out.error.empty());
  }
}

TEST_CASE("adjust gives a running command resource limits it did not have") {
  shell_runner runner;
  collector c;
  auto req = request("head -c 500 /dev/zero | tr '\\0' x; echo; sleep 60");
  const uint64_t id = req.run_id;
  runner.start(std::move(req), c.callback());
  for (int i = 0; i < 200 && runner.running() == 0; ++i) std::this_thread::sleep_for(10ms);
  std::this_thread::sleep_for(200ms);  // its 501 bytes are read meanwhile
  run_limits limits;
  limits.log_max_bytes = 100;
  runner.adjust(id, run_adjustment{.timeout = 60'000ms, .limits = limits});
  REQUIRE(c.wait_for(1));
  auto out = c.outcomes().at(0);
  CHECK(out.result == run_result::failed);
  CHECK(out.error == "aborted: Exceeded log file size limit of 100 bytes");
}

// The process ledger (process_ledger.h): what a runner killed outright leaves is ended by the
// next runner on the same ledger.

namespace {

// Kills a process group when the test ends, passed or not.
struct group_killer {
  pid_t group = -1;
  ~group_killer() {
    if (group > 0) ::kill(-group, SIGKILL);
  }
};

// The pids `path` holds once it holds `n` of them (fewer at the deadline).
std::vector<pid_t> wait_for_pids(const std::string& path, std::size_t n) {
  std::vector<pid_t> pids;
  for (auto until = std::chrono::steady_clock::now() + k_deadline;
       pids.size() < n && std::chrono::steady_clock::now() < until; std::this_thread::sleep_for(10ms))
    pids = read_pids(path);
  return pids;
}

}  // namespace

TEST_CASE("a runner on a ledger path kills the process group an earlier runner's ledger left") {
  temp_dir dir;
  const std::string ledger = dir.file("shell-processes");
  // A group as a runner's run is, recorded as a runner records it, and its process "killed".
  pid_t leader = ::fork();
  REQUIRE(leader >= 0);
  if (leader == 0) {
    ::setpgid(0, 0);
    ::execl("/bin/sh", "sh", "-c", "exec sleep 300", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::setpgid(leader, leader);
  group_killer guard{leader};
  {
    auto earlier = process_ledger::open(ledger, 4);
    REQUIRE(earlier.ok());
    REQUIRE((*earlier)->add(leader, 1));
  }  // closed with its slot filled
  REQUIRE_FALSE(process_gone(leader));

  shell_runner runner(4, 0ms, ledger);
  CHECK(eventually_gone(leader));
  ::waitpid(leader, nullptr, 0);
  // And it runs commands as any runner does.
  CHECK(run_one(runner, request("echo fine")).output_tail == "fine\n");
}

TEST_CASE("a run going on when its runner's process is killed outright is ended by the next runner on its ledger") {
  temp_dir dir;
  const std::string ledger = dir.file("shell-processes");
  const std::string pids_file = dir.file("pids");
  // The "server": a process of its own with a runner on the ledger, killed with SIGKILL.
  pid_t server = ::fork();
  REQUIRE(server >= 0);
  if (server == 0) {
    shell_runner runner(4, 0ms, ledger);
    runner.start(request("echo $$ > " + pids_file + "; sleep 300 & echo $! >> " + pids_file + "; wait"),
                 [](run_outcome) {});
    for (;;) ::pause();
  }
  std::vector<pid_t> pids = wait_for_pids(pids_file, 2);
  REQUIRE(pids.size() == 2);  // the shell (its group's id), then its child
  group_killer guard{pids[0]};
  ::kill(server, SIGKILL);
  REQUIRE(::waitpid(server, nullptr, 0) == server);
  // Nothing ended them: the runner's destructor never ran.
  std::this_thread::sleep_for(100ms);
  CHECK_FALSE(process_gone(pids[0]));
  CHECK_FALSE(process_gone(pids[1]));

  shell_runner restarted(4, 0ms, ledger);
  CHECK(eventually_gone(pids[0]));
  CHECK(eventually_gone(pids[1]));
}

TEST_CASE("a runner whose ledger cannot be opened runs its commands without one") {
  shell_runner runner(4, 0ms, "/nonexistent-dir/shell-processes");
  CHECK(run_one(runner, request("echo fine")).output_tail == "fine\n");
}
