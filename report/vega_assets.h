// The Vega, Vega-Lite and vega-embed browser builds, embedded in the binary at build time (npm ci + .incbin,
// see report/CMakeLists.txt) so every HTML report carries them inline and opens offline.
#pragma once

#include <string_view>

namespace maestro::report {

std::string_view VegaJs();
std::string_view VegaLiteJs();
std::string_view VegaEmbedJs();

}  // namespace maestro::report
