// A full disk, against the real server: its data dir on a small tmpfs, filled by a ballast file.
// Changes are refused with a 503 that says why and change nothing, jobs keep firing (their run
// records, which cannot be written, are counted), and once the ballast goes writes are accepted
// again without a restart; after a restart every acknowledged change is there.
//
// Mounting needs root (CAP_SYS_ADMIN): without it the test says so and checks nothing.
#include <errno.h>
#include <string.h>
#include <sys/mount.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/e2e/durability_helpers.h"
#include "tests/e2e/native_helpers.h"
#include "tests/e2e/server_process.h"
#include "tests/support/prometheus_text.h"

using namespace mainspring::e2e;
namespace fs = std::filesystem;

namespace {

constexpr const char* k_tmpfs_size = "size=12m";
constexpr std::size_t k_ballast_chunk_bytes = 4096;
// A memo this long makes every write of the job larger than a page, so that it cannot slip into
// the unused end of the page the LevelDB log already holds on the full tmpfs.
constexpr std::size_t k_big_memo_bytes = 4096;
// The LevelDB log keeps zeros written ahead of its end (storage/log_runway.h, 256 KiB): a full
// disk still takes the changes that fit there, about 60 of these. The test adds jobs until one is
// refused, giving up after this many.
constexpr std::size_t k_max_changes_into_runway = 1000;

// A tmpfs mounted on `dir` for the scope (lazily detached at its end, even if still busy).
struct tmpfs_mount {
  std::string dir;
  bool mounted = false;
  std::string why_not;
  explicit tmpfs_mount(std::string d) : dir(std::move(d)) {
    fs::create_directories(dir);
    if (::mount("tmpfs", dir.c_str(), "tmpfs", 0, k_tmpfs_size) == 0) mounted = true;
    else why_not = strerror(errno);
  }
  ~tmpfs_mount() {
    if (mounted) ::umount2(dir.c_str(), MNT_DETACH);
  }
};

// Writes zeros to `path` until the file system is full; answers the bytes written.
std::size_t fill_up(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  REQUIRE(f != nullptr);
  std::string chunk(k_ballast_chunk_bytes, '\0');
  std::size_t written = 0;
  for (;;) {
    std::size_t n = std::fwrite(chunk.data(), 1, chunk.size(), f);
    written += n;
    if (n < chunk.size() || std::fflush(f) != 0) break;
  }
  std::fclose(f);
  return written;
}

json job_body(const std::string& name, const std::string& schedule) {
  return json{{"group_name", "G"},        {"name", name},
              {"request_url", ""},        {"exec_command", "true"},
              {"interval_pattern", schedule}, {"exec_time", 0},
              {"memo", std::string(k_big_memo_bytes, 'm')}};
}

double metric(http_client& client, const std::string& name) {
  http_response r = client.get("/metrics");
  REQUIRE(r.status == 200);
  return mainspring::prometheus_text::parse(r.body).value(name, {}).value_or(0);
}

}  // namespace

TEST_CASE("with the disk full changes answer 503 and change nothing, jobs keep firing, and writes resume once space is back") {
  server_process server;
  server.stop();
  tmpfs_mount mount(server.data_dir());
  if (!mount.mounted) {
    WARN("skipped: cannot mount a tmpfs on the data dir (" << mount.why_not << "); run as root to test a full disk");
    return;
  }
  server.restart();
  native_api api(server.base_url());
  api.register_group("G");
  std::string firing = api.add_job(
      {{"group_name", "G"}, {"name", "firing"}, {"request_url", ""}, {"exec_command", "true"}, {"interval_pattern", "@every 1s"}, {"exec_time", 0}});
  std::string kept = api.add_job(job_body("kept", "@every 1h"));

  const std::string ballast = server.data_dir() + "/ballast";
  REQUIRE(fill_up(ballast) > 0);

  // What fits into the space the log took ahead of time is still written (durably: every one
  // is there after the restart below); then changes answer 503 with a message that says why,
  // and change nothing.
  std::vector<std::string> into_runway;
  http_response add;
  for (std::size_t i = 0; i < k_max_changes_into_runway; ++i) {
    add = api.client.post_json("/v1/add/job", job_body("into runway", "@every 1h"));
    if (add.status != 200) break;
    into_runway.push_back(add.json()["success"]);
  }
  INFO(add.body);
  CHECK(add.status == 503);
  CHECK_THAT(add.body, Catch::Contains("not") && Catch::Contains("disk"));
  http_response edit = api.client.post_json(
      "/v1/edit/job", json{{"group_name", "G"}, {"job_id", kept}, {"name", "renamed"}, {"memo", std::string(k_big_memo_bytes, 'e')}});
  CHECK(edit.status == 503);
  http_response pause = api.client.post_json("/v1/pause/job", json{{"group_name", "G"}, {"job_id", kept}});
  CHECK(pause.status == 503);
  json jobs = api.jobs("G");
  CHECK(jobs.size() == 2 + into_runway.size());
  CHECK(api.detail("G", kept)["name"] == "kept");

  // Jobs keep firing; their run records cannot be written and are counted.
  const auto runs_at_full = api.detail("G", firing)["counts"]["runs"].get<int64_t>();
  CHECK(eventually([&] { return api.detail("G", firing)["counts"]["runs"].get<int64_t>() >= runs_at_full + 2; }, 20s));
  CHECK(metric(api.client, "mainspring_storage_failed_writes_total") >= 1);
  CHECK(server.running());

  // Space is back: writes are accepted again without a restart.
  fs::remove(ballast);
  std::string after;
  REQUIRE(eventually([&] {
    http_response r = api.client.post_json("/v1/add/job", job_body("after", "@every 1h"));
    if (r.status != 200) return false;
    after = r.json()["success"];
    return true;
  }, 20s));
  api.post_ok("/v1/pause/job", {{"group_name", "G"}, {"job_id", kept}});

  // And the data dir is intact across a restart.
  server.restart();
  native_api again(server.base_url());
  REQUIRE(wait_ready(again.client, 30s));
  json restored = again.jobs("G");
  CHECK(restored.size() == 3 + into_runway.size());
  for (const auto& id : into_runway) CHECK(again.detail("G", id)["name"] == "into runway");
  CHECK(again.detail("G", kept)["name"] == "kept");
  CHECK(again.detail("G", after)["name"] == "after");
  CHECK(again.detail("G", kept)["phase"] == "paused");
  server.stop();
}
