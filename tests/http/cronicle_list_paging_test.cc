// The Cronicle dialect's list paging: listGet's pages (get_history, get_event_history) checked
// against a line-by-line port of pixl-server-storage's listGet over real pages, and
// get_schedule's Array.prototype.slice.
#include "http/cronicle/list_paging.h"

#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace mainspring::http::cronicle;
using nlohmann::json;

namespace {

// A list of `length` items 0..length-1 as listUnshift builds it by unshifting length-1 down to
// 0: pages of k_list_page_size, the first one (the newest items) holding what is left over.
struct unshifted_list {
  std::vector<std::vector<int64_t>> pages;  // pages[0] is first_page
  int64_t length = 0;
  explicit unshifted_list(int64_t n) : length(n) {
    pages.emplace_back();
    for (int64_t item = n - 1; item >= 0; --item) {
      if (static_cast<int64_t>(pages.front().size()) >= k_list_page_size) pages.insert(pages.begin(), std::vector<int64_t>{});
      pages.front().insert(pages.front().begin(), item);
    }
  }
};

// pixl-server-storage's listGet (list.js), statement by statement, after its parseInt(x || 0);
// nullopt for its "Index out of range" error.
std::optional<std::vector<int64_t>> oracle(const unshifted_list& list, int64_t idx, int64_t len) {
  std::vector<int64_t> items;
  const auto& page = list.pages.front();
  if (!len) len = list.length;
  if (list.length && idx >= list.length) return std::nullopt;
  if (idx < 0) idx += list.length;
  if (idx < 0) idx = 0;
  if (idx + len > list.length) len = list.length - idx;
  while (idx < static_cast<int64_t>(page.size())) {
    items.push_back(page[idx++]);
    len--;
    if (!len) break;
  }
  if (!len || idx >= list.length) return items;
  const int64_t num_fp_items = static_cast<int64_t>(page.size()), chunk = k_list_page_size;
  auto floor_div = [](int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); };
  // Page numbers relative to first_page.
  const int64_t first_needed = 1 + floor_div(idx - num_fp_items, chunk);
  const int64_t last_needed = 1 + floor_div(idx - num_fp_items + len - 1, chunk);
  for (int64_t page_idx = first_needed; page_idx <= last_needed; ++page_idx) {
    if (page_idx < 0 || page_idx >= static_cast<int64_t>(list.pages.size())) break;  // no such page: an error
    const auto& p = list.pages[page_idx];
    const int64_t page_start_idx = num_fp_items + (page_idx - 1) * chunk;
    int64_t local_idx = idx - page_start_idx;
    while (local_idx >= 0 && local_idx < static_cast<int64_t>(p.size())) {
      items.push_back(p[local_idx++]);
      idx++;
      len--;
      if (!len) break;
    }
    if (!len) page_idx = last_needed;
  }
  return items;
}

std::vector<int64_t> rows(const list_page& p) {
  std::vector<int64_t> out;
  for (int64_t i = p.from; i < p.to; ++i) out.push_back(i);
  return out;
}

}  // namespace

TEST_CASE("cronicle: listGet pages match pixl-server-storage's listGet for every offset and limit") {
  for (int64_t length : {0, 1, 2, 7, 49, 50, 51, 99, 100, 101, 120, 173}) {
    unshifted_list list(length);
    for (int64_t offset = -length - 3; offset <= length + 3; ++offset)
      for (int64_t limit = -60; limit <= length + 3; ++limit) {
        INFO("length " << length << " offset " << offset << " limit " << limit);
        const list_page page = list_get_page(length, offset, limit);
        const auto expected = oracle(list, offset, limit);
        REQUIRE(page.out_of_range == !expected.has_value());
        if (expected) REQUIRE(rows(page) == *expected);
      }
  }
}

TEST_CASE("cronicle: a negative offset counts from the end of the list, limit 0 is all of it") {
  CHECK(rows(list_get_page(10, -3, 50)) == std::vector<int64_t>{7, 8, 9});
  CHECK(rows(list_get_page(10, -30, 2)) == std::vector<int64_t>{0, 1});
  CHECK(rows(list_get_page(10, 8, 0)) == std::vector<int64_t>{8, 9});
  CHECK(list_get_page(10, 10, 5).out_of_range);
  CHECK_FALSE(list_get_page(0, 10, 5).out_of_range);  // an empty list is never out of range
  CHECK(rows(list_get_page(10, std::nullopt, std::nullopt)).size() == 10);  // NaN is 0: all
  // A negative limit reads to the end of the offset's page: 120 items lie as 20, 50, 50.
  CHECK(rows(list_get_page(120, 5, -1)).size() == 15);
  CHECK(rows(list_get_page(120, 30, -1)) == rows({30, 70}));
  CHECK(rows(list_get_page(120, 21, -1)).empty());  // one item into its page: too few for -1
}

TEST_CASE("cronicle: offset and limit are read as parseInt(x || fallback)") {
  const json params = {{"zero", 0}, {"text_zero", "0"}, {"empty", ""}, {"word", "abc"}, {"neg", "-5"},
                       {"num", 12.9}, {"lead", "  7 rows"}};
  CHECK(list_param(params, "missing", 50) == 50);
  CHECK(list_param(params, "zero", 50) == 50);  // a falsy 0 takes the default
  CHECK(list_param(params, "text_zero", 50) == 0);
  CHECK(list_param(params, "empty", 50) == 50);
  CHECK(list_param(params, "word", 50) == std::nullopt);
  CHECK(list_param(params, "neg", 0) == -5);
  CHECK(list_param(params, "num", 0) == 12);
  CHECK(list_param(params, "lead", 0) == 7);
}

TEST_CASE("cronicle: get_schedule's page is Array.prototype.slice") {
  CHECK(rows(slice_page(10, 2, 3)) == std::vector<int64_t>{2, 3, 4});
  CHECK(rows(slice_page(10, -2, 50)) == std::vector<int64_t>{8, 9});  // slice(-2, 48)
  CHECK(rows(slice_page(100, -2, 50)).empty());  // slice(-2, 48): the end is before the start
  CHECK(rows(slice_page(10, -2, 0)) == std::vector<int64_t>{8, 9});
  CHECK(rows(slice_page(100, -60, 50)) == rows({40, 90}));  // slice(-60, -10)
  CHECK(rows(slice_page(10, 0, -2)).size() == 8);  // slice(0, -2)
  CHECK(rows(slice_page(10, 12, 5)).empty());
  CHECK(rows(slice_page(10, std::nullopt, 5)).empty());  // slice(NaN, NaN)
  CHECK(rows(slice_page(10, std::nullopt, std::nullopt)).size() == 10);  // slice(NaN)
  CHECK(rows(slice_page(10, 3, std::nullopt)).size() == 7);  // a NaN limit is falsy: slice(3)
}

TEST_CASE("cronicle: the list header is an unshifted list's") {
  CHECK(unshifted_list_header(0) == json{{"page_size", 50}, {"first_page", 0}, {"last_page", 0}, {"length", 0}, {"type", "list"}});
  CHECK(unshifted_list_header(50)["first_page"] == 0);
  CHECK(unshifted_list_header(51)["first_page"] == -1);
  CHECK(unshifted_list_header(120)["first_page"] == -2);
  unshifted_list list(120);  // the oracle's own pages lie as the header says
  CHECK(list.pages.size() == 3);
  CHECK(list.pages.front().size() == 20);
}
