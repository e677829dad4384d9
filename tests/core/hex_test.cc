#include "core/hex.h"

#include <catch2/catch.hpp>

using mainspring::lower_hex;

TEST_CASE("lower_hex writes two lower-case digits per byte, high nibble first") {
  const unsigned char bytes[] = {0x00, 0x0f, 0xa5, 0xff};
  CHECK(lower_hex(bytes, sizeof bytes) == "000fa5ff");
  CHECK(lower_hex(bytes, 0).empty());
}
