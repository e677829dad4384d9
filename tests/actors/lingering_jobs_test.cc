// lingering_jobs: deleted jobs' actors kept for their runs in flight, and stopped with the server.
#include "actors/lingering_jobs.h"

#include <caf/all.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "actors/messages.h"

using namespace mainspring;

TEST_CASE("kept actors are stopped together, and none is kept after that") {
  caf::actor_system_config config;
  caf::actor_system system{config};
  auto stopped = std::make_shared<std::atomic<int>>(0);
  // The counter goes as the actor's argument: CAF 0.17 dereferences a null argument tuple when a
  // function actor is spawned with none (UBSan).
  auto make = [&] {
    return system.spawn(
        [](caf::event_based_actor* self, std::shared_ptr<std::atomic<int>> count) -> caf::behavior {
          return {[self, count](stop_atom) {
            ++*count;
            self->quit();
          }};
        },
        stopped);
  };
  lingering_jobs lingering;
  auto a = make(), b = make(), c = make();
  CHECK(lingering.add(a, "G", "a"));
  CHECK(lingering.add(b, "G", "b"));
  CHECK(lingering.add(c, "H", "a"));
  CHECK(lingering.of("G").size() == 2);
  CHECK(lingering.of("G", "b") == std::vector<caf::actor>{b});
  CHECK(lingering.of("H", "b").empty());
  lingering.remove(c.id());  // its last run ended: it went by itself
  CHECK(lingering.size() == 2);
  CHECK(lingering.of("H").empty());
  lingering.stop_all();
  CHECK(lingering.size() == 0);
  auto late = make();
  CHECK_FALSE(lingering.add(late, "G", "late"));  // too late: the caller ends the actor itself
  // a and b get stop_atom; c and the late one never do (they are ended below another way).
  for (int i = 0; i < 3000 && *stopped < 2; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  CHECK(*stopped == 2);
  // The system ends only once every actor has: those two go by an exit of their own.
  caf::anon_send_exit(c, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(late, caf::exit_reason::user_shutdown);
}
