#include "http/responder.h"

#include <atomic>

namespace mainspring::http {

struct responder::state {
  send_function send;
  std::atomic<bool> sent{false};

  ~state() {
    if (!sent.exchange(true) && send)
      send(http_response::json(500, R"({"error":"internal error: the request was not answered"})"));
  }
};

responder::responder(send_function send) : state_(std::make_shared<state>()) {
  state_->send = std::move(send);
}

void responder::send(http_response response) const {
  if (!state_ || state_->sent.exchange(true)) return;
  state_->send(std::move(response));
}

bool responder::sent() const { return state_ && state_->sent.load(); }

}  // namespace mainspring::http
