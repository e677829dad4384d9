// parse_ordered_json_within_depth (core/json_depth.h). In a file of its own: instantiated in
// json_depth.cc, nlohmann's ordered_json reader took GCC's inlining budget for that unit and
// made the json read of every request body 30% slower (1.35 -> 1.75 us for a create's body).
#include <cstddef>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/json_depth.h"
#include "core/json_sax_read.h"

namespace mainspring {
namespace {

// An ordered object with this many keys or more finds a key through an index of them; a smaller
// one looks through its keys, which is faster than building the index.
constexpr std::size_t k_keys_searched_in_line = 16;

// nlohmann's SAX events built into an ordered_json, stopping at the first array or object that
// opens a level deeper than `max_depth`. As nlohmann's own DOM builder, but that one adds each
// key to an ordered object by searching its keys one by one (quadratic in the keys), where this
// one keeps an index of a large object's keys.
class depth_limited_ordered_dom {
 public:
  using Json = nlohmann::ordered_json;
  using string_t = Json::string_t;
  using object_t = Json::object_t;
  using array_t = Json::array_t;

  depth_limited_ordered_dom(Json& root, std::size_t max_depth) : root_(root), max_depth_(max_depth) {}

  bool null() { return put(nullptr); }
  bool boolean(bool v) { return put(v); }
  bool number_integer(Json::number_integer_t v) { return put(v); }
  bool number_unsigned(Json::number_unsigned_t v) { return put(v); }
  bool number_float(Json::number_float_t v, const string_t&) { return put(v); }
  bool string(string_t& v) { return put(v); }
  bool binary(Json::binary_t& v) { return put(std::move(v)); }  // not in JSON text

  bool start_object(std::size_t) { return open(Json::value_t::object); }
  bool key(string_t& k) {
    member_ = &frames_.back().member(k);
    return true;
  }
  bool end_object() { return close(); }
  bool start_array(std::size_t) { return open(Json::value_t::array); }
  bool end_array() { return close(); }

  template <class Exception>
  bool parse_error(std::size_t, const std::string&, const Exception& e) {
    throw e;  // nlohmann's text, which the caller hands on as the reason
  }

  bool too_deep() const { return too_deep_; }

 private:
  // An array or object being read; for an ordered object with many keys, where each key stands
  // in its members.
  struct frame {
    Json* value;
    std::unordered_map<string_t, std::size_t> index{};

    // The member `k` of the object, added (null) unless there.
    Json& member(const string_t& k) {
      object_t& members = *value->get_ptr<object_t*>();
      if (members.size() < k_keys_searched_in_line) return members.emplace(k, Json()).first->second;
      // ordered_map is the vector of its members, which its own lookups search one by one.
      auto& in_order = static_cast<object_t::Container&>(members);
      if (index.empty())
        for (std::size_t i = 0; i < in_order.size(); ++i) index.emplace(in_order[i].first, i);
      auto [at, added] = index.try_emplace(k, in_order.size());
      if (added) in_order.emplace_back(k, Json());
      return in_order[at->second].second;
    }
  };

  // Adds `v` where the value read goes: the root, the open array's end, or the member whose key
  // was read last.
  template <class V>
  Json* add(V&& v) {
    if (frames_.empty()) {
      root_ = Json(std::forward<V>(v));
      return &root_;
    }
    Json& open = *frames_.back().value;
    if (open.is_array()) {
      array_t& items = *open.get_ptr<array_t*>();
      items.emplace_back(std::forward<V>(v));
      return &items.back();
    }
    *member_ = Json(std::forward<V>(v));
    return member_;
  }
  template <class V>
  bool put(V&& v) {
    add(std::forward<V>(v));
    return true;
  }

  bool open(Json::value_t type) {
    if (frames_.size() >= max_depth_) {
      too_deep_ = true;
      return false;
    }
    frames_.push_back(frame{add(type)});
    return true;
  }
  bool close() {
    frames_.pop_back();
    return true;
  }

  Json& root_;
  const std::size_t max_depth_;
  std::vector<frame> frames_;
  Json* member_ = nullptr;
  bool too_deep_ = false;
};

}  // namespace

nlohmann::ordered_json parse_ordered_json_within_depth(std::string_view text, bool ignore_comments, std::string* why,
                                                       std::size_t max_depth) {
  return json_sax_read::parse_with<nlohmann::ordered_json, depth_limited_ordered_dom>(text, ignore_comments, why, max_depth);
}

}  // namespace mainspring
