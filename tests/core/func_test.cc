// Tests of the func model: validation and the TOTP rule that guards a call.
#include "core/func.h"

#include <catch2/catch.hpp>

#include "core/job.h"
#include "core/totp.h"

namespace mainspring {
namespace {

// RFC 6238's SHA-1 key, "12345678901234567890", in base32.
constexpr const char* k_group_secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
constexpr const char* k_func_secret = "JBSWY3DPEHPK3PXP";
constexpr int64_t k_now_s = 1'700'000'000;

func_spec valid_func() {
  func_spec f;
  f.group = "YM55";
  f.name = "Hello";
  f.lua_body = "function Hello() print('hi') end";
  f.secret = k_func_secret;
  return f;
}

TEST_CASE("a complete func is valid") { CHECK(validate_func(valid_func()).ok()); }

TEST_CASE("validation names the offending field") {
  auto f = valid_func();
  SECTION("group") {
    f.group = "no spaces";
    CHECK(validate_func(f).message().rfind("group_name:", 0) == 0);
  }
  SECTION("missing name") {
    f.name.clear();
    CHECK(validate_func(f).message() == "name: required");
  }
  SECTION("name with a slash (it is a path segment)") {
    f.name = "a/b";
    CHECK(validate_func(f).message().rfind("name: must match", 0) == 0);
  }
  SECTION("name too long") {
    f.name = std::string(k_max_func_name_bytes + 1, 'a');
    CHECK(validate_func(f).code() == status_code::invalid_argument);
  }
  SECTION("missing body") {
    f.lua_body.clear();
    CHECK(validate_func(f).message() == "lua_body: required");
  }
  SECTION("body too long") {
    f.lua_body = std::string(k_max_lua_body_bytes + 1, ' ');
    CHECK(validate_func(f).message().rfind("lua_body: longer than", 0) == 0);
  }
  SECTION("memo too long") {
    f.memo = std::string(k_max_memo_bytes + 1, 'm');
    CHECK(validate_func(f).message().rfind("memo: longer than", 0) == 0);
  }
}

TEST_CASE("func names are letters, digits and underscores, 1 to 64 of them") {
  CHECK(is_valid_func_name("HelloWorld_2"));
  CHECK(is_valid_func_name(std::string(k_max_func_name_bytes, 'x')));
  CHECK_FALSE(is_valid_func_name(""));
  CHECK_FALSE(is_valid_func_name("hello-world"));
  CHECK_FALSE(is_valid_func_name(".."));
}

TEST_CASE("a func without use_otp needs no code") {
  auto f = valid_func();
  CHECK(check_func_code(f, k_group_secret, "", k_now_s).ok());
  CHECK(check_func_code(f, k_group_secret, "garbage", k_now_s).ok());
}

TEST_CASE("a func with use_otp needs the group's current code") {
  auto f = valid_func();
  f.use_otp = true;
  std::string group_code = totp_now(k_group_secret, k_now_s);
  CHECK(check_func_code(f, k_group_secret, group_code, k_now_s).ok());
  // One step of clock skew either way is accepted, two are not.
  CHECK(check_func_code(f, k_group_secret, totp_now(k_group_secret, k_now_s - 30), k_now_s).ok());
  auto stale = check_func_code(f, k_group_secret, totp_now(k_group_secret, k_now_s - 90), k_now_s);
  CHECK(stale.code() == status_code::unauthenticated);

  auto missing = check_func_code(f, k_group_secret, "", k_now_s);
  CHECK(missing.code() == status_code::unauthenticated);
  CHECK(missing.message().find("required") != std::string::npos);
  // The func's own code is not the group's.
  auto own = check_func_code(f, k_group_secret, totp_now(k_func_secret, k_now_s), k_now_s);
  CHECK(own.code() == status_code::unauthenticated);
  CHECK(own.message().find(k_group_secret) == std::string::npos);
}

TEST_CASE("with disable_group_otp a func needs its own code, not the group's") {
  auto f = valid_func();
  f.use_otp = true;
  f.disable_group_otp = true;
  CHECK(check_func_code(f, k_group_secret, totp_now(k_func_secret, k_now_s), k_now_s).ok());
  auto group_code = check_func_code(f, k_group_secret, totp_now(k_group_secret, k_now_s), k_now_s);
  CHECK(group_code.code() == status_code::unauthenticated);
  CHECK(group_code.message().find("wrong or expired") != std::string::npos);
}

}  // namespace
}  // namespace mainspring

namespace mainspring {

TEST_CASE("a func code is accepted once: a replay, or an older code after a newer one, is refused") {
  func_spec f;
  f.group = "G";
  f.name = "Once";
  f.lua_body = "print(1)";
  f.use_otp = true;
  const std::string secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
  const int64_t now = 1'700'000'000;
  int64_t last = 0;
  const std::string previous = totp_now(secret, now - 30), current = totp_now(secret, now);
  CHECK(check_func_code(f, secret, previous, now, &last).ok());  // one step of skew
  CHECK(check_func_code(f, secret, current, now, &last).ok());
  auto replay = check_func_code(f, secret, current, now, &last);
  CHECK(replay.code() == status_code::unauthenticated);
  CHECK(replay.message().find("already used") != std::string::npos);
  CHECK(check_func_code(f, secret, previous, now, &last).code() == status_code::unauthenticated);
  CHECK(check_func_code(f, secret, totp_now(secret, now + 30), now + 30, &last).ok());
  CHECK(check_func_code(f, secret, current, now, nullptr).ok());  // without a memory: not checked
  CHECK(totp_step_of(secret, current, now) == now / 30);
  CHECK_FALSE(totp_step_of(secret, "000000", now + 9000).has_value());
}

}  // namespace mainspring
