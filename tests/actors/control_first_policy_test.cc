#include "actors/control_first_policy.h"

#include <catch2/catch.hpp>

#include <chrono>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <caf/all.hpp>

using namespace mainspring;

namespace {

using note_atom = caf::atom_constant<caf::atom("note")>;

// What the actors did, in the order the single worker ran them.
struct journal {
  std::mutex mu;
  std::vector<std::string> entries;
  void add(std::string e) {
    std::lock_guard<std::mutex> lock(mu);
    entries.push_back(std::move(e));
  }
  std::size_t size() {
    std::lock_guard<std::mutex> lock(mu);
    return entries.size();
  }
};

caf::behavior noting(caf::event_based_actor*, journal* j, std::string name) {
  return {[j, name](note_atom) { j->add(name); }};
}

// One worker, so the order of the run queue is the order of the journal.
struct one_worker_system {
  caf::actor_system_config config;
  std::unique_ptr<caf::actor_system> sys;
  one_worker_system() {
    config.set("scheduler.max-threads", static_cast<size_t>(1));
    config.load<control_first_coordinator>();
    sys = std::make_unique<caf::actor_system>(config);
  }
};

// Occupies the only worker until `release` is set, so the next messages queue up.
void block_the_worker(caf::actor_system& sys, std::shared_future<void> release) {
  std::promise<void> started;
  auto running = started.get_future();
  // What the actor needs comes as spawn arguments, not captures: CAF 0.17 runs a function actor
  // spawned with none through a null pointer to its empty argument tuple (UBSan reports it).
  auto blocker = sys.spawn<caf::lazy_init>(
      [](caf::event_based_actor*, std::shared_future<void> release,
         std::shared_ptr<std::promise<void>> p) -> caf::behavior {
        return {[release, p](note_atom) {
          p->set_value();
          release.wait();
        }};
      },
      release, std::make_shared<std::promise<void>>(std::move(started)));
  caf::anon_send(blocker, note_atom::value);
  running.wait();
}

bool wait_for(journal& j, std::size_t n) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (j.size() < n && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return j.size() >= n;
}

}  // namespace

TEST_CASE("a control actor made runnable behind a backlog of job actors runs first") {
  one_worker_system s;
  journal j;
  std::promise<void> release;
  block_the_worker(*s.sys, release.get_future().share());
  for (int i = 0; i < 100; ++i)
    caf::anon_send(s.sys->spawn<caf::lazy_init>(noting, &j, "job" + std::to_string(i)), note_atom::value);
  auto control = s.sys->spawn<caf::lazy_init>(noting, &j, "control");
  mark_control_actor(*s.sys, control);
  caf::anon_send(control, note_atom::value);
  release.set_value();
  REQUIRE(wait_for(j, 101));
  CHECK(j.entries.front() == "control");
  CHECK(j.entries[1] == "job0");  // the others keep their order
  CHECK(j.entries.back() == "job99");
}

TEST_CASE("without the mark the same actor waits its turn") {
  one_worker_system s;
  journal j;
  std::promise<void> release;
  block_the_worker(*s.sys, release.get_future().share());
  for (int i = 0; i < 10; ++i)
    caf::anon_send(s.sys->spawn<caf::lazy_init>(noting, &j, "job" + std::to_string(i)), note_atom::value);
  caf::anon_send(s.sys->spawn<caf::lazy_init>(noting, &j, "plain"), note_atom::value);
  release.set_value();
  REQUIRE(wait_for(j, 11));
  CHECK(j.entries.back() == "plain");
}

TEST_CASE("busy control actors cannot starve the job actors: one job runs after each streak") {
  one_worker_system s;
  journal j;
  std::promise<void> release;
  block_the_worker(*s.sys, release.get_future().share());
  for (int i = 0; i < 3; ++i)
    caf::anon_send(s.sys->spawn<caf::lazy_init>(noting, &j, "job" + std::to_string(i)), note_atom::value);
  for (std::size_t i = 0; i < 2 * k_urgent_in_a_row; ++i) {
    auto control = s.sys->spawn<caf::lazy_init>(noting, &j, "control" + std::to_string(i));
    mark_control_actor(*s.sys, control);
    caf::anon_send(control, note_atom::value);
  }
  release.set_value();
  REQUIRE(wait_for(j, 3 + 2 * k_urgent_in_a_row));
  CHECK(j.entries[k_urgent_in_a_row - 1] == "control" + std::to_string(k_urgent_in_a_row - 1));
  CHECK(j.entries[k_urgent_in_a_row] == "job0");  // its turn after a full streak
  CHECK(j.entries[2 * k_urgent_in_a_row + 1] == "job1");
}

TEST_CASE("an ended control actor is forgotten, and marking under another scheduler does nothing") {
  one_worker_system s;
  journal j;
  {
    auto control = s.sys->spawn<caf::lazy_init>(noting, &j, "control");
    mark_control_actor(*s.sys, control);
    auto& q = *dynamic_cast<control_first_coordinator&>(s.sys->scheduler()).data().q;
    {
      std::lock_guard<std::mutex> lock(q.lock);
      CHECK(q.control.size() == 1);
    }
    caf::anon_send_exit(control, caf::exit_reason::user_shutdown);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    for (;;) {
      {
        std::lock_guard<std::mutex> lock(q.lock);
        if (q.control.empty()) break;
      }
      REQUIRE(std::chrono::steady_clock::now() < deadline);
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  caf::actor_system_config plain_config;
  plain_config.set("scheduler.policy", caf::atom("sharing"));
  caf::actor_system plain{plain_config};
  mark_control_actor(plain, plain.spawn(noting, &j, "elsewhere"));  // no crash, no effect
}

TEST_CASE("an actor marked to run next urgently jumps the backlog once, then waits its turn again") {
  one_worker_system s;
  journal j;
  auto edited = s.sys->spawn<caf::lazy_init>(noting, &j, "edited");
  for (int round = 0; round < 2; ++round) {
    std::promise<void> release;
    block_the_worker(*s.sys, release.get_future().share());
    for (int i = 0; i < 10; ++i)
      caf::anon_send(s.sys->spawn<caf::lazy_init>(noting, &j, "job" + std::to_string(i)), note_atom::value);
    if (round == 0) run_next_urgently(*s.sys, edited);
    caf::anon_send(edited, note_atom::value);
    release.set_value();
    REQUIRE(wait_for(j, 11 * (round + 1)));
  }
  CHECK(j.entries[0] == "edited");  // marked: first
  CHECK(j.entries[21] == "edited");  // the next time, not marked: last
}
