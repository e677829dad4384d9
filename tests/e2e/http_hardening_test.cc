// Hostile HTTP input against the real server: malformed requests are refused with a 400 that
// changes nothing, and what a connection may cost is bounded (head deadline, idle timeout,
// connection cap). Durations here are upper bounds for "eventually", never measurements.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/e2e/http_client.h"
#include "tests/e2e/server_process.h"

using namespace mainspring::e2e;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

// The answer to `request` sent alone on a new connection.
std::optional<raw_connection::response> send_raw(uint16_t port, const std::string& request) {
  raw_connection c(port);
  c.send(request);
  return c.read_response(5s);
}

json groups(http_client& client) { return client.get("/v1/group/list").json()["success"]; }

// A new connection that the server serves (a GET answered 200): right after a connection
// closes, the server may still count it for a moment.
std::unique_ptr<raw_connection> served_connection(uint16_t port) {
  for (int attempt = 0; attempt < 100; ++attempt) {
    auto c = std::make_unique<raw_connection>(port);
    c->send("GET /version HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    auto r = c->read_response(5s);
    if (r && r->status == 200) return c;
    std::this_thread::sleep_for(100ms);
  }
  return nullptr;
}

}  // namespace

TEST_CASE("a truncated JSON body is a 400 that registers and removes nothing") {
  server_process server;
  http_client client(server.base_url());
  const std::string truncated = R"({"group_name": "x", "name": "y)";
  auto registered = client.post_json("/v1/register/group", truncated);
  CHECK(registered.status == 400);
  CHECK(groups(client) == json::array());

  REQUIRE(client.post_json("/v1/register/group", R"({"group_name": "x"})").status == 200);
  auto removed = client.post_json("/v1/remove/group", truncated);
  CHECK(removed.status == 400);
  CHECK(groups(client) == json{"x"});
}

