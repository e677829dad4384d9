#include "tests/e2e/http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include <curl/curl.h>

namespace mainspring::e2e {

namespace {

// How long one request may take end to end; tests poll for anything slower.
constexpr long k_request_timeout_ms = 15000;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::string trim(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  std::size_t start = 0;
  while (start < s.size() && std::isspace(static_cast<unsigned char>(s[start]))) ++start;
  return s.substr(start);
}

size_t on_body(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

size_t on_header(char* data, size_t size, size_t n, void* out) {
  auto* headers = static_cast<std::map<std::string, std::string>*>(out);
  std::string line(data, size * n);
  if (line.rfind("HTTP/", 0) == 0) headers->clear();  // a new response (after 100 Continue)
  if (auto colon = line.find(':'); colon != std::string::npos) {
    // A repeated field reads as its values joined by ", " (RFC 9110 5.3), so that a test sees
    // a header sent twice.
    std::string& value = (*headers)[lower(line.substr(0, colon))];
    if (!value.empty()) value += ", ";
    value += trim(line.substr(colon + 1));
  }
  return size * n;
}

struct curl_global {
  curl_global() { curl_global_init(CURL_GLOBAL_ALL); }
  ~curl_global() { curl_global_cleanup(); }
};

}  // namespace

// -- http_client --

http_client::http_client(std::string base_url) : base_url_(std::move(base_url)) {
  static curl_global global;
  curl_ = curl_easy_init();
  if (!curl_) throw std::runtime_error("curl_easy_init failed");
}

http_client::~http_client() { curl_easy_cleanup(static_cast<CURL*>(curl_)); }

http_response http_client::get(const std::string& path_and_query) {
  return request("GET", path_and_query, std::nullopt);
}

http_response http_client::post_json(const std::string& path, const std::string& body) {
  return request("POST", path, body);
}

http_response http_client::del(const std::string& path) {
  return request("DELETE", path, std::nullopt);
}

http_response http_client::request(const std::string& method, const std::string& path,
                                   const std::optional<std::string>& body,
                                   const std::string& content_type,
                                   const std::vector<std::string>& extra_headers) {
  CURL* curl = static_cast<CURL*>(curl_);
  curl_easy_reset(curl);  // options only: the connection cache survives
  http_response out;
  std::string url = base_url_ + path;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, k_request_timeout_ms);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &out.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &out.headers);
  curl_slist* headers = nullptr;
  if (body) {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body->data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body->size()));
    headers = curl_slist_append(headers, ("Content-Type: " + content_type).c_str());
    headers = curl_slist_append(headers, "Expect:");  // no 100-continue round trip
  }
  for (const auto& h : extra_headers) headers = curl_slist_append(headers, h.c_str());
  if (method == "GET") curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  else if (method == "HEAD") curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);  // no body to wait for
  else if (method != "POST" || !body) curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
  if (headers) curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  CURLcode rc = curl_easy_perform(curl);
  curl_slist_free_all(headers);
  if (rc != CURLE_OK) {
    out.error = curl_easy_strerror(rc);
    return out;
  }
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &out.status);
  long connects = 0;
  curl_easy_getinfo(curl, CURLINFO_NUM_CONNECTS, &connects);
  connections_opened_ += connects;
  return out;
}

// -- raw_connection --

raw_connection::raw_connection(uint16_t port, int receive_buffer_bytes) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ >= 0 && receive_buffer_bytes > 0)
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer_bytes, sizeof receive_buffer_bytes);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  if (fd_ < 0 || ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    int err = errno;
    if (fd_ >= 0) ::close(fd_);
    throw std::runtime_error("raw_connection: connect: " + std::string(std::strerror(err)));
  }
}

raw_connection::~raw_connection() { ::close(fd_); }

void raw_connection::send(const std::string& bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw std::runtime_error("raw_connection: send: " + std::string(std::strerror(errno)));
    sent += static_cast<std::size_t>(n);
  }
}

bool raw_connection::read_more(std::chrono::steady_clock::time_point deadline) {
  if (eof_) return false;
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  if (left.count() <= 0) return false;
  pollfd p{fd_, POLLIN, 0};
  int ready = ::poll(&p, 1, static_cast<int>(left.count()));
  if (ready <= 0) return false;
  char chunk[16384];
  ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
  if (n <= 0) {
    eof_ = true;
    return false;
  }
  buffer_.append(chunk, static_cast<std::size_t>(n));
  return true;
}

std::optional<raw_connection::response> raw_connection::read_response(
    std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::size_t head_end;
  while ((head_end = buffer_.find("\r\n\r\n")) == std::string::npos)
    if (!read_more(deadline)) return std::nullopt;
  response r;
  std::string head = buffer_.substr(0, head_end);
  auto line_end = head.find("\r\n");
  std::string status_line = head.substr(0, line_end);
  if (status_line.size() >= 12) r.status = std::atoi(status_line.c_str() + 9);  // "HTTP/1.1 200"
  std::size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
  while (pos < head.size()) {
    auto end = std::min(head.find("\r\n", pos), head.size());
    std::string line = head.substr(pos, end - pos);
    if (auto colon = line.find(':'); colon != std::string::npos)
      r.headers[lower(line.substr(0, colon))] = trim(line.substr(colon + 1));
    pos = end + 2;
  }
  std::size_t length = std::strtoull(r.headers["content-length"].c_str(), nullptr, 10);
  while (buffer_.size() < head_end + 4 + length)
    if (!read_more(deadline)) return std::nullopt;
  r.body = buffer_.substr(head_end + 4, length);
  buffer_.erase(0, head_end + 4 + length);
  return r;
}

bool raw_connection::closed_by_peer(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::size_t before = buffer_.size();
  while (read_more(deadline)) {
  }
  return eof_ && buffer_.size() == before;
}

}  // namespace mainspring::e2e
