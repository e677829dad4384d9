// single_read_transport: Pistache's TCP transport with a read path that stops at a short read.
//
// Pistache 0.0.5 reads a readable connection until recv() answers EAGAIN: every request costs one
// recv() that returns nothing (about 1.4 us on this project's VMs, a few percent of a create's
// server CPU), and the read buffer is zeroed first. The connections are registered edge-triggered,
// so a read that returns less than the buffer holds has taken everything the socket had; bytes
// arriving after it raise a new edge and a new onReady. This transport therefore reads until a
// short read and hands each piece to the TCP handler's onInput, exactly as Pistache would.
// What it does not handle itself (the end of a stream or a socket error, the transport's own
// queues, timers, writable sockets) goes to Pistache's Transport::onReady unchanged, which then
// reads the end again and runs its own disconnection path.
//
// Example:
//   listener.setHandler(handler);
//   listener.setTransportFactory([handler] { return std::make_shared<single_read_transport>(handler); });
//   listener.bind(address);
#pragma once

#include <cstddef>
#include <memory>

#include <pistache/transport.h>

namespace mainspring::http {

// Bytes read from a connection at a time: a typical request in one read, a large body in few.
inline constexpr std::size_t k_transport_read_bytes = 16 * 1024;

class single_read_transport : public Pistache::Tcp::Transport {
 public:
  explicit single_read_transport(const std::shared_ptr<Pistache::Tcp::Handler>& handler);

  void onReady(const Pistache::Aio::FdSet& fds) override;
  // Each reactor thread gets its own transport (and its own clone of the handler), as Pistache's do.
  std::shared_ptr<Pistache::Aio::Handler> clone() const override;

 private:
  // Reads the connection behind `fd` until a short read. False when `fd` is not a connection or
  // the read met the end of the stream or an error: Pistache's own path must see the event.
  bool read_peer(int fd);

  std::shared_ptr<Pistache::Tcp::Handler> input_;
  char buffer_[k_transport_read_bytes];
};

}  // namespace mainspring::http
