// status and status_or: how pure code in Mainspring reports failure.
//
// Modelled on LevelDB's and Abseil's Status: a code that maps cleanly onto HTTP and retry policy,
// plus a message a user can act on. status_or<T> carries either a value or a non-ok status, so
// parsers and validators never throw across a layer boundary.
//
// Example:
//   status_or<schedule> r = parse_schedule("*/5 * * * * *");
//   if (!r.ok()) return r.status();          // e.g. invalid_argument, "interval_pattern: ..."
//   const schedule& s = r.value();
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <utility>

namespace mainspring {

enum class status_code {
  ok = 0,
  invalid_argument,     // -> 400: the request is wrong; do not retry unchanged
  not_found,            // -> 404
  already_exists,       // -> 409
  failed_precondition,  // -> 409/422: the state forbids it; do not retry
  unauthenticated,      // -> 401
  permission_denied,    // -> 403: known caller (or origin) not allowed to do this
  resource_exhausted,   // -> 413/429
  unavailable,          // -> 503: retry later
  internal,             // -> 500: a bug or an I/O failure
  unimplemented,        // -> 501
  deadline_exceeded,    // -> 504: it ran out of time
};

// Returns a stable lower-case name for `code` ("invalid_argument").
const char* status_code_name(status_code code);

class status {
 public:
  // -- constructors --
  status() = default;
  status(status_code code, std::string message) : code_(code), message_(std::move(message)) {}

  static status invalid_argument(std::string m) { return {status_code::invalid_argument, std::move(m)}; }
  static status not_found(std::string m) { return {status_code::not_found, std::move(m)}; }
  static status already_exists(std::string m) { return {status_code::already_exists, std::move(m)}; }
  static status failed_precondition(std::string m) {
    return {status_code::failed_precondition, std::move(m)};
  }
  static status unauthenticated(std::string m) { return {status_code::unauthenticated, std::move(m)}; }
  static status permission_denied(std::string m) {
    return {status_code::permission_denied, std::move(m)};
  }
  static status resource_exhausted(std::string m) {
    return {status_code::resource_exhausted, std::move(m)};
  }
  static status unavailable(std::string m) { return {status_code::unavailable, std::move(m)}; }
  static status internal(std::string m) { return {status_code::internal, std::move(m)}; }
  static status unimplemented(std::string m) { return {status_code::unimplemented, std::move(m)}; }
  static status deadline_exceeded(std::string m) {
    return {status_code::deadline_exceeded, std::move(m)};
  }

  // -- properties --
  bool ok() const { return code_ == status_code::ok; }
  status_code code() const { return code_; }
  const std::string& message() const { return message_; }

  // "invalid_argument: interval_pattern: ..." (or "ok").
  std::string to_string() const;

  // Serialization hook (cereal, CAF inspectors): plain fields.
  template <class Archive>
  void serialize(Archive& ar) {
    ar(code_, message_);
  }

 private:
  // -- member variables --
  status_code code_ = status_code::ok;
  std::string message_;
};

// Either a T or a non-ok status.
// REQUIRES: a status_or built from a status is built from a non-ok one.
template <class T>
class status_or {
 public:
  status_or(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  status_or(mainspring::status st) : status_(std::move(st)) { assert(!status_.ok()); }  // NOLINT

  bool ok() const { return value_.has_value(); }
  const mainspring::status& status() const { return status_; }

  // REQUIRES: ok()
  const T& value() const& { return *value_; }
  T& value() & { return *value_; }
  T&& value() && { return std::move(*value_); }
  const T* operator->() const { return &*value_; }
  T* operator->() { return &*value_; }
  const T& operator*() const { return *value_; }

 private:
  std::optional<T> value_;
  mainspring::status status_;
};

}  // namespace mainspring
