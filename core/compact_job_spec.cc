#include "core/compact_job_spec.h"

#include <cstring>
#include <string>
#include <vector>

namespace mainspring {

namespace {

uint32_t read_u32(const char* at) {
  uint32_t v;
  std::memcpy(&v, at, sizeof v);
  return v;
}

void write_u32(char* at, uint32_t v) { std::memcpy(at, &v, sizeof v); }

// Bytes of a packed text with `n` strings whose last one ends at `end`.
std::size_t packed_size(uint32_t n, uint32_t end) { return sizeof(uint32_t) * (1 + n) + end; }

// A field added to job_spec must be added here too (members, constructor, unpack()), or it would
// be lost when a job actor stores its spec.
static_assert(sizeof(job_spec) == 408, "job_spec changed: update compact_job_spec to match");

}  // namespace

compact_job_spec::compact_job_spec(const job_spec& spec)
    : exec_time_s(spec.exec_time_s),
      timeout_ms(spec.timeout_ms),
      retry_delay_ms(spec.retry_delay_ms),
      anchor_ms(spec.anchor_ms),
      created_ms(spec.created_ms),
      updated_ms(spec.updated_ms),
      retries(spec.retries),
      concurrency(spec.concurrency),
      misfire(spec.misfire),
      paused(spec.paused),
      done(spec.done) {
  std::vector<std::string_view> texts = {spec.id,          spec.group,        spec.name,
                                         spec.schedule,    spec.timezone,     spec.request_url,
                                         spec.exec_command, spec.memo,        spec.otp_secret};
  for (const auto& [key, value] : spec.metadata) {
    texts.push_back(key);
    texts.push_back(value);
  }
  // validate_job() bounds every field (256 KiB of command at most), so 32-bit offsets suffice.
  const auto n = static_cast<uint32_t>(texts.size());
  uint32_t end = 0;
  for (auto t : texts) end += static_cast<uint32_t>(t.size());
  packed_ = std::make_unique_for_overwrite<char[]>(packed_size(n, end));
  char* header = packed_.get();
  char* out = header + sizeof(uint32_t) * (1 + n);
  write_u32(header, n);
  end = 0;
  for (uint32_t i = 0; i < n; ++i) {
    std::memcpy(out + end, texts[i].data(), texts[i].size());
    end += static_cast<uint32_t>(texts[i].size());
    write_u32(header + sizeof(uint32_t) * (1 + i), end);
  }
}

compact_job_spec::compact_job_spec(const compact_job_spec& other) { *this = other; }

compact_job_spec& compact_job_spec::operator=(const compact_job_spec& other) {
  if (this == &other) return *this;
  exec_time_s = other.exec_time_s;
  timeout_ms = other.timeout_ms;
  retry_delay_ms = other.retry_delay_ms;
  anchor_ms = other.anchor_ms;
  created_ms = other.created_ms;
  updated_ms = other.updated_ms;
  retries = other.retries;
  concurrency = other.concurrency;
  misfire = other.misfire;
  paused = other.paused;
  done = other.done;
  packed_.reset();
  if (other.packed_) {
    uint32_t n = other.text_count();
    std::size_t size = packed_size(n, read_u32(other.packed_.get() + sizeof(uint32_t) * n));
    packed_ = std::make_unique_for_overwrite<char[]>(size);
    std::memcpy(packed_.get(), other.packed_.get(), size);
  }
  return *this;
}

uint32_t compact_job_spec::text_count() const { return packed_ ? read_u32(packed_.get()) : 0; }

std::string_view compact_job_spec::text(uint32_t i) const {
  if (i >= text_count()) return {};
  const char* header = packed_.get();
  const char* texts = header + sizeof(uint32_t) * (1 + text_count());
  uint32_t begin = i == 0 ? 0 : read_u32(header + sizeof(uint32_t) * i);
  uint32_t end = read_u32(header + sizeof(uint32_t) * (1 + i));
  return {texts + begin, end - begin};
}

job_spec compact_job_spec::unpack() const {
  job_spec spec;
  spec.id = id();
  spec.group = group();
  spec.name = name();
  spec.schedule = schedule();
  spec.timezone = timezone();
  spec.request_url = request_url();
  spec.exec_command = exec_command();
  spec.memo = memo();
  spec.otp_secret = otp_secret();
  for (uint32_t i = k_fields; i + 1 < text_count(); i += 2)
    spec.metadata.emplace(std::string(text(i)), std::string(text(i + 1)));
  spec.exec_time_s = exec_time_s;
  spec.timeout_ms = timeout_ms;
  spec.retry_delay_ms = retry_delay_ms;
  spec.anchor_ms = anchor_ms;
  spec.created_ms = created_ms;
  spec.updated_ms = updated_ms;
  spec.retries = retries;
  spec.concurrency = concurrency;
  spec.misfire = misfire;
  spec.paused = paused;
  spec.done = done;
  return spec;
}

}  // namespace mainspring
