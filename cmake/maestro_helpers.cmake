# maestro_test(NAME name SOURCES ... LIBS ... [LABELS fast|slow ...])
# Builds one GoogleTest binary and registers each of its tests with ctest.
include(GoogleTest)
function(maestro_test)
  cmake_parse_arguments(T "" "NAME" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${T_NAME} ${T_SOURCES})
  target_link_libraries(${T_NAME} PRIVATE ${T_LIBS} GTest::gtest GTest::gtest_main GTest::gmock Threads::Threads)
  if(NOT T_LABELS)
    set(T_LABELS fast)
  endif()
  gtest_discover_tests(${T_NAME}
    PROPERTIES LABELS "${T_LABELS}"
               ENVIRONMENT "MAESTRO_BINARY=${PROJECT_BINARY_DIR}/maestro;MAESTRO_SOURCE_DIR=${PROJECT_SOURCE_DIR};MAESTRO_BUILD_DIR=${PROJECT_BINARY_DIR}"
    DISCOVERY_TIMEOUT 60)
endfunction()
