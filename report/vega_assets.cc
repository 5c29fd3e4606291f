#include "report/vega_assets.h"

// The build passes the paths of the npm-installed files (report/CMakeLists.txt); .incbin copies their bytes
// into .rodata between begin/end labels.
__asm__(
    ".section .rodata\n"
    ".global maestro_vega_js_begin\n.global maestro_vega_js_end\n"
    ".global maestro_vega_lite_js_begin\n.global maestro_vega_lite_js_end\n"
    ".global maestro_vega_embed_js_begin\n.global maestro_vega_embed_js_end\n"
    "maestro_vega_js_begin:\n.incbin \"" MAESTRO_VEGA_JS
    "\"\nmaestro_vega_js_end:\n"
    "maestro_vega_lite_js_begin:\n.incbin \"" MAESTRO_VEGA_LITE_JS
    "\"\nmaestro_vega_lite_js_end:\n"
    "maestro_vega_embed_js_begin:\n.incbin \"" MAESTRO_VEGA_EMBED_JS
    "\"\nmaestro_vega_embed_js_end:\n"
    ".previous\n");

extern "C" {
extern const char maestro_vega_js_begin[], maestro_vega_js_end[];
extern const char maestro_vega_lite_js_begin[], maestro_vega_lite_js_end[];
extern const char maestro_vega_embed_js_begin[], maestro_vega_embed_js_end[];
}

namespace maestro::report {

std::string_view VegaJs() {
  return {maestro_vega_js_begin, maestro_vega_js_end};
}
std::string_view VegaLiteJs() {
  return {maestro_vega_lite_js_begin, maestro_vega_lite_js_end};
}
std::string_view VegaEmbedJs() {
  return {maestro_vega_embed_js_begin, maestro_vega_embed_js_end};
}

}  // namespace maestro::report
