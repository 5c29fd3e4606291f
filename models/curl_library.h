// CurlLibrary: libcurl, opened when the first download starts instead of linked into the binary. Only `maestro
// models` downloads; linked, libcurl and the libraries it needs (GnuTLS, Kerberos, LDAP, SSH, ...) took 3.5 MB of
// resident memory in every process, Maestro and each service included.
#pragma once

#include <curl/curl.h>

#include "common/status.h"

namespace maestro::models {

// The libcurl functions the downloader calls.
struct CurlLibrary {
  decltype(&curl_easy_init) easy_init;
  decltype(&curl_easy_cleanup) easy_cleanup;
  decltype(&curl_easy_setopt) easy_setopt;
  decltype(&curl_easy_perform) easy_perform;
  decltype(&curl_easy_getinfo) easy_getinfo;
  decltype(&curl_easy_strerror) easy_strerror;
};

// RETURNS libcurl, opened and initialised (curl_global_init) on the first call, or kUnavailable naming the library
// when it cannot be opened. THREAD-SAFETY: safe to call concurrently; the library stays open.
Result<const CurlLibrary*> OpenCurl();

}  // namespace maestro::models
