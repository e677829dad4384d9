// Fuzzes what a Cronicle shellplug script prints and reports (core/progress_lines.h) and the HTML
// cleaning of its `html` report (core/html_sanitizer.h): a script's stdout and its HTML are
// whatever the script's author (or an attacker feeding it) wrote.
//
// Input: the first byte picks the mode. Even: the rest is an HTML fragment to clean. Odd: the
// rest is a script's stdout in JSON mode, read in pieces of (first byte >> 1) + 1 bytes.
//
// Properties:
//  - nothing crashes, leaks or reads out of bounds;
//  - cleaned HTML has only allowed tags and attributes, every '<' opening one of them, every
//    attribute value quoted (text and values escaped: nothing else can open a tag);
//  - a run's reported fields are "" or a JSON object of at most k_max_reported_fields_bytes, whose
//    html content (when a string) is clean HTML as above.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/html_sanitizer.h"
#include "core/progress_lines.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

bool one_of(std::string_view name, std::initializer_list<std::string_view> names) {
  for (std::string_view n : names)
    if (n == name) return true;
  return false;
}

bool is_name_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// Checks that `html` is what sanitize_html writes: <tag attr="value" ...> and </tag> of the
// allowed tags and attributes, text with no '<' of its own, values with no '"' of their own.
void check_clean(std::string_view html) {
  std::size_t at = 0;
  while ((at = html.find('<', at)) != std::string_view::npos) {
    ++at;
    const bool closing = at < html.size() && html[at] == '/';
    if (closing) ++at;
    std::size_t end = at;
    while (end < html.size() && is_name_char(html[end])) ++end;
    const std::string_view tag = html.substr(at, end - at);
    FUZZ_CHECK(one_of(tag, {"address", "article", "aside", "footer", "header", "h1", "h2", "h3", "h4", "h5", "h6",
                            "hgroup", "main", "nav", "section", "blockquote", "dd", "div", "dl", "dt",
                            "figcaption", "figure", "hr", "li", "ol", "p", "pre", "ul", "a", "abbr", "b", "bdi",
                            "bdo", "br", "cite", "code", "data", "dfn", "em", "i", "kbd", "mark", "q", "rb", "rp",
                            "rt", "rtc", "ruby", "s", "samp", "small", "span", "strong", "sub", "sup", "time",
                            "u", "var", "wbr", "caption", "col", "colgroup", "table", "tbody", "td", "tfoot",
                            "th", "thead", "tr"}));
    at = end;
    while (!closing && at < html.size() && html[at] == ' ') {  // attributes: name="value"
      ++at;
      end = at;
      while (end < html.size() && is_name_char(html[end])) ++end;
      FUZZ_CHECK(one_of(html.substr(at, end - at), {"style", "href", "target", "class"}));
      FUZZ_CHECK(html.substr(end, 2) == "=\"");
      const std::size_t close = html.find('"', end + 2);
      FUZZ_CHECK(close != std::string_view::npos);
      FUZZ_CHECK(html.substr(end + 2, close - end - 2).find('<') == std::string_view::npos);
      at = close + 1;
    }
    FUZZ_CHECK(at < html.size() && html[at] == '>');
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  using namespace mainspring;
  if (size == 0) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  if ((data[0] & 1) == 0) {
    check_clean(sanitize_html(input));
    return 0;
  }
  const std::size_t piece = (data[0] >> 1) + 1;
  progress_lines lines(/*json=*/true);
  stdout_report report;
  std::string output;
  for (std::size_t at = 0; at < input.size(); at += piece) lines.add(input.substr(at, piece), output, report);
  lines.finish(output, report);
  for (bool succeeded : {false, true}) {
    const std::string reported = reported_fields(report, succeeded);
    if (reported.empty()) continue;
    // The fields, then a success's description or a code, each at most a report line.
    FUZZ_CHECK(reported.size() <= k_max_reported_fields_bytes + 2 * k_max_held_json_line_bytes);
    const nlohmann::json fields = nlohmann::json::parse(reported, nullptr, false);
    FUZZ_CHECK(fields.is_object());
    if (auto html = fields.find("html"); html != fields.end() && html->is_object())
      if (auto content = html->find("content"); content != html->end() && content->is_string())
        check_clean(content->get<std::string>());
  }
  return 0;
}
