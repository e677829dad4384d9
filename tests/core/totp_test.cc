#include "core/totp.h"

#include <catch2/catch.hpp>

using namespace mainspring;

TEST_CASE("HOTP matches the RFC 4226 appendix D values") {
  const std::string key = "12345678901234567890";
  const char* expected[] = {"755224", "287082", "359152", "969429", "338314",
                            "254676", "287922", "162583", "399871", "520489"};
  for (uint64_t i = 0; i < 10; ++i) CHECK(hotp(key, i) == expected[i]);
}

TEST_CASE("TOTP matches the RFC 6238 SHA-1 test vectors") {
  const std::string key = "12345678901234567890";
  struct vector { int64_t t; const char* code; };
  for (auto v : {vector{59, "94287082"}, vector{1111111109, "07081804"},
                 vector{1111111111, "14050471"}, vector{1234567890, "89005924"},
                 vector{2000000000, "69279037"}, vector{20000000000, "65353130"}}) {
    CHECK(hotp(key, static_cast<uint64_t>(v.t / 30), 8) == v.code);
  }
  std::string secret = base32_encode(key);
  CHECK(secret == "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
  CHECK(totp_now(secret, 59) == "287082");
}

TEST_CASE("verification accepts one step of skew and nothing further") {
  std::string secret = base32_encode("12345678901234567890");
  int64_t t = 1111111109;
  std::string code = totp_now(secret, t);
  CHECK(verify_totp(secret, code, t));
  CHECK(verify_totp(secret, code, t + 30));
  CHECK(verify_totp(secret, code, t - 30));
  CHECK_FALSE(verify_totp(secret, code, t + 90));
  CHECK_FALSE(verify_totp(secret, "000000", t + 3000));
  CHECK_FALSE(verify_totp(secret, "", t));
  CHECK_FALSE(verify_totp("not base32!", code, t));
}

TEST_CASE("base32 round-trips and ignores case, padding and spaces") {
  for (std::string s : {"", "f", "fo", "foo", "foob", "fooba", "foobar"})
    CHECK(base32_decode(base32_encode(s)).value() == s);
  CHECK(base32_encode("foobar") == "MZXW6YTBOI");
  CHECK(base32_decode("mzxw 6ytb oi======").value() == "foobar");
  CHECK_FALSE(base32_decode("MZXW1").ok());
}
