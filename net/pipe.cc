#include "net/pipe.h"

namespace mainspring::net {

pipe::pipe(std::shared_ptr<byte_stream> a, std::shared_ptr<byte_stream> b, pipe_filter a_to_b,
           std::function<void()> on_close)
    : on_close_(std::move(on_close)) {
  forward_.from = a;
  forward_.to = b;
  forward_.filter = std::move(a_to_b);
  backward_.from = b;
  backward_.to = a;
}

void pipe::start() {
  pump(forward_);
  pump(backward_);
}

void pipe::close() {
  if (closed_) return;
  closed_ = true;
  forward_.from->close();
  forward_.to->close();
  if (on_close_) on_close_();
}

// Read, (filter,) write all, repeat. The shared_ptr in each handler keeps the pipe alive while
// any operation is pending.
void pipe::pump(direction& d) {
  d.from->async_read_some(asio::buffer(d.buffer), [self = shared_from_this(), &d](std::error_code ec, std::size_t n) {
    if (ec || self->closed_) return self->close();
    asio::const_buffer pass(d.buffer.data(), n);
    if (d.filter) {
      d.out.clear();
      bool ok = d.filter(d.buffer.data(), n, d.out);
      if (!ok && d.out.empty()) return self->close();
      if (!ok) {  // send what passed, then close
        return d.to->async_write(asio::buffer(d.out), [self](std::error_code, std::size_t) { self->close(); });
      }
      if (d.out.empty()) return self->pump(d);  // all held back (a partial header)
      pass = asio::buffer(d.out);
    }
    d.to->async_write(pass, [self, &d](std::error_code ec, std::size_t) {
      if (ec || self->closed_) return self->close();
      self->pump(d);
    });
  });
}

}  // namespace mainspring::net
