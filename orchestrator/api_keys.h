// ApiKeys: the keys that may use Maestro's front door, kept as SHA-256 hashes only. The file has one key per
// line, `sha256:<64 hex digits> <name>`; blank lines and lines starting with '#' are ignored. A key itself
// is 32 random bytes in hex, shown once by `maestro keys add` and never stored.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace maestro {

class ApiKeys {
 public:
  // Reads `path`. RETURNS the keys, kNotFound when the file cannot be read, kInvalidArgument naming a bad
  // line, or kInvalidArgument when it holds no key (an empty file would lock everyone out).
  static Result<ApiKeys> Load(const std::string& path);
  // Makes a key (32 bytes from OpenSSL's RAND_bytes), appends its hash and `name` to `path` (created with
  // mode 0600 if absent). RETURNS the key, or kUnavailable when the file cannot be written or the random
  // generator fails.
  static Result<std::string> Add(const std::string& path, const std::string& name);
  // RETURNS "sha256:" and the hex SHA-256 of `key`.
  static std::string Hash(std::string_view key);

  // RETURNS the name of the key whose hash matches `key`, or nothing. Compares every stored hash in constant
  // time. THREAD-SAFETY: const, safe from any thread.
  std::optional<std::string> Find(std::string_view key) const;
  size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    std::string hash;  // "sha256:<hex>"
    std::string name;
  };
  std::vector<Entry> entries_;
};

// RETURNS the token of an `Authorization: Bearer <token>` header value, or "" for any other value.
std::string_view BearerToken(std::string_view authorization);

}  // namespace maestro
