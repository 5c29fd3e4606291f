# Every third-party library Maestro uses; docs/dependencies.md says why each is here.
find_package(Threads REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(PkgConfig REQUIRED)
find_package(Protobuf REQUIRED)
find_package(gRPC CONFIG REQUIRED)
find_package(Boost 1.74 CONFIG REQUIRED COMPONENTS system)
find_package(nlohmann_json CONFIG REQUIRED)
find_package(fmt CONFIG REQUIRED)
find_package(spdlog CONFIG REQUIRED)
find_package(CLI11 CONFIG REQUIRED)
find_package(yaml-cpp CONFIG REQUIRED)
find_package(prometheus-cpp CONFIG REQUIRED)
find_package(GTest CONFIG REQUIRED)
find_package(benchmark CONFIG REQUIRED)
# maestro models: downloads (libcurl, OpenSSL flavour), checksums (OpenSSL EVP), wheel members (libzip).
find_package(CURL REQUIRED)
find_package(OpenSSL REQUIRED)
# libzip's CMake config demands its command-line tools (zipcmp, zipmerge, ziptool); pkg-config does not.
pkg_check_modules(LIBZIP REQUIRED IMPORTED_TARGET libzip)

# libthriftnb is under-linked against libevent; naming libevent here keeps the link whole.
pkg_check_modules(THRIFT REQUIRED IMPORTED_TARGET thrift)
pkg_check_modules(POCKETSPHINX REQUIRED IMPORTED_TARGET pocketsphinx sphinxbase)
pkg_check_modules(ESPEAK REQUIRED IMPORTED_TARGET espeak-ng)
pkg_check_modules(SNDFILE REQUIRED IMPORTED_TARGET sndfile)
pkg_check_modules(SOXR REQUIRED IMPORTED_TARGET soxr)
pkg_check_modules(WEBRTC_AUDIO REQUIRED IMPORTED_TARGET webrtc-audio-processing)
# Debian ships cpp-httplib compiled; its -D flags change class layouts, so take them from pkg-config.
pkg_check_modules(CPP_HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)

find_program(MAESTRO_PYTHON3 NAMES python3 PATHS /usr/bin NO_DEFAULT_PATH)
set(MAESTRO_SYSTEM_PYTHON /usr/bin/python3 CACHE FILEPATH "Debian's interpreter, used by oracle and interop tests")

# RHVoice (Debian non-free) ships no pkg-config or CMake files.
find_path(RHVOICE_INCLUDE_DIR RHVoice.h REQUIRED)
find_library(RHVOICE_LIBRARY RHVoice REQUIRED)
