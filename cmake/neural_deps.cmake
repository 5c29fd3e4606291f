# llama.cpp and whisper.cpp, the neural engines' native code, come from the npm registry (the only place these
# machines reach that carries them), pinned here by version and sha256 and unpacked into the build tree at
# configure time. Nothing of them is committed. docs/dependencies.md says why each is here.
#
#   node-llama-cpp             llama.cpp v0.5.0 as a git bundle: the headers of llama and ggml 0.25.1
#   @node-llama-cpp/linux-x64  libllama and libggml* built from that tag, with run-time-selected CPU variants
#   nodejs-whisper             whisper.cpp v1.9.1 sources; src/whisper.cpp is compiled against the ggml above,
#                              so both engines share one ggml in one process
#   com.github.asus4.onnxruntime  ONNX Runtime 1.29.0 for the piper engine: the Linux x64 libonnxruntime and the
#                              official C/C++ headers (shipped in its iOS framework, which are the same on every
#                              platform); only those are unpacked
find_program(MAESTRO_NPM npm REQUIRED)
find_package(Git REQUIRED)

set(MAESTRO_NPM_DEPS_DIR ${CMAKE_BINARY_DIR}/_deps CACHE PATH "Where npm-provided native dependencies are unpacked")

# maestro_npm_package(NAME VERSION SHA256 OUT_DIR [PATTERN...]): packs NAME@VERSION (no install scripts run),
# checks the tarball's sha256 and unpacks it (only the paths matching the PATTERNs, when given) into
# ${MAESTRO_NPM_DEPS_DIR}/<dir>; OUT_DIR receives the package root.
function(maestro_npm_package name version sha256 out_dir)
  string(REGEX REPLACE "^@" "" flat "${name}")
  string(REPLACE "/" "-" flat "${flat}")
  set(root ${MAESTRO_NPM_DEPS_DIR}/${flat}-${version})
  set(${out_dir} ${root}/package PARENT_SCOPE)
  if(EXISTS ${root}/.unpacked)
    return()
  endif()
  set(tarball ${MAESTRO_NPM_DEPS_DIR}/${flat}-${version}.tgz)
  if(NOT EXISTS ${tarball})
    message(STATUS "npm pack ${name}@${version}")
    execute_process(COMMAND ${MAESTRO_NPM} pack ${name}@${version} --pack-destination ${MAESTRO_NPM_DEPS_DIR}
                            --loglevel=error
                    WORKING_DIRECTORY ${MAESTRO_NPM_DEPS_DIR} RESULT_VARIABLE rc OUTPUT_QUIET)
    if(NOT rc EQUAL 0 OR NOT EXISTS ${tarball})
      message(FATAL_ERROR "npm pack ${name}@${version} failed (is the npm registry reachable?)")
    endif()
  endif()
  file(SHA256 ${tarball} actual)
  if(NOT actual STREQUAL sha256)
    file(REMOVE ${tarball})
    message(FATAL_ERROR "${name}@${version}: sha256 ${actual}, expected ${sha256}; the tarball was removed")
  endif()
  file(REMOVE_RECURSE ${root})
  if(ARGN)
    file(ARCHIVE_EXTRACT INPUT ${tarball} DESTINATION ${root} PATTERNS ${ARGN})
  else()
    file(ARCHIVE_EXTRACT INPUT ${tarball} DESTINATION ${root})
  endif()
  file(TOUCH ${root}/.unpacked)
endfunction()

file(MAKE_DIRECTORY ${MAESTRO_NPM_DEPS_DIR})
maestro_npm_package(node-llama-cpp 3.22.1
  a0d9dd80eacd2ab1cfe71aee57ac8a806487fd70b3d2a38fbec637752d9e5c5f node_llama_cpp_dir)
maestro_npm_package(@node-llama-cpp/linux-x64 3.22.1
  0d953e1503d5ab4608d8ed5b739132308c81ac05ffeb760d2a7f30e08a9f90e0 llama_bins_package_dir)
maestro_npm_package(nodejs-whisper 0.3.1
  92041caf2b26c74b7f489fedf37bd093f216eebd61df512045ec2d19d0531d37 nodejs_whisper_dir)
