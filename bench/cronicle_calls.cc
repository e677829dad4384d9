#include "bench/cronicle_calls.h"

#include <chrono>

#include <nlohmann/json.hpp>

#include "bench/workload.h"

namespace mainspring::bench {

std::optional<std::string> bootstrap_api_key(const std::string& base_url, std::string* error) {
  load_client client(base_url);
  auto r = client.fetch({"POST", "/v1/apikeys/bootstrap", "{}"});
  auto body = nlohmann::json::parse(r.body, nullptr, false);
  if (r.ok() && body.is_object() && body.contains("success") && body["success"].contains("key"))
    return body["success"]["key"].get<std::string>();
  *error = "API key bootstrap: HTTP " + std::to_string(r.status) + " " + r.body.substr(0, 200) + r.error;
  return std::nullopt;
}

std::string cronicle_event_body(const job_batch& batch, std::size_t index) {
  // By hand, as add_job_body: ids, URLs and keys the bench makes need no escaping.
  const std::string id = job_id(batch, index);
  std::string body = R"({"id":")" + id + R"(","title":")" + id +
                     R"(","enabled":1,"category":"general","target":"allgrp","api_key":")" + batch.api_key + "\"";
  if (batch.request_url.rfind("HTTP@", 0) == 0)
    body += R"(,"plugin":"urlplug","params":{"method":"GET","url":")" + batch.request_url.substr(5) + R"(","timeout":"10"})";
  else
    body += R"(,"plugin":"testplug","params":{"duration":"0"})";
  if (batch.pattern != "@manually") {
    using namespace std::chrono;
    const auto hour = (duration_cast<hours>(system_clock::now().time_since_epoch()).count() + 12) % 24;
    body += R"(,"timing":{"hours":[)" + std::to_string(hour) + R"(],"minutes":[)" + std::to_string(index % 60) + "]}";
  }
  return body + "}";
}

std::string cronicle_run_body(const job_batch& batch, std::size_t index) {
  return R"({"id":")" + job_id(batch, index) + R"(","api_key":")" + batch.api_key + "\"}";
}

std::string cronicle_list_path(const std::string& api_key) {
  return "/api/app/get_schedule/v1?offset=0&limit=100&api_key=" + api_key;
}

bool cronicle_accepted(const http_result& r) { return r.ok() && r.body.rfind("{\"code\":0", 0) == 0; }

}  // namespace mainspring::bench
