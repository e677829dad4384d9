#include "actors/api_key_registry.h"

#include <stdlib.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "storage/state_store.h"
#include "tests/support/temp_dir.h"

using namespace mainspring;
namespace fs = std::filesystem;

namespace {

// A fresh directory under /tmp, removed with everything in it at scope exit.
struct temp_dir : testing::temp_dir {
  temp_dir() : testing::temp_dir("ms_keys_test", "data") {}
};

std::unique_ptr<state_store> open_store(const std::string& dir) {
  store_options o;
  o.sweep_interval = std::chrono::milliseconds{0};
  auto s = state_store::open(dir, o);
  REQUIRE(s.ok());
  return std::move(s).value();
}

struct clock_ms {
  int64_t now = 1'800'000'000'000;
};

std::unique_ptr<api_key_registry> load(state_store& store, clock_ms* clock,
                                       std::map<std::string, int>* failures = nullptr) {
  api_key_registry_options o;
  o.now_ms = [clock] { return clock->now; };
  if (failures)
    o.on_failure = [failures](std::string_view listener, std::string_view reason) {
      ++(*failures)[std::string(listener) + "/" + std::string(reason)];
    };
  auto r = api_key_registry::load(store, o);
  REQUIRE(r.ok());
  return std::move(r).value();
}

const request_origin k_origin{"native", "", ""};

// Every byte of every file in `dir`.
std::string all_bytes(const std::string& dir) {
  std::string out;
  for (const auto& f : fs::recursive_directory_iterator(dir)) {
    if (!f.is_regular_file()) continue;
    std::ifstream in(f.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    out += ss.str();
  }
  return out;
}

}  // namespace

TEST_CASE("bootstrap makes one admin key, only while there is none") {
  temp_dir dir;
  auto store = open_store(dir.path);
  clock_ms clock;
  auto keys = load(*store, &clock);
  CHECK(keys->empty());
  auto admin = keys->bootstrap(k_origin);
  REQUIRE(admin.ok());
  CHECK(admin->view.title == k_bootstrap_key_title);
  CHECK(admin->view.privileges.names() == std::vector<std::string>{"admin"});
  CHECK(admin->view.active);
  CHECK(admin->view.created_ms == clock.now);
  auto again = keys->bootstrap(k_origin);
  REQUIRE_FALSE(again.ok());
  CHECK(again.status().code() == status_code::failed_precondition);
  CHECK(keys->list().size() == 1);
}

TEST_CASE("keys are created, listed, edited and deleted, and survive a reopen") {
  temp_dir dir;
  clock_ms clock;
  std::string ci_id, ci_secret;
  {
    auto store = open_store(dir.path);
    auto keys = load(*store, &clock);
    auto admin = keys->bootstrap(k_origin);
    REQUIRE(admin.ok());
    clock.now += 1000;
    auto ci = keys->create({"native", admin->view.key_id, ""}, {"ci", {privilege::create_events}, true});
    REQUIRE(ci.ok());
    ci_id = ci->view.key_id;
    ci_secret = ci->secret;
    auto list = keys->list();
    REQUIRE(list.size() == 2);
    CHECK(list[0].key_id == admin->view.key_id);  // oldest first
    CHECK(list[1].title == "ci");

    api_key_edit change;
    change.title = "ci deploys";
    change.privileges = privilege_set{privilege::create_events, privilege::run_events};
    auto edited = keys->edit(k_origin, ci_id, change);
    REQUIRE(edited.ok());
    CHECK(edited->title == "ci deploys");
    CHECK(edited->privileges.grants(privilege::run_events));

    auto gone = keys->create(k_origin, {"temp", {}, true});
    REQUIRE(gone.ok());
    REQUIRE(keys->remove(k_origin, gone->view.key_id).ok());
    CHECK(keys->remove(k_origin, gone->view.key_id).code() == status_code::not_found);
    CHECK(keys->edit(k_origin, "0000000000000000", {}).status().code() == status_code::not_found);
  }
  auto store = open_store(dir.path);
  auto keys = load(*store, &clock);
  auto list = keys->list();
  REQUIRE(list.size() == 2);
  CHECK(list[1].key_id == ci_id);
  CHECK(list[1].title == "ci deploys");
  CHECK(list[1].privileges.names() == std::vector<std::string>{"create_events", "run_events"});
  CHECK(keys->check("native", ci_secret, privilege::run_events).verdict.ok());
}

TEST_CASE("a check admits an enabled key with the privilege and refuses everything else") {
  temp_dir dir;
  auto store = open_store(dir.path);
  clock_ms clock;
  std::map<std::string, int> failures;
  auto keys = load(*store, &clock, &failures);
  auto admin = keys->bootstrap(k_origin);
  auto reader = keys->create(k_origin, {"reader", {}, true});
  auto off = keys->create(k_origin, {"off", {privilege::admin}, false});
  REQUIRE((admin.ok() && reader.ok() && off.ok()));

  auto ok = keys->check("native", reader->secret, std::nullopt);
  CHECK(ok.verdict.ok());
  CHECK(ok.key_id == reader->view.key_id);
  CHECK(keys->check("native", admin->secret, privilege::delete_events).verdict.ok());

  auto forbidden = keys->check("native", reader->secret, privilege::create_events);
  CHECK(forbidden.verdict.code() == status_code::permission_denied);
  CHECK(forbidden.failure == key_failure::forbidden);
  CHECK(forbidden.verdict.message() == "API key " + reader->view.key_id + " lacks the create_events privilege");

  auto disabled = keys->check("dkron", off->secret, std::nullopt);
  CHECK(disabled.verdict.code() == status_code::unauthenticated);
  CHECK(disabled.failure == key_failure::disabled);

  std::string wrong = reader->secret;
  wrong.back() = wrong.back() == '0' ? '1' : '0';
  auto bad = keys->check("native", wrong, std::nullopt);
  CHECK(bad.failure == key_failure::wrong_secret);
  CHECK(bad.verdict.message().find(wrong) == std::string::npos);  // never echoes the key
  CHECK(keys->check("native", "", std::nullopt).failure == key_failure::missing);
  CHECK(keys->check("native", "ffffffffffffffff.00", std::nullopt).failure == key_failure::unknown);
  CHECK(keys->check("native", std::string(1000, 'a'), std::nullopt).failure == key_failure::unknown);

  CHECK(failures["native/forbidden"] == 1);
  CHECK(failures["dkron/disabled"] == 1);
  CHECK(failures["native/wrong_secret"] == 1);
  CHECK(failures["native/missing"] == 1);
  CHECK(failures["native/unknown"] == 2);

  // Enabled again, the same secret works.
  api_key_edit on;
  on.active = true;
  REQUIRE(keys->edit(k_origin, off->view.key_id, on).ok());
  CHECK(keys->check("native", off->secret, privilege::admin).verdict.ok());
}

TEST_CASE("the last enabled admin key cannot be disabled, demoted or deleted while other keys exist") {
  temp_dir dir;
  auto store = open_store(dir.path);
  clock_ms clock;
  auto keys = load(*store, &clock);
  auto admin = keys->bootstrap(k_origin);
  auto reader = keys->create(k_origin, {"reader", {}, true});
  REQUIRE((admin.ok() && reader.ok()));
  api_key_edit off;
  off.active = false;
  CHECK(keys->edit(k_origin, admin->view.key_id, off).status().code() == status_code::failed_precondition);
  api_key_edit demote;
  demote.privileges = privilege_set{privilege::run_events};
  CHECK(keys->edit(k_origin, admin->view.key_id, demote).status().code() == status_code::failed_precondition);
  CHECK(keys->remove(k_origin, admin->view.key_id).code() == status_code::failed_precondition);
  // Once alone it may go; then bootstrap works again.
  REQUIRE(keys->remove(k_origin, reader->view.key_id).ok());
  REQUIRE(keys->remove(k_origin, admin->view.key_id).ok());
  CHECK(keys->bootstrap(k_origin).ok());
}

TEST_CASE("a bad title or too many keys are refused and change nothing") {
  temp_dir dir;
  auto store = open_store(dir.path);
  clock_ms clock;
  auto keys = load(*store, &clock);
  CHECK(keys->create(k_origin, {"", {}, true}).status().message() == "title: required");
  CHECK(keys->create(k_origin, {"a\x01", {}, true}).status().code() == status_code::invalid_argument);
  CHECK(keys->empty());
}

TEST_CASE("only hashes are stored: no secret in the data dir, and audit entries name key ids") {
  temp_dir dir;
  clock_ms clock;
  std::string secret, admin_id;
  {
    auto store = open_store(dir.path);
    auto keys = load(*store, &clock);
    auto admin = keys->bootstrap(k_origin);
    REQUIRE(admin.ok());
    admin_id = admin->view.key_id;
    auto k = keys->create({"native", admin_id, ""}, {"ci", {privilege::run_events}, true});
    REQUIRE(k.ok());
    secret = k->secret;
    auto audit = store->audit_range(0, clock.now + 1, 10);
    REQUIRE(audit.ok());
    REQUIRE(audit->size() == 2);
    CHECK((*audit)[0].action == "apikey.bootstrap");
    CHECK((*audit)[1].action == "apikey.create");
    CHECK((*audit)[1].key_id == admin_id);
    CHECK((*audit)[1].detail.find(k->view.key_id) != std::string::npos);
    CHECK((*audit)[1].detail.find(secret.substr(17)) == std::string::npos);
  }
  std::string bytes = all_bytes(dir.path);
  CHECK(bytes.find(secret.substr(17)) == std::string::npos);
  CHECK(bytes.find(hash_api_key(secret)) != std::string::npos);
}

TEST_CASE("last use is kept in memory at once and written lazily, then on flush") {
  temp_dir dir;
  clock_ms clock;
  std::string secret;
  int64_t first_use = 0, second_use = 0;
  {
    auto store = open_store(dir.path);
    auto keys = load(*store, &clock);
    auto admin = keys->bootstrap(k_origin);
    REQUIRE(admin.ok());
    secret = admin->secret;
    clock.now += 5;
    first_use = clock.now;
    REQUIRE(keys->check("native", secret, std::nullopt).verdict.ok());  // written (never before)
    CHECK(keys->list()[0].last_used_ms == first_use);
    clock.now += 1000;
    second_use = clock.now;
    REQUIRE(keys->check("native", secret, std::nullopt).verdict.ok());  // within a minute: memory only
    CHECK(keys->list()[0].last_used_ms == second_use);
    store->commit_sync(mutation_batch{});  // the lazy write has landed
    auto reopened_view = [&] {
      std::vector<api_key_record> records;
      REQUIRE(store->load_all({.on_api_key = [&](api_key_record&& r) { records.push_back(r); }}).ok());
      REQUIRE(records.size() == 1);
      return records[0].last_used_ms;
    };
    CHECK(reopened_view() == first_use);
    keys->flush_last_used();
    CHECK(reopened_view() == second_use);
  }
}

TEST_CASE("a record of format 1 (no title, no privileges) loads as a key without privileges") {
  temp_dir dir;
  clock_ms clock;
  {
    auto store = open_store(dir.path);
    api_key_record old;
    old.key_id = "ci-deploy";
    old.secret_hash = std::string(64, 'f');
    old.created_ms = 5;
    REQUIRE(store->commit_sync(mutation_batch{}.put_api_key(old)).ok());
  }
  auto store = open_store(dir.path);
  auto keys = load(*store, &clock);
  auto list = keys->list();
  REQUIRE(list.size() == 1);
  CHECK(list[0].key_id == "ci-deploy");
  CHECK(list[0].privileges.empty());
  CHECK(list[0].active);
}
