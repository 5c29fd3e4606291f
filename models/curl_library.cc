#include "models/curl_library.h"

#include <dlfcn.h>

#include <mutex>
#include <string>

namespace maestro::models {
namespace {

// libcurl4's soname (Debian's OpenSSL flavour, installed by scripts/bootstrap.sh --runtime).
constexpr const char* kCurlSoname = "libcurl.so.4";

template <typename Function>
bool Bind(void* library, const char* symbol, Function& function) {
  function = reinterpret_cast<Function>(dlsym(library, symbol));
  return function != nullptr;
}

Status Open(CurlLibrary& curl) {
  void* library = dlopen(kCurlSoname, RTLD_NOW | RTLD_LOCAL);
  if (library == nullptr) {
    return Unavailable(std::string("downloads need ") + kCurlSoname + " (Debian package libcurl4): " + dlerror());
  }
  decltype(&curl_global_init) global_init = nullptr;
  bool bound =
      Bind(library, "curl_global_init", global_init) && Bind(library, "curl_easy_init", curl.easy_init) &&
      Bind(library, "curl_easy_cleanup", curl.easy_cleanup) && Bind(library, "curl_easy_setopt", curl.easy_setopt) &&
      Bind(library, "curl_easy_perform", curl.easy_perform) && Bind(library, "curl_easy_getinfo", curl.easy_getinfo) &&
      Bind(library, "curl_easy_strerror", curl.easy_strerror);
  if (!bound) return Unavailable(std::string(kCurlSoname) + " lacks a function the downloader needs: " + dlerror());
  if (global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) return Unavailable("curl_global_init failed");
  return Status::Ok();
}

}  // namespace

Result<const CurlLibrary*> OpenCurl() {
  static CurlLibrary curl;
  static std::once_flag once;
  static Status outcome;
  std::call_once(once, [] { outcome = Open(curl); });
  if (!outcome.ok()) return outcome;
  return &curl;
}

}  // namespace maestro::models
