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
  # Paths reach tests through tests/support (compiled in), not the environment: ctest's ENVIRONMENT list
  # does not survive gtest_discover_tests' own list handling.
  gtest_discover_tests(${T_NAME} PROPERTIES LABELS "${T_LABELS}" DISCOVERY_TIMEOUT 60)
endfunction()
