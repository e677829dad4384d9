#include "core/json_depth.h"

#include "core/json_sax_read.h"

namespace mainspring {
namespace {

// nlohmann's DOM builder for json, stopping at the first array or object that opens a level
// deeper than `max_depth`.
class depth_limited_dom : public nlohmann::detail::json_sax_dom_parser<nlohmann::json> {
 public:
  depth_limited_dom(nlohmann::json& result, std::size_t max_depth)
      : json_sax_dom_parser(result, /*allow_exceptions_=*/true), max_depth_(max_depth) {}

  bool start_object(std::size_t elements) { return open() && json_sax_dom_parser::start_object(elements); }
  bool end_object() { return close() && json_sax_dom_parser::end_object(); }
  bool start_array(std::size_t elements) { return open() && json_sax_dom_parser::start_array(elements); }
  bool end_array() { return close() && json_sax_dom_parser::end_array(); }

  bool too_deep() const { return too_deep_; }

 private:
  bool open() {
    too_deep_ = ++depth_ > max_depth_;
    return !too_deep_;
  }
  bool close() {
    --depth_;
    return true;
  }

  const std::size_t max_depth_;
  std::size_t depth_ = 0;
  bool too_deep_ = false;
};

}  // namespace

nlohmann::json parse_json_within_depth(std::string_view text, bool ignore_comments, std::string* why) {
  return json_sax_read::parse_with<nlohmann::json, depth_limited_dom>(text, ignore_comments, why, k_max_json_depth);
}

}  // namespace mainspring
