#include "http/single_read_transport.h"

#include <sys/socket.h>

#include <cerrno>
#include <utility>
#include <vector>

#include <pistache/tcp.h>

namespace mainspring::http {

single_read_transport::single_read_transport(const std::shared_ptr<Pistache::Tcp::Handler>& handler)
    : Pistache::Tcp::Transport(handler), input_(handler) {}

std::shared_ptr<Pistache::Aio::Handler> single_read_transport::clone() const {
  return std::make_shared<single_read_transport>(input_->clone());
}

void single_read_transport::onReady(const Pistache::Aio::FdSet& fds) {
  std::vector<Pistache::Polling::Event> rest;
  for (const auto& entry : fds) {
    if (entry.isReadable() && !entry.isHangup() && read_peer(static_cast<int>(entry.getTag().value())))
      continue;
    Pistache::Polling::Event event(entry.getTag());
    if (entry.isReadable()) event.flags.setFlag(Pistache::Polling::NotifyOn::Read);
    if (entry.isWritable()) event.flags.setFlag(Pistache::Polling::NotifyOn::Write);
    if (entry.isHangup()) event.flags.setFlag(Pistache::Polling::NotifyOn::Hangup);
    rest.push_back(std::move(event));
  }
  if (!rest.empty()) Pistache::Tcp::Transport::onReady(Pistache::Aio::FdSet(std::move(rest)));
}

bool single_read_transport::read_peer(int fd) {
  auto it = peers.find(fd);
  if (it == peers.end()) return false;
  // A copy: onInput may end in a disconnection that erases the map's entry.
  std::shared_ptr<Pistache::Tcp::Peer> peer = it->second;
  for (;;) {
    ssize_t got = ::recv(fd, buffer_, sizeof buffer_, 0);
    if (got > 0) {
      input_->onInput(buffer_, static_cast<std::size_t>(got), peer);
      if (static_cast<std::size_t>(got) < sizeof buffer_) return true;
      continue;
    }
    if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
    if (got < 0 && errno == EINTR) continue;
    return false;  // end of stream or an error: Pistache reads it again and disconnects the peer
  }
}

}  // namespace mainspring::http
