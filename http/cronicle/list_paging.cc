#include "http/cronicle/list_paging.h"

#include <algorithm>

#include "http/cronicle/js_values.h"

namespace mainspring::http::cronicle {

namespace {

// Items on the first page of an unshifted list of `length` > 0 items: the newest 1-50.
int64_t first_page_items(int64_t length) { return (length - 1) % k_list_page_size + 1; }

// A bound of Array.prototype.slice: NaN is 0, a negative one counts from the end, clamped.
int64_t slice_bound(int64_t length, std::optional<int64_t> at) {
  const int64_t n = at.value_or(0);
  return n < 0 ? std::max<int64_t>(0, length + n) : std::min(length, n);
}

}  // namespace

std::optional<int64_t> list_param(const nlohmann::json& params, const char* name, int64_t fallback) {
  auto it = params.find(name);
  if (it == params.end() || !js_truthy(*it)) return fallback;
  return js_parse_int(*it);
}

list_page list_get_page(int64_t length, std::optional<int64_t> offset, std::optional<int64_t> limit) {
  int64_t idx = offset.value_or(0), len = limit.value_or(0);
  if (len == 0) len = length;
  if (length && idx >= length) return {.out_of_range = true};
  if (idx < 0) idx = std::max<int64_t>(0, idx + length);
  if (len > 0) return {idx, idx + std::min(len, length - idx)};
  if (idx >= length) return {idx, idx};
  // A negative limit never counts down to 0, so listGet reads on to the end of the offset's page;
  // past the first page it reads that page only when its page walk's last page needed,
  // floor((into + limit - 1) / 50) pages on, is not before it.
  const int64_t first = first_page_items(length);
  if (idx < first) return {idx, first};
  const int64_t into = (idx - first) % k_list_page_size;
  if (into + len - 1 < 0) return {idx, idx};
  return {idx, std::min(length, idx - into + k_list_page_size)};
}

list_page slice_page(int64_t length, std::optional<int64_t> offset, std::optional<int64_t> limit) {
  const int64_t from = slice_bound(length, offset);
  if (!limit || *limit == 0) return {from, length};
  // offset + limit, NaN when the offset is.
  const std::optional<int64_t> end = offset ? std::optional<int64_t>(*offset + *limit) : std::nullopt;
  return {from, std::max(from, slice_bound(length, end))};
}

nlohmann::json unshifted_list_header(int64_t length) {
  const int64_t pages = length ? (length - 1) / k_list_page_size + 1 : 1;
  return {{"page_size", k_list_page_size}, {"first_page", 1 - pages}, {"last_page", 0},
          {"length", length},             {"type", "list"}};
}

}  // namespace mainspring::http::cronicle
