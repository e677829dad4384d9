// html_sanitizer: keeps of an HTML fragment only the tags and attributes that cannot run script,
// as Cronicle cleans the `html` report a job sends (lib/job.js, sanitize-html with its
// allowlist) before anyone's browser shows it.
//
// The fragment is parsed by libxml2's HTML parser (which mends unclosed and misnested tags as a
// browser does), then written back with:
//   - the allowed tags (headings, sections, lists, tables, inline text tags, <pre>, <code>, ...:
//     Cronicle's list) and, on them, only `style` and, on <a>, `href` and `target`, on <div>,
//     <pre> and <code>, `class`; an `href` whose scheme is not http, https, ftp, mailto or tel
//     (javascript:, data:, ...) is dropped, a relative one kept;
//   - any other tag removed with its text kept, except script, style, textarea, option and
//     noscript, whose text goes with them (sanitize-html's defaults);
//   - comments and processing instructions removed; text and attribute values escaped again.
//
// Example:
//   sanitize_html("<b onclick=\"x()\">hi</b><script>alert(1)</script><a href=\"javascript:x\">a</a>");
//   // "<b>hi</b><a>a</a>"
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace mainspring {

// The longest fragment cleaned; longer input is cut there first (a report line is at most 64 KiB).
inline constexpr std::size_t k_max_sanitized_html_bytes = 256 * 1024;

// `html` with only the allowed tags and attributes left (see above). Input that is not UTF-8 has
// its bad bytes replaced; never throws.
std::string sanitize_html(std::string_view html);

}  // namespace mainspring
