#include "storage/fault_env.h"

#include <unistd.h>

#include <memory>

namespace mainspring {

// A writable file that reports to its fault_env before passing each call on.
class fault_file : public leveldb::WritableFile {
 public:
  fault_file(fault_env* env, std::string name, leveldb::WritableFile* base)
      : env_(env), name_(std::move(name)), base_(base) {}
  ~fault_file() override {
    base_.reset();  // closed (and flushed) before the env cuts what a failed sync lost
    env_->on_close(name_);
  }

  leveldb::Status Append(const leveldb::Slice& data) override {
    if (env_->fail_writes_) return leveldb::Status::IOError(name_, "injected write failure");
    leveldb::Status s = base_->Append(data);
    if (s.ok()) s = env_->on_append(name_, data.size());
    return s;
  }
  leveldb::Status Close() override { return base_->Close(); }
  leveldb::Status Flush() override {
    if (env_->fail_writes_) return leveldb::Status::IOError(name_, "injected write failure");
    return base_->Flush();
  }
  leveldb::Status Sync() override {
    if (env_->fail_syncs_) {
      env_->on_sync(name_, false);
      return leveldb::Status::IOError(name_, "injected sync failure");
    }
    leveldb::Status s = base_->Sync();
    env_->on_sync(name_, s.ok());
    return s;
  }

 private:
  fault_env* env_;
  std::string name_;
  std::unique_ptr<leveldb::WritableFile> base_;
};

namespace {

std::string base_name(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string dir_of(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

}  // namespace

fault_env::fault_env(leveldb::Env* base) : leveldb::EnvWrapper(base) {}

leveldb::Status fault_env::NewWritableFile(const std::string& name, leveldb::WritableFile** out) {
  leveldb::WritableFile* base = nullptr;
  leveldb::Status s = target()->NewWritableFile(name, &base);
  if (!s.ok()) return s;
  {
    std::lock_guard<std::mutex> lock(mu_);
    files_[name] = file_state{};
    created_since_dir_sync_.insert(name);
  }
  *out = new fault_file(this, name, base);
  return s;
}

leveldb::Status fault_env::NewAppendableFile(const std::string& name, leveldb::WritableFile** out) {
  uint64_t size = 0;
  const bool existed = target()->GetFileSize(name, &size).ok();
  leveldb::WritableFile* base = nullptr;
  leveldb::Status s = target()->NewAppendableFile(name, &base);
  if (!s.ok()) return s;
  {
    std::lock_guard<std::mutex> lock(mu_);
    files_[name] = file_state{size, size, false};  // what is there already counts as durable
    if (!existed) created_since_dir_sync_.insert(name);
  }
  *out = new fault_file(this, name, base);
  return s;
}

leveldb::Status fault_env::RemoveFile(const std::string& name) {
  leveldb::Status s = target()->RemoveFile(name);
  std::lock_guard<std::mutex> lock(mu_);
  files_.erase(name);
  created_since_dir_sync_.erase(name);
  return s;
}

leveldb::Status fault_env::RenameFile(const std::string& from, const std::string& to) {
  leveldb::Status s = target()->RenameFile(from, to);
  if (!s.ok()) return s;
  std::lock_guard<std::mutex> lock(mu_);
  if (auto it = files_.find(from); it != files_.end()) {
    files_[to] = it->second;
    files_.erase(it);
  }
  // LevelDB renames only synced files (CURRENT from its temp file); the rename itself is taken
  // as durable, as LevelDB's fault-injection test does, or a power loss could cost the DB its
  // CURRENT file.
  created_since_dir_sync_.erase(from);
  created_since_dir_sync_.erase(to);
  return s;
}

leveldb::Status fault_env::on_append(const std::string& name, std::size_t bytes) {
  std::lock_guard<std::mutex> lock(mu_);
  files_[name].size += bytes;
  return {};
}

leveldb::Status fault_env::on_sync(const std::string& name, bool ok) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    file_state& f = files_[name];
    if (ok) f.synced = f.size;
    else f.lose_unsynced_on_close = true;
  }
  if (!ok) return {};
  syncs_.fetch_add(1);
  // As the posix Env does: a synced MANIFEST also syncs its directory.
  if (base_name(name).rfind("MANIFEST", 0) == 0) sync_dir_of(name);
  return {};
}

void fault_env::sync_dir_of(const std::string& name) {
  const std::string dir = dir_of(name);
  std::lock_guard<std::mutex> lock(mu_);
  for (auto it = created_since_dir_sync_.begin(); it != created_since_dir_sync_.end();) {
    if (dir_of(*it) == dir) it = created_since_dir_sync_.erase(it);
    else ++it;
  }
}

void fault_env::on_close(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = files_.find(name);
  if (it == files_.end() || !it->second.lose_unsynced_on_close) return;
  if (::truncate(name.c_str(), static_cast<off_t>(it->second.synced)) == 0) it->second.size = it->second.synced;
  it->second.lose_unsynced_on_close = false;
}

uint64_t fault_env::unsynced_bytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  uint64_t n = 0;
  for (const auto& [name, f] : files_) n += f.size - f.synced;
  return n;
}

void fault_env::power_loss() {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& name : created_since_dir_sync_) {
    target()->RemoveFile(name);
    files_.erase(name);
  }
  created_since_dir_sync_.clear();
  for (auto& [name, f] : files_) {
    if (f.size != f.synced) ::truncate(name.c_str(), static_cast<off_t>(f.synced));
    f.size = f.synced;
    f.lose_unsynced_on_close = false;
  }
}

}  // namespace mainspring
