#include "actors/group_routes.h"

namespace mainspring {

void group_routes::hold(const std::string& group) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++routes_[group].held;
}

void group_routes::release(const std::string& group) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = routes_.find(group);
  if (it == routes_.end() || it->second.held == 0) return;  // withdraw_all() came first
  --it->second.held;
  forget_if_unused(it);
}

void group_routes::publish(const std::string& group, caf::actor actor) {
  std::lock_guard<std::mutex> lock(mutex_);
  routes_[group].actor = std::move(actor);
}

void group_routes::withdraw(const std::string& group) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = routes_.find(group);
  if (it == routes_.end()) return;
  it->second.actor = nullptr;
  forget_if_unused(it);
}

void group_routes::withdraw_all() {
  std::lock_guard<std::mutex> lock(mutex_);
  routes_.clear();
}

std::size_t group_routes::published() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::size_t n = 0;
  for (const auto& [name, r] : routes_) n += r.actor ? 1 : 0;
  return n;
}

void group_routes::forget_if_unused(std::unordered_map<std::string, route>::iterator it) {
  if (it->second.held == 0 && !it->second.actor) routes_.erase(it);
}

}  // namespace mainspring
