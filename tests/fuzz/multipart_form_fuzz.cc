// Fuzzes http::form_part (http/multipart_form.h) with an arbitrary body under a fixed boundary.
//
// Input: byte 0 picks the boundary's quoting (odd: quoted), the rest is the body. Properties:
//  - no crash, no sanitizer report, no exception escapes, nothing read past the body;
//  - a part found is a piece of the body (its data occurs in it, so it never grows);
//  - a failure is invalid_argument (malformed) or not_found ("http: no such file"), nothing else;
//  - the answer does not depend on the boundary's quoting.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "http/multipart_form.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  const bool quoted = (data[0] & 1) != 0;
  using mainspring::status_code;
  auto file = mainspring::http::form_part(quoted ? "multipart/form-data; boundary=\"b\"" : "multipart/form-data; boundary=b",
                                          body, "file");
  if (file.ok()) {
    FUZZ_CHECK(file->data.size() <= body.size());
    FUZZ_CHECK(body.find(file->data) != std::string_view::npos);
  } else {
    FUZZ_CHECK(file.status().code() == status_code::invalid_argument || file.status().code() == status_code::not_found);
  }
  auto other = mainspring::http::form_part(quoted ? "multipart/form-data; boundary=b" : "multipart/form-data; boundary=\"b\"",
                                           body, "file");
  FUZZ_CHECK(other.ok() == file.ok());
  if (file.ok()) FUZZ_CHECK(other->data == file->data && other->filename == file->filename);
  return 0;
}
