#include "core/fire_plan.h"

#include <catch2/catch.hpp>

using namespace mainspring;

namespace {
schedule parse(std::string_view text) { return parse_schedule(text).value(); }
constexpr int64_t k_now = 1'800'000'000'000;  // a whole second, in unix ms
}  // namespace

TEST_CASE("the first fire is exec_time when it lies ahead, else now") {
  CHECK(first_fire_ms(0, k_now) == k_now);
  CHECK(first_fire_ms(k_now / 1000 - 5, k_now) == k_now);
  CHECK(first_fire_ms(k_now / 1000 + 2, k_now) == k_now + 2000);
}

TEST_CASE("the first fire not before an instant is that instant for intervals, the schedule's next for the rest") {
  const auto& utc = time_zone::utc();
  CHECK(first_fire_not_before(parse("@every 10s"), utc, k_now + 500) == k_now + 500);
  // 1'800'000'000 s is 2027-01-15T08:00:00Z: the next half hour is 08:30.
  CHECK(first_fire_not_before(parse("0 30 * * * *"), utc, k_now + 500) == k_now + 30 * 60'000);
  CHECK(first_fire_not_before(parse("0 0 8 * * *"), utc, k_now) == k_now);  // at, not only after
  CHECK(first_fire_not_before(parse("@manually"), utc, k_now) == std::nullopt);
}

TEST_CASE("a fire on time plans the next one from the previous planned time") {
  auto plan = plan_after(parse("@every 5s"), time_zone::utc(), k_now, k_now + 3, misfire_policy::skip);
  REQUIRE(plan.next_ms);
  CHECK(*plan.next_ms == k_now + 5000);  // the cadence is kept though the fire ran 3 ms late
  CHECK(plan.missed == 0);
  CHECK(plan.catch_up_ms.empty());
}

TEST_CASE("missed fires are skipped, caught up once, or caught up all, by policy") {
  auto every = parse("@every 1s");
  int64_t last = k_now - 10'000;  // ten seconds behind: fires at -9s .. -2s are missed
  auto skip = plan_after(every, time_zone::utc(), last, k_now, misfire_policy::skip);
  CHECK(skip.missed == 8);
  CHECK(skip.catch_up_ms.empty());
  REQUIRE(skip.next_ms);
  CHECK(*skip.next_ms == k_now - 1000);  // within the misfire threshold: late, not missed

  auto once = plan_after(every, time_zone::utc(), last, k_now, misfire_policy::once);
  CHECK(once.missed == 8);
  CHECK(once.catch_up_ms == std::vector<int64_t>{k_now - 2000});

  auto all = plan_after(every, time_zone::utc(), last, k_now, misfire_policy::all);
  CHECK(all.missed == 8);
  REQUIRE(all.catch_up_ms.size() == 8);
  CHECK(all.catch_up_ms.front() == k_now - 9000);
  CHECK(all.catch_up_ms.back() == k_now - 2000);
}

TEST_CASE("a fire taken late but within the misfire threshold runs whatever the policy") {
  for (auto policy : {misfire_policy::skip, misfire_policy::once, misfire_policy::all}) {
    auto d = plan_fire(parse("@every 5s"), time_zone::utc(), k_now - 900, k_now, policy);
    CHECK(d.run_planned);
    CHECK(d.after.missed == 0);
    CHECK(d.after.catch_up_ms.empty());
  }
}

TEST_CASE("a fire may be late until its schedule's next fire, between one second and a minute") {
  CHECK(misfire_allowance_ms(parse("@every 1s"), time_zone::utc(), k_now) == 1000);
  CHECK(misfire_allowance_ms(parse("@every 10s"), time_zone::utc(), k_now) == 10'000);
  CHECK(misfire_allowance_ms(parse("@every 1h"), time_zone::utc(), k_now) == k_max_misfire_allowance_ms);
  CHECK(misfire_allowance_ms(parse("*/5 * * * * *"), time_zone::utc(), 1'700'000'000'000) == 5000);
  CHECK(misfire_allowance_ms(parse("@once"), time_zone::utc(), k_now) == k_max_misfire_allowance_ms);

  // A fire of an hourly job taken 30 s late runs whatever the policy (a herd being drained).
  for (auto policy : {misfire_policy::skip, misfire_policy::once, misfire_policy::all}) {
    auto d = plan_fire(parse("@every 1h"), time_zone::utc(), k_now - 30'000, k_now, policy);
    CHECK(d.run_planned);
    CHECK(d.after.missed == 0);
    REQUIRE(d.after.next_ms);
    CHECK(*d.after.next_ms == k_now - 30'000 + 3'600'000);
  }
  // Past a minute it is missed even though the next fire is far off.
  auto late = plan_fire(parse("@every 1h"), time_zone::utc(), k_now - 61'000, k_now, misfire_policy::skip);
  CHECK_FALSE(late.run_planned);
  CHECK(late.after.missed == 1);
}

TEST_CASE("a fire held back past its allowance is itself missed and handled by the policy") {
  auto every = parse("@every 10s");
  // Planned 2.5 s ago: within one period, late but not missed.
  auto within = plan_fire(every, time_zone::utc(), k_now - 2500, k_now, misfire_policy::skip);
  CHECK(within.run_planned);
  CHECK(within.after.missed == 0);
  REQUIRE(within.after.next_ms);
  CHECK(*within.after.next_ms == k_now + 7500);

  // Planned 12.5 s ago: it and the fire 2.5 s ago are missed, and the next (7.5 s ahead) is not.
  auto skip = plan_fire(every, time_zone::utc(), k_now - 12'500, k_now, misfire_policy::skip);
  CHECK_FALSE(skip.run_planned);
  CHECK(skip.after.missed == 2);
  CHECK(skip.after.catch_up_ms.empty());
  REQUIRE(skip.after.next_ms);
  CHECK(*skip.after.next_ms == k_now + 7500);

  auto once = plan_fire(every, time_zone::utc(), k_now - 12'500, k_now, misfire_policy::once);
  CHECK_FALSE(once.run_planned);  // the latest missed fire (2.5 s ago) is the one that runs
  CHECK(once.after.catch_up_ms == std::vector<int64_t>{k_now - 2500});

  auto all = plan_fire(every, time_zone::utc(), k_now - 12'500, k_now, misfire_policy::all);
  CHECK(all.run_planned);
  CHECK(all.after.catch_up_ms == std::vector<int64_t>{k_now - 2500});
  CHECK(all.after.missed == 1);
}

TEST_CASE("a late fire with later missed fires runs only the latest under misfire once") {
  auto every = parse("@every 1s");
  // Planned 5 s ago: it and the fires at -4s .. -1s are missed (the server is behind: even the
  // one within the threshold), and the next fire is the one due now, not one already late.
  auto once = plan_fire(every, time_zone::utc(), k_now - 5000, k_now, misfire_policy::once);
  CHECK_FALSE(once.run_planned);
  CHECK(once.after.catch_up_ms == std::vector<int64_t>{k_now - 1000});
  CHECK(once.after.missed == 5);  // four later ones plus this one, of which one runs
  REQUIRE(once.after.next_ms);
  CHECK(*once.after.next_ms == k_now);

  auto skip = plan_fire(every, time_zone::utc(), k_now - 5000, k_now, misfire_policy::skip);
  CHECK_FALSE(skip.run_planned);
  CHECK(skip.after.missed == 5);
  CHECK(*skip.after.next_ms == k_now);

  auto all = plan_fire(every, time_zone::utc(), k_now - 5000, k_now, misfire_policy::all);
  CHECK(all.run_planned);
  CHECK(all.after.catch_up_ms.size() == 4);
  CHECK(all.after.missed == 4);
}

TEST_CASE("a one-shot fire held back past the threshold still runs") {
  auto d = plan_fire(parse("@once"), time_zone::utc(), k_now - 60'000, k_now, misfire_policy::skip);
  CHECK(d.run_planned);
  CHECK(d.after.missed == 0);
}

TEST_CASE("catching up stops at the cap and jumps to the present") {
  auto every = parse("@every 1s");
  int64_t last = k_now - 5'000'000;  // ~5000 fires behind
  auto all = plan_after(every, time_zone::utc(), last, k_now, misfire_policy::all);
  CHECK(all.missed == k_max_catch_up_runs);
  CHECK(all.catch_up_ms.size() == static_cast<std::size_t>(k_max_catch_up_runs));
  REQUIRE(all.next_ms);
  CHECK(*all.next_ms >= k_now - k_misfire_threshold_ms);
}

TEST_CASE("a schedule that is over plans no next fire") {
  CHECK_FALSE(plan_after(parse("@once"), time_zone::utc(), k_now, k_now, misfire_policy::skip).next_ms);
  CHECK_FALSE(plan_after(parse("@manually"), time_zone::utc(), k_now, k_now, misfire_policy::all).next_ms);
}

TEST_CASE("cron schedules plan in their zone") {
  auto zone = time_zone::find("Europe/Berlin").value();
  // 2026-07-01T10:00:00Z is 12:00 in Berlin (CEST): the next 13:00 local is 11:00Z.
  int64_t noon_berlin = 1'782'900'000'000;
  auto plan = plan_after(parse("0 0 13 * * *"), zone, noon_berlin, noon_berlin, misfire_policy::skip);
  REQUIRE(plan.next_ms);
  CHECK(*plan.next_ms == noon_berlin + 3'600'000);
}

namespace {
job_spec restored_job(std::string schedule_text, int64_t anchor_ms, misfire_policy policy) {
  job_spec j;
  j.group = "g";
  j.name = "n";
  j.schedule = std::move(schedule_text);
  j.anchor_ms = anchor_ms;
  j.misfire = policy;
  return j;
}
}  // namespace

TEST_CASE("after a restart, @every keeps its cadence from the anchor and skips what was missed") {
  // Anchor at k_now - 100.5 s, every 10 s; down from k_now - 50 s to k_now.
  auto job = restored_job("@every 10s", k_now - 100'500, misfire_policy::skip);
  auto plan = plan_on_restart(parse(job.schedule), time_zone::utc(), job, k_now - 50'000, k_now);
  REQUIRE(plan.next_ms);
  CHECK(*plan.next_ms == k_now - 500);   // the cadence: anchor + 10 * 10 s
  // The last fire before going down was at -50.5 s; -40.5, -30.5, -20.5 and -10.5 s were missed;
  // -0.5 s is within the misfire threshold, so it is merely late.
  CHECK(plan.missed == 4);
  CHECK(plan.catch_up_ms.empty());
}

TEST_CASE("after a restart, misfire once runs the latest missed fire and all runs each") {
  auto once = restored_job("0 * * * * *", k_now - 3'600'000, misfire_policy::once);
  auto plan = plan_on_restart(parse(once.schedule), time_zone::utc(), once, k_now - 300'000, k_now);
  // Down from -300 s (a minute boundary, fired before going down): -240 .. -60 s were missed.
  CHECK(plan.missed == 4);
  REQUIRE(plan.catch_up_ms.size() == 1);
  CHECK(plan.catch_up_ms[0] == k_now - 60'000);
  auto all = restored_job("0 * * * * *", k_now - 3'600'000, misfire_policy::all);
  auto plan_all = plan_on_restart(parse(all.schedule), time_zone::utc(), all, k_now - 300'000, k_now);
  CHECK(plan_all.catch_up_ms.size() == 4);
}

TEST_CASE("after a restart, a one-shot job whose time passed runs once whatever the policy") {
  auto job = restored_job("@once", k_now - 20'000, misfire_policy::skip);
  auto plan = plan_on_restart(parse(job.schedule), time_zone::utc(), job, k_now - 30'000, k_now);
  CHECK_FALSE(plan.next_ms);
  CHECK(plan.catch_up_ms == std::vector<int64_t>{k_now - 20'000});
  auto ahead = restored_job("@once", k_now + 5'000, misfire_policy::skip);
  auto later = plan_on_restart(parse(ahead.schedule), time_zone::utc(), ahead, k_now - 30'000, k_now);
  REQUIRE(later.next_ms);
  CHECK(*later.next_ms == k_now + 5'000);
  CHECK(later.catch_up_ms.empty());
}

TEST_CASE("@manually never fires by itself and @at fires at its time") {
  CHECK_FALSE(first_fire(parse("@manually"), time_zone::utc(), 0, k_now));
  CHECK_FALSE(first_fire(parse("@manually"), time_zone::utc(), k_now / 1000 + 60, k_now));
  auto at = parse("@at 2027-01-15T08:00:00Z");
  auto when = at.next_after(from_unix_ms(0), time_zone::utc());
  REQUIRE(when);
  CHECK(first_fire(at, time_zone::utc(), 0, to_unix_ms(*when) - 5000) == to_unix_ms(*when));
  CHECK_FALSE(first_fire(at, time_zone::utc(), 0, to_unix_ms(*when) + 5000));
  CHECK(first_fire(parse("@every 5s"), time_zone::utc(), 0, k_now) == k_now);
  CHECK(first_fire(parse("@every 5s"), time_zone::utc(), k_now / 1000 + 60, k_now) == k_now + 60'000);
  // Dkron's start: the schedule's first fire after now, in the job's zone.
  CHECK(first_fire(parse("@every 5s"), time_zone::utc(), k_first_fire_by_schedule, k_now) == k_now + 5'000);
  CHECK_FALSE(first_fire(parse("@manually"), time_zone::utc(), k_first_fire_by_schedule, k_now));
  auto berlin = time_zone::find("Europe/Berlin").value();
  auto daily = first_fire(parse("0 0 9 * * *"), berlin, k_first_fire_by_schedule, k_now);
  REQUIRE(daily);
  CHECK(*daily > k_now);
  CHECK(*daily == to_unix_ms(*parse("0 0 9 * * *").next_after(from_unix_ms(k_now), berlin)));
}

TEST_CASE("a job's expiry drops the fires and catch-up runs after it") {
  CHECK(before_expiry(std::optional<int64_t>(5'000), 0) == 5'000);
  CHECK(before_expiry(std::optional<int64_t>(5'000), 5'000) == 5'000);
  CHECK_FALSE(before_expiry(std::optional<int64_t>(5'001), 5'000).has_value());
  CHECK_FALSE(before_expiry(std::optional<int64_t>(), 5'000).has_value());

  fire_plan plan;
  plan.next_ms = 9'000;
  plan.missed = 4;
  plan.catch_up_ms = {1'000, 2'000, 6'000, 7'000};
  auto clamped = before_expiry(plan, 5'000);
  CHECK(clamped.catch_up_ms == std::vector<int64_t>{1'000, 2'000});
  CHECK(clamped.missed == 2);
  CHECK_FALSE(clamped.next_ms.has_value());
  auto unchanged = before_expiry(plan, 0);
  CHECK(unchanged.catch_up_ms.size() == 4);
  CHECK(unchanged.next_ms == 9'000);
}