TEST_CASE("malformed request heads are a 400 and the server keeps serving") {
  server_process server;
  using namespace std::string_literals;
  SECTION("a NUL byte in a header value") {
    auto r = send_raw(server.port(), "GET /v1/group/list HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A: a\0b\r\n\r\n"s);
    REQUIRE(r);
    CHECK(r->status == 400);
  }
  SECTION("a request target without a leading slash") {
    auto r = send_raw(server.port(), "GET v1/group/list HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    REQUIRE(r);
    CHECK(r->status == 400);
  }
  SECTION("an HTTP/1.1 request without Host") {
    auto r = send_raw(server.port(), "GET /v1/group/list HTTP/1.1\r\nAccept: */*\r\n\r\n");
    REQUIRE(r);
    CHECK(r->status == 400);
  }
  SECTION("a bare CR inside a header") {
    auto r = send_raw(server.port(), "GET /v1/group/list HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A: a\rb\r\n\r\n");
    REQUIRE(r);
    CHECK(r->status == 400);
  }
  http_client client(server.base_url());
  CHECK(client.get("/health").status == 200);
}

TEST_CASE("%2F in a path parameter does not split the segment") {
  server_process server;
  http_client client(server.base_url());
  // "/v1/a%2Fb/job/list" is group "a/b" (not a valid name: 400), not a 4-segment path (404).
  auto r = client.get("/v1/a%2Fb/job/list");
  CHECK(r.status == 400);
  // A path no route takes is named as sent: decoded, "/v1/YM55/job/list" would look routable.
  auto unrouted = client.get("/v1/YM55%2Fjob/list");
  CHECK(unrouted.status == 404);
  CHECK(json::parse(unrouted.body) == json{{"error", "no route for GET /v1/YM55%2Fjob/list"}});
}

TEST_CASE("the server's own refusals carry the dialect's headers: Dkron's X-Whom on a 413") {
  uint16_t dkron_port = pick_free_port();
  server_process server({"--dkron-listen", "127.0.0.1:" + std::to_string(dkron_port)});
  http_client dkron("http://127.0.0.1:" + std::to_string(dkron_port));
  auto routed = dkron.get("/v1/jobs");
  REQUIRE(routed.status == 200);
  REQUIRE_FALSE(routed.header("x-whom").empty());
  auto huge = dkron.request("POST", "/v1/jobs", std::string(2 * 1024 * 1024, 'x'), "application/json");
  CHECK(huge.status == 413);
  CHECK(huge.header("x-whom") == routed.header("x-whom"));
}

TEST_CASE("a connection that does not finish its request head in time is closed") {
  server_process server({"--request-head-timeout-s", "1"});
  SECTION("a head that stops halfway") {
    raw_connection c(server.port());
    c.send("GET /version HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    CHECK(c.closed_by_peer(15s));
  }
  SECTION("a head trickled one header at a time") {
    raw_connection c(server.port());
    c.send("GET /version HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    bool closed = false;
    for (int i = 0; i < 60 && !closed; ++i) {
      try {
        c.send("X-Slow: " + std::to_string(i) + "\r\n");
      } catch (const std::runtime_error&) {
        closed = true;  // the server shut the socket: the send fails
        break;
      }
      closed = c.closed_by_peer(250ms);
    }
    CHECK(closed);
  }
  SECTION("a connection that sends nothing") {
    raw_connection c(server.port());
    CHECK(c.closed_by_peer(15s));
  }
  http_client client(server.base_url());
  CHECK(client.get("/health").status == 200);
}

TEST_CASE("a keep-alive connection idle past the idle timeout is closed") {
  server_process server({"--idle-timeout-s", "1"});
  raw_connection c(server.port());
  c.send("GET /version HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  auto r = c.read_response(5s);
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(c.closed_by_peer(15s));
}

TEST_CASE("connections over the cap are answered 503 with Connection: close and then closed") {
  server_process server({"--max-connections", "2"});
  auto first = served_connection(server.port());
  auto second = served_connection(server.port());
  REQUIRE(first);
  REQUIRE(second);

  raw_connection third(server.port());
  auto refused = third.read_response(5s);
  REQUIRE(refused);
  CHECK(refused->status == 503);
  CHECK(refused->headers["connection"] == "close");
  CHECK(third.closed_by_peer(10s));

  // A slot frees when a connection closes.
  first.reset();
  auto again = served_connection(server.port());
  CHECK(again);
}

// Regression: a Connection: close answer sent from an actor thread, whose write the reactor
// finished before the shutdown continuation was attached, ran that continuation inline under
// the connection's lock: the connection deadlocked, then the reactor (Python's urllib sends
// Connection: close with every request).
TEST_CASE("many Connection: close requests answered by actors are each answered and the server stays up") {
  server_process server;
  for (int i = 0; i < 500; ++i) {
    http_client c(server.base_url());
    auto r = c.request("GET", "/v1/group/list", std::nullopt, "", {"Connection: close"});
    INFO("request " << i << ": " << r.error);
    REQUIRE(r.status == 200);
  }
  http_client c(server.base_url());
  CHECK(c.get("/version").status == 200);
}

TEST_CASE("a JSON body nested past the depth limit is a 400 in each dialect's shape and the server keeps serving") {
  const uint16_t dkron_port = pick_free_port(), ct_port = pick_free_port(), node_port = pick_free_port();
  server_process server{{"--dkron-listen", "127.0.0.1:" + std::to_string(dkron_port), "--cloudtask-listen",
                         "127.0.0.1:" + std::to_string(ct_port), "--node-listen", "127.0.0.1:" + std::to_string(node_port)}};
  http_client native(server.base_url());
  http_client dkron("http://127.0.0.1:" + std::to_string(dkron_port));
  http_client cloudtask("http://127.0.0.1:" + std::to_string(ct_port));
  auto nested = [](std::size_t levels) { return std::string(levels, '[') + std::string(levels, ']'); };

  // Cloudtask's web answers a runtime added with the body as posted: 2,500 levels overflowed the
  // stack copying and writing it; a 1 MiB body holds 500,000.
  for (std::size_t levels : {std::size_t{2'500}, std::size_t{400'000}}) {
    INFO(levels << " levels");
    auto added = cloudtask.post_json("/api/location/add", R"({"location":"deep","x":)" + nested(levels) + "}");
    CHECK(added.status == 400);
    CHECK(added.json()["code"] == -1000);
    CHECK(added.json()["data"]["error"] == "malformed JSON body: nested deeper than 512 levels");
    // Go reads up to 10,000 levels: Dkron's job body and restore file.
    auto job = dkron.post_json("/v1/jobs", R"({"name":"deep","schedule":"@manually","x":)" + nested(9'999) + "}");
    CHECK(job.status == 400);
    CHECK(job.body == "Unable to parse payload: malformed JSON body: nested deeper than 512 levels.");
    const std::string file = R"([{"name":"deep","schedule":"@manually","x":)" + nested(levels) + "}]";
    auto restored = dkron.request("POST", "/v1/restore",
                                  "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"j.json\"\r\n\r\n" + file +
                                      "\r\n--b--\r\n",
                                  "multipart/form-data; boundary=b");
    CHECK(restored.status == 400);
    auto native_job = native.post_json("/v1/add/job", R"({"group_name":"g","name":"j","x":)" + nested(levels) + "}");
    CHECK(native_job.status == 400);
    CHECK(native_job.json()["error"] == "malformed JSON body: nested deeper than 512 levels");
  }
  REQUIRE(server.running());
  CHECK(cloudtask.get("/api/job").status == 200);
  CHECK(dkron.get("/v1/jobs").body == "[]");
  CHECK(native.get("/v1/group/list").json()["success"] == json{"dkron"});
  // Within the limit the body is still echoed.
  auto added = cloudtask.post_json("/api/location/add", R"({"location":"deep","x":)" + nested(511) + "}");
  CHECK(added.status == 200);
  CHECK(added.json()["ops"][0]["x"].is_array());
}
