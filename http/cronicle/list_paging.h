// list_paging: which rows a Cronicle list call answers for its offset and limit, and the list
// header it answers with them, as Cronicle computes both.
//
// get_history and get_event_history page with pixl-server-storage's listGet, get_schedule with
// JavaScript's Array.prototype.slice over the whole schedule: the same offset and limit mean
// different pages in the two (a negative limit, an offset past the end), so each has its own.
//
// Example:
//   list_page p = list_get_page(120, list_param(params, "offset", 0), list_param(params, "limit", 50));
//   if (p.out_of_range) ... answer {"rows": [], "list": {"length": 0}}
//   for (int64_t i = p.from; i < p.to; ++i) ... row i
//   json header = unshifted_list_header(120);  // first_page -2, last_page 0
#pragma once

#include <cstdint>
#include <optional>

#include <nlohmann/json.hpp>

namespace mainspring::http::cronicle {

// Items per page of a Cronicle storage list (its default config's storage.list_page_size).
inline constexpr int64_t k_list_page_size = 50;

// The rows [from, to) of a list; out_of_range when Cronicle's listGet fails with "Index out of
// range", which its calls answer as an empty list of length 0.
struct list_page {
  int64_t from = 0, to = 0;
  bool out_of_range = false;
};

// parseInt(params[name] || fallback), as Cronicle's calls read offset and limit: a missing or
// falsy value (0, "", null, false) is the fallback; nullopt is NaN (a value with no leading
// digits).
std::optional<int64_t> list_param(const nlohmann::json& params, const char* name, int64_t fallback);

// listGet(key, offset, limit) over a list of `length` items laid out as listUnshift lays a list
// it alone fills (logs/completed, logs/events/<id>: the first page holds the newest 1-50 items,
// every later page 50). NaN is 0 (listGet's parseInt(x || 0)). Limit 0 is the whole list; a
// negative offset counts from the end (at most back to the first item); an offset at or past the
// end of a non-empty list is out of range. A negative limit reads on to the end of the page the
// offset falls in, as listGet's page walk does, and answers nothing when the offset is past the
// first page and fewer than 1 - limit items into its page.
list_page list_get_page(int64_t length, std::optional<int64_t> offset, std::optional<int64_t> limit);

// items.slice(offset, offset + limit), or items.slice(offset) when limit is 0 or NaN, over
// `length` items, as get_schedule pages the schedule: NaN as a bound is 0, a negative bound
// counts from the end, bounds are clamped to the list; never out of range.
list_page slice_page(int64_t length, std::optional<int64_t> offset, std::optional<int64_t> limit);

// The header Cronicle answers beside the rows, {page_size, first_page, last_page, length, type},
// of a list of `length` items that listUnshift filled (every Cronicle list these calls read: its
// first page moves down from 0 as pages fill). A list Cronicle never made (an event's history
// before its first job ends) answers {length: 0} alone: callers say which.
nlohmann::json unshifted_list_header(int64_t length);

}  // namespace mainspring::http::cronicle
