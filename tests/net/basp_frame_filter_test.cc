// Tests of the BASP frame check: messages pass whole at any split, and a header announcing a
// payload over the cap stops the stream before any byte of that message.
#include "net/basp_frame_filter.h"

#include <string>

#include <catch2/catch.hpp>

using namespace mainspring::net;

namespace {

std::string message(uint32_t payload_len, char fill) {
  std::string m(k_basp_header_bytes, '\0');
  m[0] = 1;  // an operation
  m[4] = static_cast<char>(payload_len >> 24);
  m[5] = static_cast<char>(payload_len >> 16);
  m[6] = static_cast<char>(payload_len >> 8);
  m[7] = static_cast<char>(payload_len);
  return m + std::string(payload_len, fill);
}

}  // namespace

TEST_CASE("messages within the cap pass unchanged, whatever the read boundaries") {
  const std::string stream = message(0, 'a') + message(100, 'b') + message(4000, 'c') + message(1, 'd');
  for (std::size_t chunk : {1u, 7u, 31u, 32u, 33u, 1000u, 100000u}) {
    basp_frame_filter filter(4096);
    std::vector<char> out;
    for (std::size_t i = 0; i < stream.size(); i += chunk)
      REQUIRE(filter.feed(stream.data() + i, std::min(chunk, stream.size() - i), out));
    CHECK(std::string(out.begin(), out.end()) == stream);
    CHECK(filter.messages() == 4);
  }
}

TEST_CASE("a partial header is held back until it is whole") {
  basp_frame_filter filter(4096);
  std::string m = message(10, 'x');
  std::vector<char> out;
  REQUIRE(filter.feed(m.data(), 20, out));
  CHECK(out.empty());
  REQUIRE(filter.feed(m.data() + 20, m.size() - 20, out));
  CHECK(std::string(out.begin(), out.end()) == m);
}

TEST_CASE("a header over the cap refuses the stream, passing only the messages before it") {
  const std::string ok = message(10, 'o');
  std::string bad = message(0, 'z');
  bad[4] = static_cast<char>(0xff);  // 4 GiB announced
  const std::string stream = ok + bad + message(1, 'q');
  basp_frame_filter filter(1 << 20);
  std::vector<char> out;
  CHECK_FALSE(filter.feed(stream.data(), stream.size(), out));
  CHECK(std::string(out.begin(), out.end()) == ok);
  out.clear();
  CHECK_FALSE(filter.feed("more", 4, out));  // refused for good
  CHECK(out.empty());
  // The cap itself is allowed.
  basp_frame_filter exact(16);
  std::string m = message(16, 'e');
  CHECK(exact.feed(m.data(), m.size(), out));
}
