#include "core/json_depth.h"

#include <exception>

namespace mainspring {
namespace {

using nlohmann::json;

// nlohmann's DOM builder, stopping at the first array or object that opens a level too deep.
class depth_limited_dom : public nlohmann::detail::json_sax_dom_parser<json> {
 public:
  explicit depth_limited_dom(json& result) : json_sax_dom_parser(result, /*allow_exceptions_=*/true) {}

  bool start_object(std::size_t elements) { return open() && json_sax_dom_parser::start_object(elements); }
  bool end_object() { return close() && json_sax_dom_parser::end_object(); }
  bool start_array(std::size_t elements) { return open() && json_sax_dom_parser::start_array(elements); }
  bool end_array() { return close() && json_sax_dom_parser::end_array(); }

  bool too_deep() const { return too_deep_; }

 private:
  bool open() {
    too_deep_ = ++depth_ > k_max_json_depth;
    return !too_deep_;
  }
  bool close() {
    --depth_;
    return true;
  }

  std::size_t depth_ = 0;
  bool too_deep_ = false;
};

}  // namespace

json parse_json_within_depth(std::string_view text, bool ignore_comments, std::string* why) {
  try {
    json value;
    depth_limited_dom dom(value);
    if (json::sax_parse(text.begin(), text.end(), &dom, json::input_format_t::json, /*strict=*/true, ignore_comments))
      return value;
    if (why && dom.too_deep()) *why = "nested deeper than " + std::to_string(k_max_json_depth) + " levels";
  } catch (const std::exception& e) {
    if (why) *why = e.what();
  }
  return json(json::value_t::discarded);
}

}  // namespace mainspring
