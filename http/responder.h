// responder: the one-shot answer to an HTTP request, safe to carry across threads.
//
// A handler may answer at once or later from another thread (a CAF worker, say). Copies share
// one state; the first send() wins and later ones are ignored. If every copy is dropped without
// an answer, the client still gets a 500 instead of hanging forever (Pistache 0.0.5 problem 7).
//
// Example:
//   void on_request(http_request req, responder reply) {
//     ask_actor(..., [reply](auto result) { reply.send(http_response::json(200, to_json(result))); });
//   }
#pragma once

#include <functional>
#include <memory>

#include "http/http_message.h"

namespace mainspring::http {

class responder {
 public:
  using send_function = std::function<void(http_response)>;

  // -- constructors --
  responder() = default;
  explicit responder(send_function send);

  // -- answering --

  // Sends `response` unless an answer was already sent. Thread-safe.
  void send(http_response response) const;
  bool sent() const;

 private:
  struct state;
  std::shared_ptr<state> state_;
};

}  // namespace mainspring::http
