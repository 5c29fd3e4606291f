// Raw TCP for bad-input tests: send arbitrary bytes to a server port, the way a broken or hostile peer would.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <random>
#include <string>

namespace maestro::testing {

// Connects to 127.0.0.1:port, sends `bytes`, optionally half-closes, and reads until the server closes the
// connection or `wait` passes. RETURNS true when the server closed the connection within `wait`.
inline bool SendRaw(uint16_t port, const std::string& bytes, bool half_close,
                    std::chrono::milliseconds wait = std::chrono::milliseconds(2000)) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    close(fd);
    return false;
  }
  size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n = send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;  // the server may close mid-send, which is a fine answer to garbage
    sent += static_cast<size_t>(n);
  }
  if (half_close) shutdown(fd, SHUT_WR);
  bool closed = false;
  auto until = std::chrono::steady_clock::now() + wait;
  char buffer[4096];
  while (std::chrono::steady_clock::now() < until) {
    pollfd probe{fd, POLLIN, 0};
    if (poll(&probe, 1, 50) <= 0) continue;
    ssize_t n = recv(fd, buffer, sizeof(buffer), 0);
    if (n <= 0) {
      closed = true;
      break;
    }
  }
  close(fd);
  return closed;
}

// RETURNS `size` bytes from a fixed-seed generator.
inline std::string Garbage(size_t size, uint32_t seed = 7) {
  std::mt19937 rng(seed);
  std::string bytes(size, '\0');
  for (auto& byte : bytes) byte = static_cast<char>(rng());
  return bytes;
}

}  // namespace maestro::testing
