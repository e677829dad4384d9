// http_sink: the target of HTTP@ jobs in the fire benchmark. A minimal keep-alive HTTP/1.1 server
// on 127.0.0.1 (standalone Asio, one thread) that answers every request with 200 "ok" and counts
// them, so that HTTP runs cost the server what a real fast endpoint would, and the count gives
// a second, independent runs-per-second figure.
//
// Example:
//   std::string why;
//   auto sink = http_sink::start(&why);
//   if (!sink) die(why);
//   std::string url = "HTTP@http://127.0.0.1:" + std::to_string(sink->port()) + "/hit";
//   ... let the jobs run ...
//   uint64_t served = sink->requests();
//
// It understands requests with or without a Content-Length body and pipelined requests; it does
// not support chunked request bodies (HTTP jobs send GETs). Benchmark code, not a server.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace mainspring::bench {

class http_sink {
 public:
  // Listens on a free loopback port and serves on a background thread. nullptr (with *error
  // set) if the port cannot be opened.
  static std::unique_ptr<http_sink> start(std::string* error);
  // Stops serving and joins the thread.
  ~http_sink();
  http_sink(const http_sink&) = delete;
  http_sink& operator=(const http_sink&) = delete;

  uint16_t port() const;
  uint64_t requests() const;     // answered so far
  uint64_t connections() const;  // accepted so far

 private:
  struct impl;
  explicit http_sink(std::unique_ptr<impl> impl);
  std::unique_ptr<impl> impl_;
};

}  // namespace mainspring::bench
