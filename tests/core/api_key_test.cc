#include "core/api_key.h"

#include <set>

#include <catch2/catch.hpp>

using namespace mainspring;

TEST_CASE("a generated key is its id, a dot and 192 random bits in hex") {
  auto key = generate_api_key();
  REQUIRE(key.ok());
  CHECK(key->key_id.size() == 16);
  CHECK(key->secret.size() == 16 + 1 + 48);
  CHECK(key->secret.rfind(key->key_id + ".", 0) == 0);
  CHECK(key->secret.find_first_not_of("0123456789abcdef.") == std::string::npos);
  CHECK(key_id_of(key->secret) == key->key_id);
}

TEST_CASE("generated keys and ids do not repeat") {
  std::set<std::string> ids, secrets;
  for (int i = 0; i < 2000; ++i) {
    auto key = generate_api_key();
    REQUIRE(key.ok());
    ids.insert(key->key_id);
    secrets.insert(key->secret.substr(17));
  }
  CHECK(ids.size() == 2000);
  CHECK(secrets.size() == 2000);
}

TEST_CASE("a key is hashed with SHA-256 into 64 lower-case hex digits") {
  CHECK(hash_api_key("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(hash_api_key("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(hash_api_key("a") != hash_api_key("b"));
}

TEST_CASE("the key id of a presented key is its 16 hex digits before the dot, or nothing") {
  CHECK(key_id_of("0123456789abcdef.ff") == "0123456789abcdef");
  CHECK(key_id_of("0123456789abcdef") == "");        // no dot
  CHECK(key_id_of("0123456789ABCDEF.ff") == "");     // upper case is not how ids are written
  CHECK(key_id_of("0123456789abcde.ff") == "");      // short
  CHECK(key_id_of("../../etc/passwd.x") == "");
  CHECK(key_id_of("") == "");
}

TEST_CASE("hashes compare equal only when equal, and never across lengths") {
  std::string h = hash_api_key("k");
  CHECK(hashes_equal(h, hash_api_key("k")));
  CHECK_FALSE(hashes_equal(h, hash_api_key("K")));
  CHECK_FALSE(hashes_equal(h, h.substr(0, 63)));
  CHECK_FALSE(hashes_equal(h, ""));
  CHECK(hashes_equal("", ""));
}

TEST_CASE("privilege names parse both ways and unknown ones are refused naming the known") {
  for (std::size_t i = 0; i < k_privilege_count; ++i) {
    auto p = static_cast<privilege>(i);
    auto back = parse_privilege(privilege_name(p));
    REQUIRE(back.ok());
    CHECK(*back == p);
  }
  auto bad = parse_privilege("root");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().code() == status_code::invalid_argument);
  CHECK(bad.status().message() ==
        "privileges: unknown privilege \"root\" (known: create_events, edit_events, delete_events, "
        "run_events, abort_events, state_update, admin)");
}

TEST_CASE("a privilege set grants what it holds, and admin grants everything") {
  auto set = parse_privileges({"run_events", "create_events", "run_events"});
  REQUIRE(set.ok());
  CHECK(set->names() == std::vector<std::string>{"create_events", "run_events"});
  CHECK(set->grants(privilege::run_events));
  CHECK_FALSE(set->grants(privilege::delete_events));
  CHECK_FALSE(set->grants(privilege::admin));

  privilege_set admin{privilege::admin};
  for (std::size_t i = 0; i < k_privilege_count; ++i) CHECK(admin.grants(static_cast<privilege>(i)));
  CHECK_FALSE(admin.has(privilege::edit_events));

  CHECK(privilege_set{}.empty());
  CHECK_FALSE(parse_privileges({"create_events", "bogus"}).ok());
}

TEST_CASE("a key title is 1 to 200 bytes of UTF-8 without control characters") {
  CHECK(validate_api_key_title("CI deploys").ok());
  CHECK(validate_api_key_title("Zürich → Genève").ok());
  CHECK(validate_api_key_title(std::string(k_max_api_key_title_bytes, 'x')).ok());
  CHECK(validate_api_key_title("").message() == "title: required");
  CHECK(validate_api_key_title(std::string(k_max_api_key_title_bytes + 1, 'x')).code() ==
        status_code::invalid_argument);
  CHECK(validate_api_key_title("a\nb").message() == "title: control characters are not allowed");
  CHECK(validate_api_key_title("\xff\xfe").message() == "title: not valid UTF-8");
  CHECK(validate_api_key_title("\xc0\xaf").message() == "title: not valid UTF-8");       // overlong '/'
  CHECK(validate_api_key_title("\xed\xa0\x80").message() == "title: not valid UTF-8");   // surrogate
  CHECK(validate_api_key_title("ab\xe2\x82").message() == "title: not valid UTF-8");     // cut short
}
