// multipart_form: finding one named part of a multipart/form-data body, and refusing bodies that
// do not follow their boundary.
#include "http/multipart_form.h"

#include <catch2/catch.hpp>

using namespace mainspring;
using namespace mainspring::http;

namespace {

const char* k_type = "multipart/form-data; boundary=XyZ";

// What Go's multipart.Writer (Dkron's own test) and curl -F send.
std::string form(const std::string& parts) { return parts + "--XyZ--\r\n"; }
std::string part(const std::string& disposition, const std::string& data) {
  return "--XyZ\r\nContent-Disposition: " + disposition + "\r\nContent-Type: application/octet-stream\r\n\r\n" +
         data + "\r\n";
}

}  // namespace

TEST_CASE("the named part's bytes come back exactly, with its filename") {
  std::string body = form(part(R"(form-data; name="note")", "hi") +
                          part(R"(form-data; name="file"; filename="backup.json")", "[{\"name\":\"a\"}]\r\n\r\n"));
  auto file = form_part(k_type, body, "file");
  REQUIRE(file.ok());
  CHECK(file->filename == "backup.json");
  CHECK(file->data == "[{\"name\":\"a\"}]\r\n\r\n");  // CRLFs inside the data are data
  CHECK(form_part(k_type, body, "note")->data == "hi");
  CHECK(form_part(k_type, body, "note")->filename.empty());
}

TEST_CASE("a quoted boundary, a preamble, padding and header case are all accepted") {
  std::string body = "preamble to ignore\r\n--b 1  \r\ncontent-disposition: FORM-DATA; filename=\"x\"; name=file\r\n\r\n"
                     "data\r\n--b 1--";
  auto file = form_part("Multipart/Form-Data; charset=utf-8; boundary=\"b 1\"", body, "file");
  REQUIRE(file.ok());
  CHECK(file->data == "data");
  CHECK(file->filename == "x");
  // A name that only ends like the one asked for is another name.
  CHECK(form_part(k_type, form(part(R"(form-data; name="myfile")", "x")), "file").status().code() ==
        status_code::not_found);
}

TEST_CASE("a body without the part, or that is not multipart, says so in Go's words") {
  auto none = form_part(k_type, form(part(R"(form-data; name="other")", "x")), "file");
  CHECK(none.status().code() == status_code::not_found);
  CHECK(none.status().message() == "http: no such file");
  for (const char* type : {"application/json", "multipart/form-data", "multipart/form-data; boundary=\"\"",
                           "multipart/mixed; boundary=XyZ", ""}) {
    INFO(type);
    auto r = form_part(type, form(part(R"(form-data; name="file")", "x")), "file");
    CHECK(r.status().code() == status_code::invalid_argument);
    CHECK(r.status().message() == "request Content-Type isn't multipart/form-data");
  }
  CHECK_FALSE(form_part("multipart/form-data; boundary=" + std::string(71, 'b'), "", "file").ok());
}

TEST_CASE("bodies that do not follow their boundary are malformed, never read past their end") {
  for (std::string body : {std::string("no boundary at all"),
                           std::string("--XyZ\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\ncut short"),
                           std::string("--XyZ\r\nContent-Disposition: form-data; name=\"file\""),
                           std::string("--XyZ\r\nno colon here\r\n\r\nx\r\n--XyZ--"),
                           std::string("--XyZjunk\r\n\r\nx\r\n--XyZ--"), std::string("--XyZ"),
                           std::string("--XyZ\r")}) {
    INFO(body);
    auto r = form_part(k_type, body, "file");
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == status_code::invalid_argument);
    CHECK_THAT(r.status().message(), Catch::StartsWith("malformed multipart body: "));
  }
  // A part without headers is a part without a name.
  CHECK(form_part(k_type, "--XyZ\r\n\r\nx\r\n--XyZ--", "file").status().code() == status_code::not_found);
}
