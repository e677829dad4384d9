#include "core/html_sanitizer.h"

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <mutex>

#include "core/utf8.h"

namespace mainspring {
namespace {

// Cronicle's allowedTags (lib/job.js).
constexpr std::string_view k_allowed_tags[] = {
    "address", "article", "aside", "footer", "header", "h1", "h2", "h3", "h4", "h5", "h6", "hgroup",
    "main", "nav", "section", "blockquote", "dd", "div", "dl", "dt", "figcaption", "figure", "hr",
    "li", "ol", "p", "pre", "ul", "a", "abbr", "b", "bdi", "bdo", "br", "cite", "code", "data",
    "dfn", "em", "i", "kbd", "mark", "q", "rb", "rp", "rt", "rtc", "ruby", "s", "samp", "small",
    "span", "strong", "sub", "sup", "time", "u", "var", "wbr", "caption", "col", "colgroup",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr"};
// sanitize-html's nonTextTags: removed with everything inside them.
constexpr std::string_view k_dropped_with_text[] = {"script", "style", "textarea", "option", "noscript"};
// Written without an end tag.
constexpr std::string_view k_void_tags[] = {"br", "hr", "wbr", "col"};
// sanitize-html's allowedSchemes.
constexpr std::string_view k_allowed_schemes[] = {"http", "https", "ftp", "mailto", "tel"};

template <std::size_t N>
bool listed(const std::string_view (&list)[N], std::string_view name) {
  return !name.empty() && std::find(list, list + N, name) != list + N;
}

std::string_view name_of(const xmlChar* name) {
  return name == nullptr ? std::string_view() : std::string_view(reinterpret_cast<const char*>(name));
}

bool attribute_allowed(std::string_view tag, std::string_view attribute) {
  if (attribute == "style") return true;
  if (tag == "a") return attribute == "href" || attribute == "target";
  if (tag == "div" || tag == "pre" || tag == "code") return attribute == "class";
  return false;
}

// sanitize-html's naughtyHref: control characters and blanks are ignored; a scheme (letters,
// digits, '+', '-', '.' before ':') must be an allowed one; "//host" and relative URLs pass.
bool href_allowed(std::string_view href) {
  std::string plain;
  for (char c : href)
    if (static_cast<unsigned char>(c) > 0x20) plain += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (plain.empty() || plain.front() == '/' || plain.front() == '#' || plain.front() == '?') return true;
  std::size_t at = 0;
  if (!std::isalpha(static_cast<unsigned char>(plain[0]))) return true;
  while (at < plain.size() && (std::isalnum(static_cast<unsigned char>(plain[at])) || plain[at] == '+' ||
                               plain[at] == '-' || plain[at] == '.'))
    ++at;
  if (at == plain.size() || plain[at] != ':') return true;  // no scheme: relative
  return listed(k_allowed_schemes, std::string_view(plain).substr(0, at));
}

void escape_into(std::string& out, std::string_view text, bool in_attribute) {
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"':
        if (in_attribute) {
          out += "&quot;";
          break;
        }
        [[fallthrough]];
      default: out += c;
    }
  }
}

void write_children(const xmlNode* node, std::string& out);

void write_element(const xmlNode* node, std::string& out) {
  const std::string_view tag = name_of(node->name);
  if (listed(k_dropped_with_text, tag)) return;
  if (!listed(k_allowed_tags, tag)) return write_children(node, out);  // the tag goes, its text stays
  out += '<';
  out += tag;
  for (const xmlAttr* a = node->properties; a != nullptr; a = a->next) {
    const std::string_view attribute = name_of(a->name);
    if (!attribute_allowed(tag, attribute)) continue;
    xmlChar* value = xmlNodeListGetString(node->doc, a->children, 1);
    const std::string_view text = name_of(value);
    if (attribute != "href" || href_allowed(text)) {
      out += ' ';
      out += attribute;
      out += "=\"";
      escape_into(out, text, true);
      out += '"';
    }
    xmlFree(value);
  }
  out += '>';
  if (listed(k_void_tags, tag)) return;
  write_children(node, out);
  out += "</";
  out += tag;
  out += '>';
}

void write_children(const xmlNode* node, std::string& out) {
  for (const xmlNode* child = node->children; child != nullptr; child = child->next) {
    if (child->type == XML_ELEMENT_NODE) write_element(child, out);
    else if (child->type == XML_TEXT_NODE || child->type == XML_CDATA_SECTION_NODE)
      escape_into(out, name_of(child->content), false);
    // comments, processing instructions, entities left unresolved: dropped
  }
}

}  // namespace

std::string sanitize_html(std::string_view html) {
  static std::once_flag init;
  std::call_once(init, [] { xmlInitParser(); });  // libxml2 is thread-safe once initialised
  // libxml2 is given valid UTF-8 and a size it can hold as an int.
  // Opened in <body>: text before any tag would otherwise get an implied <p> around it.
  const std::string input = "<body>" + utf8_prefix(html, k_max_sanitized_html_bytes);
  htmlDocPtr doc = htmlReadMemory(input.data(), static_cast<int>(input.size()), nullptr, "UTF-8",
                                  HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
  if (doc == nullptr) return {};
  std::string out;
  write_children(reinterpret_cast<const xmlNode*>(doc), out);
  xmlFreeDoc(doc);
  return out;
}

}  // namespace mainspring
