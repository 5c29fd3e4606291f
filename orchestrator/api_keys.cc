#include "orchestrator/api_keys.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <unistd.h>

#include <cctype>
#include <fstream>
#include <sstream>

namespace maestro {
namespace {

constexpr size_t kKeyBytes = 32;
constexpr std::string_view kHashPrefix = "sha256:";

std::string Hex(const unsigned char* bytes, size_t size) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (size_t i = 0; i < size; ++i) {
    out.push_back(digits[bytes[i] >> 4]);
    out.push_back(digits[bytes[i] & 15]);
  }
  return out;
}

bool IsHashText(std::string_view text) {
  if (text.size() != kHashPrefix.size() + 2 * SHA256_DIGEST_LENGTH ||
      text.substr(0, kHashPrefix.size()) != kHashPrefix) {
    return false;
  }
  for (char c : text.substr(kHashPrefix.size())) {
    if (!std::isxdigit(static_cast<unsigned char>(c)) || std::isupper(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

std::string ApiKeys::Hash(std::string_view key) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(key.data()), key.size(), digest);
  return std::string(kHashPrefix) + Hex(digest, sizeof(digest));
}

Result<ApiKeys> ApiKeys::Load(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status(StatusCode::kNotFound, "cannot read the API key file " + path);
  ApiKeys keys;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    std::istringstream fields(line);
    std::string hash, name;
    fields >> hash;
    if (hash.empty() || hash[0] == '#') continue;
    std::getline(fields >> std::ws, name);
    if (!IsHashText(hash)) {
      return InvalidArgument(path + ":" + std::to_string(number) +
                             ": expected 'sha256:<64 lowercase hex digits> NAME'");
    }
    keys.entries_.push_back({hash, name.empty() ? "key" + std::to_string(keys.entries_.size() + 1) : name});
  }
  if (keys.entries_.empty())
    return InvalidArgument(path + " holds no key; make one with `maestro keys add " + path + "`");
  return keys;
}

Result<std::string> ApiKeys::Add(const std::string& path, const std::string& name) {
  unsigned char random[kKeyBytes];
  if (RAND_bytes(random, sizeof(random)) != 1) return Unavailable("OpenSSL's random generator failed");
  const std::string key = Hex(random, sizeof(random));
  for (char c : name) {
    if (c == '\n' || c == '\r') return InvalidArgument("a key name is one line");
  }
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) return Unavailable("cannot write the API key file " + path);
  const std::string line = Hash(key) + " " + (name.empty() ? "key" : name) + "\n";
  const bool written = write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  if (close(fd) != 0 || !written) return Unavailable("cannot write the API key file " + path);
  return key;
}

std::optional<std::string> ApiKeys::Find(std::string_view key) const {
  const std::string hash = Hash(key);
  std::optional<std::string> found;
  // Every entry is compared, with CRYPTO_memcmp, so the time taken says nothing about which hash came close.
  for (const auto& entry : entries_) {
    if (CRYPTO_memcmp(entry.hash.data(), hash.data(), hash.size()) == 0) found = entry.name;
  }
  return found;
}

std::string_view BearerToken(std::string_view authorization) {
  constexpr std::string_view kScheme = "bearer ";
  if (authorization.size() <= kScheme.size()) return {};
  for (size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(authorization[i])) != kScheme[i]) return {};
  }
  std::string_view token = authorization.substr(kScheme.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  return token;
}

}  // namespace maestro
