// loopback_floor: the cheapest HTTP/1.1 server the bench can put on this machine's loopback: one
// thread on epoll that answers every request with the same small 200 and does nothing else (no
// parsing beyond framing, no JSON, no actors, no storage).
//
// The create scenario drives it with the same clients and request bodies as the server under
// test, right after it. What it holds is the most any server could hold over loopback with this
// client on this machine, and its CPU per request is what the kernel's TCP path costs a server
// alone: the part of a durable create that no change to Mainspring can take away (issue 17).
//
// Example:
//   loopback_floor floor;                       // listening on 127.0.0.1, a free port
//   if (!floor.ok()) fail(floor.error());
//   load_client client(floor.base_url());
//   ... client.run(...) ...
//   double server_cpu = floor.cpu_seconds();    // its thread's CPU so far
//
// Framing: a request ends after its blank line and Content-Length bytes of body; requests may be
// pipelined; anything else (chunked bodies, a head over k_floor_max_request_bytes) closes the
// connection. Every answer is 200 with `{"success":"floor"}` and keeps the connection open.
#pragma once

#include <atomic>
#include <string>
#include <thread>

namespace mainspring::bench {

// A request head and body larger than this close their connection.
inline constexpr std::size_t k_floor_max_request_bytes = 64 * 1024;

class loopback_floor {
 public:
  loopback_floor();   // binds 127.0.0.1 on a free port and starts the thread
  ~loopback_floor();  // stops the thread and closes every connection
  loopback_floor(const loopback_floor&) = delete;
  loopback_floor& operator=(const loopback_floor&) = delete;

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }  // why it could not start
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  // CPU time its thread has used since it started, user and system (0 when not started).
  double cpu_seconds() const;

 private:
  void serve();

  std::string error_;
  int listen_fd_ = -1;
  int epoll_fd_ = -1;
  int stop_fd_ = -1;  // an eventfd: the destructor's wake-up
  int port_ = 0;
  std::thread thread_;
};

}  // namespace mainspring::bench
