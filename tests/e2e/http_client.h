// http_client: a small blocking libcurl client for end-to-end tests, plus raw_connection for
// the checks curl cannot make (garbage request lines, pipelining, exact Connection handling).
//
// One http_client keeps one curl easy handle, so consecutive requests reuse the connection
// (keep-alive) as a real client would. Not thread-safe: one client per thread.
//
// Example:
//   http_client client(server.base_url());
//   http_response r = client.post_json("/v1/register/group", R"({"group_name":"YM55"})");
//   REQUIRE(r.status == 200);
//   std::string secret = r.json()["success"];
//
//   raw_connection c(server.port());
//   c.send("GET /version HTTP/1.1\r\nHost: x\r\n\r\n");
//   auto a = c.read_response(std::chrono::seconds(5));
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace mainspring::e2e {

struct http_response {
  long status = 0;          // 0 when the request failed at the transport level (see error)
  std::string body;
  std::map<std::string, std::string> headers;  // names lower-cased; a repeated one's values joined by ", "
  std::string error;        // curl's message when status == 0

  // The body as JSON (a discarded value if it is not JSON).
  nlohmann::json json() const { return nlohmann::json::parse(body, nullptr, false); }
  std::string header(const std::string& lower_case_name) const {
    auto it = headers.find(lower_case_name);
    return it == headers.end() ? "" : it->second;
  }
};

class http_client {
 public:
  // -- constructors --
  explicit http_client(std::string base_url);
  ~http_client();
  http_client(const http_client&) = delete;
  http_client& operator=(const http_client&) = delete;

  // -- requests (path_and_query is appended to the base URL) --
  http_response get(const std::string& path_and_query);
  // `body` is sent as is (raw text, which may be malformed on purpose).
  http_response post_json(const std::string& path, const std::string& body);
  http_response post_json(const std::string& path, const char* body) {
    return post_json(path, std::string(body));
  }
  http_response post_json(const std::string& path, const nlohmann::json& body) {
    return post_json(path, body.dump());
  }
  http_response del(const std::string& path);
  http_response request(const std::string& method, const std::string& path,
                        const std::optional<std::string>& body,
                        const std::string& content_type = "application/json",
                        const std::vector<std::string>& extra_headers = {});  // "Name: value"

  const std::string& base_url() const { return base_url_; }
  // TCP connections curl opened so far (1 after many requests = keep-alive worked).
  long connections_opened() const { return connections_opened_; }

 private:
  std::string base_url_;
  void* curl_;  // CURL*, kept out of this header
  long connections_opened_ = 0;
};

// A raw TCP connection to 127.0.0.1:port that reads HTTP/1.1 responses by Content-Length.
class raw_connection {
 public:
  struct response {
    int status = 0;
    std::map<std::string, std::string> headers;  // names lower-cased
    std::string body;
  };

  // -- constructors --
  // Throws std::runtime_error when it cannot connect. A receive_buffer_bytes > 0 shrinks the
  // socket's receive buffer (SO_RCVBUF): a client that reads late then stalls the server's
  // writes sooner.
  explicit raw_connection(uint16_t port, int receive_buffer_bytes = 0);
  ~raw_connection();
  raw_connection(const raw_connection&) = delete;
  raw_connection& operator=(const raw_connection&) = delete;

  // -- I/O --
  void send(const std::string& bytes);
  // The next complete response, or nullopt if none arrived within `timeout` or the peer closed
  // the connection first.
  std::optional<response> read_response(std::chrono::milliseconds timeout);
  // True if the peer closes the connection (EOF) within `timeout` with no further bytes.
  bool closed_by_peer(std::chrono::milliseconds timeout);

 private:
  // Reads more bytes into buffer_ until `deadline`; false on EOF, error or timeout.
  bool read_more(std::chrono::steady_clock::time_point deadline);

  int fd_ = -1;
  std::string buffer_;
  bool eof_ = false;
};

}  // namespace mainspring::e2e
