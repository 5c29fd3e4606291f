// SHA-256 of files, with OpenSSL's EVP interface.
#pragma once

#include <string>

#include "common/status.h"

namespace maestro::models {

// RETURNS the lower-case hex SHA-256 of the file at `path`, or kNotFound when it cannot be read.
Result<std::string> Sha256File(const std::string& path);

}  // namespace maestro::models
