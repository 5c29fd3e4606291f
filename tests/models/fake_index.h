// Test fixtures for maestro models: wheels built with libzip, and a PEP 503 index plus file host on loopback (the
// project's own HTTP server) that honours Range requests (or, on request, ignores them) and records every request.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "net/http_server.h"

namespace maestro::models::testing {

// RETURNS the bytes of a zip holding `members` (path -> content), deflated as wheels are.
std::string MakeWheel(const std::filesystem::path& scratch, const std::map<std::string, std::string>& members);
// RETURNS the lower-case hex SHA-256 of `bytes`.
std::string Sha256Hex(const std::string& bytes);

struct SeenRequest {
  std::string target;
  std::string range;  // the Range header, or ""
  size_t body_bytes = 0;
};

class FakeIndex {
 public:
  FakeIndex();
  ~FakeIndex();

  // Serves `bytes` at /files/<name>.
  void AddFile(const std::string& name, std::string bytes);
  // Lists /files/<wheel> on /simple/<package>/ with "#sha256=<listed_sha>" (none when empty).
  void AddLink(const std::string& package, const std::string& wheel, const std::string& listed_sha);
  // When false, Range headers are ignored and every answer is the whole file (200).
  void set_honour_range(bool honour) { honour_range_ = honour; }

  std::string base() const;   // http://127.0.0.1:PORT
  std::string index() const;  // base() + "/simple"
  std::vector<SeenRequest> requests() const;

 private:
  net::HttpResponse Answer(const net::HttpRequest& request);

  mutable std::mutex mutex_;
  std::map<std::string, std::string> files_;
  std::map<std::string, std::string> pages_;
  std::vector<SeenRequest> requests_;
  bool honour_range_ = true;
  std::unique_ptr<net::HttpServer> server_;
};

}  // namespace maestro::models::testing