maestro_npm_package(com.github.asus4.onnxruntime 0.4.9
  e59788788818fdde1b2e522e766a21ba0f7d8391de55737abf81e32cc801785d onnxruntime_package_dir
  package/Plugins/Linux/x64/libonnxruntime.so
  "package/Plugins/iOS~/onnxruntime.xcframework/ios-arm64/onnxruntime.framework/Headers/*"
  package/LICENSE package/ThirdPartyNotices.txt)

# The llama.cpp tree (headers only are used) is a git bundle inside node-llama-cpp.
set(LLAMA_CPP_DIR ${MAESTRO_NPM_DEPS_DIR}/llama.cpp-v0.5.0)
if(NOT EXISTS ${LLAMA_CPP_DIR}/include/llama.h)
  file(REMOVE_RECURSE ${LLAMA_CPP_DIR})
  execute_process(COMMAND ${GIT_EXECUTABLE} clone --quiet ${node_llama_cpp_dir}/llama/gitRelease.bundle ${LLAMA_CPP_DIR}
                  RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "could not clone llama.cpp from node-llama-cpp's bundle")
  endif()
endif()

# Where the prebuilt libraries live; the CPU variants (libggml-cpu-*.so) are loaded from here at run time.
set(MAESTRO_GGML_LIB_DIR ${llama_bins_package_dir}/bins/linux-x64)

function(maestro_import_shared target file include_dirs)
  add_library(${target} SHARED IMPORTED GLOBAL)
  set_target_properties(${target} PROPERTIES
    IMPORTED_LOCATION ${MAESTRO_GGML_LIB_DIR}/${file}
    IMPORTED_NO_SONAME FALSE
    INTERFACE_INCLUDE_DIRECTORIES "${include_dirs}")
endfunction()
maestro_import_shared(maestro::ggml_base libggml-base.so ${LLAMA_CPP_DIR}/ggml/include)
maestro_import_shared(maestro::ggml libggml.v0.5.0.so ${LLAMA_CPP_DIR}/ggml/include)
maestro_import_shared(maestro::llama libllama.v0.5.0.so "${LLAMA_CPP_DIR}/include;${LLAMA_CPP_DIR}/ggml/include")
set_property(TARGET maestro::ggml APPEND PROPERTY INTERFACE_LINK_LIBRARIES maestro::ggml_base)
set_property(TARGET maestro::llama APPEND PROPERTY INTERFACE_LINK_LIBRARIES maestro::ggml)

# whisper.cpp's one source file, third-party code compiled without our warnings.
set(WHISPER_CPP_DIR ${nodejs_whisper_dir}/cpp/whisper.cpp)
add_library(maestro_whisper_cpp STATIC ${WHISPER_CPP_DIR}/src/whisper.cpp)
set_target_properties(maestro_whisper_cpp PROPERTIES CXX_STANDARD 17 POSITION_INDEPENDENT_CODE ON)
target_compile_definitions(maestro_whisper_cpp PRIVATE WHISPER_VERSION="1.9.1")
target_compile_options(maestro_whisper_cpp PRIVATE -w)
target_include_directories(maestro_whisper_cpp SYSTEM PUBLIC ${WHISPER_CPP_DIR}/include)
target_link_libraries(maestro_whisper_cpp PUBLIC maestro::ggml)

# ONNX Runtime for the piper engine: headers at build time; the library is loaded with dlopen when a Piper voice
# is (engines/piper), from $MAESTRO_ONNXRUNTIME_DIR or this folder, under its SONAME libonnxruntime.so.1.
set(MAESTRO_ONNXRUNTIME_LIB_DIR ${onnxruntime_package_dir}/Plugins/Linux/x64)
file(CREATE_LINK libonnxruntime.so ${MAESTRO_ONNXRUNTIME_LIB_DIR}/libonnxruntime.so.1 SYMBOLIC)
add_library(maestro_onnxruntime_headers INTERFACE)
target_include_directories(maestro_onnxruntime_headers SYSTEM INTERFACE
  "${onnxruntime_package_dir}/Plugins/iOS~/onnxruntime.xcframework/ios-arm64/onnxruntime.framework/Headers")
target_compile_definitions(maestro_onnxruntime_headers INTERFACE
  MAESTRO_ONNXRUNTIME_LIB_DIR="${MAESTRO_ONNXRUNTIME_LIB_DIR}")
