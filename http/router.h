// router: maps a method and a path onto a handler, capturing "{name}" path segments.
//
// Each dialect registers its routes; the server asks the router for every request. A path that
// no route knows is a 404; a known path with another method is a 405 with an Allow header.
// Where two patterns match, the one with more literal segments wins ("/v1/group/list" beats
// "/v1/{group}/list"). A pattern's last segment "{name...}" takes the rest of the path, slashes
// and empty segments included, as a regex route's "(.*)" does (tornado's, ndscheduler's
// "/api/v1/jobs/(.*)"): "/api/v1/jobs/{job_id...}" gives job_id "a/b" for "/api/v1/jobs/a/b" and
// "" for "/api/v1/jobs/". A GET route answers HEAD too, unless head_served_by_get says otherwise
// for the path (gin and gorilla/mux answer HEAD only where a HEAD route is).
//
// Example:
//   router r;
//   r.add("GET", "/v1/{group}/job/list", [](http_request& req, responder reply) {
//     list_jobs(req.param("group"), reply);
//   });
//   auto m = r.match(req);   // m.handler != nullptr, req.params["group"] set
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/http_message.h"
#include "http/responder.h"

namespace mainspring::http {

using request_handler = std::function<void(http_request&, responder)>;

struct route_match {
  const request_handler* handler = nullptr;  // null: no route
  std::string route;                         // the matched pattern (a metrics label), or ""
  std::string allow;                         // for a 405: the methods the path accepts
};

class router {
 public:
  // Registers `pattern` for `method`. REQUIRES: pattern starts with '/'.
  void add(std::string method, std::string_view pattern, request_handler handler);

  // Finds the handler for `request` and fills request.params. On no match, handler is null and
  // `allow` is empty (404) or lists the accepted methods (405).
  route_match match(http_request& request) const;

  // Where a GET route also answers HEAD: the (decoded) paths `served` is true for. Empty, as
  // before the first call: everywhere.
  void head_served_by_get(std::function<bool(std::string_view path)> served) { head_by_get_ = std::move(served); }

 private:
  struct route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;  // "{name}" marks a parameter
    int literal_count = 0;
    bool takes_rest = false;  // the last segment is "{name...}"
    request_handler handler;
  };

  // -- member variables --
  std::vector<route> routes_;
  std::function<bool(std::string_view path)> head_by_get_;  // see head_served_by_get
};

// Splits "/a/b/" into {"a", "b", ""}: a trailing slash is a segment of its own.
std::vector<std::string_view> split_path(std::string_view path);

// What a listener does with a path that has no route but would with its trailing slash added or
// removed (dispatch_options, dialect).
enum class slash_redirect {
  none,     // 404 / 405 as for any other path
  gin,      // gin's RedirectTrailingSlash (Dkron): to the twin with or without it, GET 301, others 307
};

// An answer a listener gives a request before routing it (its original framework's own, such as
// a redirect to a canonical path), or nullopt to route it (dispatch_options, dialect).
using early_answer_fn = std::function<std::optional<http_response>(const http_request&)>;

// An answer a listener gives a request no route takes, once no slash_redirect applies, in place of
// its 404 / 405 with Allow (its original framework's own answers: gin's "404 page not found" for
// any method, as its HandleMethodNotAllowed is off; gorilla/mux's bodiless 405 without Allow;
// Express's 404 page and OPTIONS reply for cloudtask-web), or nullopt for those (dispatch_options,
// dialect). `allow` lists the methods the path's routes take, as
// route_match gives them ("" when none).
using unrouted_answer_fn = std::function<std::optional<http_response>(const http_request&, std::string_view allow)>;

}  // namespace mainspring::http
