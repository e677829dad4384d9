#include "http/multipart_form.h"

#include <algorithm>
#include <optional>

#include "http/header_text.h"

namespace mainspring::http {

namespace {

// RFC 2046 5.1.1: a boundary is 1 to 70 characters.
constexpr std::size_t k_max_boundary_bytes = 70;

// The parameter `key` of a header value such as `form-data; name="file"; filename="a.json"`
// (the part before the first ';' is skipped); quoted values lose their quotes and escapes.
std::optional<std::string> parameter(std::string_view value, std::string_view key) {
  std::size_t i = value.find(';');
  while (i != std::string_view::npos && i < value.size()) {
    std::string_view rest = trim_blanks(value.substr(i + 1));
    std::size_t eq = rest.find('=');
    if (eq == std::string_view::npos) return std::nullopt;
    std::string name = ascii_lowercase(trim_blanks(rest.substr(0, eq)));
    std::string_view v = trim_blanks(rest.substr(eq + 1));
    std::string text;
    std::size_t used = 0;  // bytes of `v` this parameter takes
    if (!v.empty() && v.front() == '"') {
      std::size_t j = 1;
      for (; j < v.size() && v[j] != '"'; ++j) {
        if (v[j] == '\\' && j + 1 < v.size()) ++j;
        text.push_back(v[j]);
      }
      used = j + 1;
    } else {
      used = std::min(v.find(';'), v.size());
      text = std::string(trim_blanks(v.substr(0, used)));
    }
    if (name == key) return text;
    std::size_t next = v.find(';', std::min(used, v.size()));
    if (next == std::string_view::npos) return std::nullopt;
    i = static_cast<std::size_t>(v.data() + next - value.data());
  }
  return std::nullopt;
}

status malformed(std::string why) { return status::invalid_argument("malformed multipart body: " + why); }

}  // namespace

status_or<form_part_data> form_part(std::string_view content_type, std::string_view body,
                                    std::string_view name) {
  const status not_multipart = status::invalid_argument("request Content-Type isn't multipart/form-data");
  if (ascii_lowercase(trim_blanks(content_type.substr(0, content_type.find(';')))) != "multipart/form-data")
    return not_multipart;
  auto boundary = parameter(content_type, "boundary");
  if (!boundary || boundary->empty() || boundary->size() > k_max_boundary_bytes) return not_multipart;

  const std::string delimiter = "--" + *boundary;
  const std::string next_delimiter = "\r\n" + delimiter;
  // The first delimiter opens the body, or follows a preamble (which is ignored) and its CRLF.
  std::size_t pos = 0;
  if (body.substr(0, delimiter.size()) == delimiter) {
    pos = delimiter.size();
  } else {
    std::size_t at = body.find(next_delimiter);
    if (at == std::string_view::npos) return malformed("no boundary \"" + *boundary + "\" in it");
    pos = at + next_delimiter.size();
  }
  for (;;) {
    if (body.substr(pos, 2) == "--") return status::not_found("http: no such file");  // the close
    while (pos < body.size() && (body[pos] == ' ' || body[pos] == '\t')) ++pos;      // padding
    if (body.substr(pos, 2) != "\r\n") return malformed("a boundary line does not end with CRLF");
    pos += 2;
    // The part's headers, up to a blank line (none at all: the blank line comes first).
    std::optional<std::string> part_name, filename;
    while (body.substr(pos, 2) != "\r\n") {
      std::size_t end = body.find("\r\n", pos);
      if (end == std::string_view::npos) return malformed("a part's headers do not end");
      std::string_view line = body.substr(pos, end - pos);
      std::size_t colon = line.find(':');
      if (colon == std::string_view::npos) return malformed("a part's header line has no colon");
      if (ascii_lowercase(trim_blanks(line.substr(0, colon))) == "content-disposition") {
        std::string_view value = trim_blanks(line.substr(colon + 1));
        if (ascii_lowercase(trim_blanks(value.substr(0, value.find(';')))) == "form-data") {
          part_name = parameter(value, "name");
          filename = parameter(value, "filename");
        }
      }
      pos = end + 2;
    }
    pos += 2;
    std::size_t end = body.find(next_delimiter, pos);
    if (end == std::string_view::npos) return malformed("the body ends before its closing boundary");
    if (part_name && *part_name == name)
      return form_part_data{filename.value_or(""), std::string(body.substr(pos, end - pos))};
    pos = end + next_delimiter.size();
  }
}

}  // namespace mainspring::http
