# maestro_test(NAME name SOURCES ... LIBS ... [LABELS fast|slow ...] [SERIAL] [MODELS])
# SERIAL: timing-accuracy tests that must not share the 2 cores with other tests.
# MODELS: tests of the neural engines; ctest runs models_fetch_defaults (tests/models) before them, and gives each
# both cores: ggml's worker threads spin at barriers, so two model tests side by side slow each other down tenfold
# (CI saw under 1 token/s and a 180 s deadline pass). Their label gets the suffix `-models` (e.g. slow-models),
# which the sanitizer test presets leave out: the fast and integration tiers are what ASan and TSan check.
# Builds one GoogleTest binary and registers each of its tests with ctest, except tests named *OnSharedData: they
# read the project owner's fixtures in ../shared/data, which are for evaluations, so scripts/check-shared-data.sh
# runs them and ctest never does.
include(GoogleTest)
function(maestro_test)
  cmake_parse_arguments(T "SERIAL;MODELS" "NAME" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${T_NAME} ${T_SOURCES})
  target_link_libraries(${T_NAME} PRIVATE maestro_warnings ${T_LIBS} GTest::gtest GTest::gtest_main GTest::gmock Threads::Threads)
  if(NOT T_LABELS)
    set(T_LABELS fast)
  endif()
  # Paths reach tests through tests/support (compiled in), not the environment: ctest's ENVIRONMENT list
  # does not survive gtest_discover_tests' own list handling.
  set(serial FALSE)
  if(T_SERIAL)
    set(serial TRUE)
  endif()
  set(fixtures "")
  set(processors 1)
  if(T_MODELS)
    set(fixtures maestro_models)
    set(processors 2)
    # One label, not a list: gtest_discover_tests (CMake 3.25) writes PROPERTIES unquoted, so a second label
    # would be read as a property name. `ctest -L slow` and `-LE models` match it, since labels are regexes.
    list(JOIN T_LABELS "-" T_LABELS)
    string(APPEND T_LABELS "-models")
  endif()
  gtest_discover_tests(${T_NAME} PROPERTIES LABELS "${T_LABELS}" RUN_SERIAL ${serial} FIXTURES_REQUIRED "${fixtures}"
                       PROCESSORS ${processors}
                       TEST_FILTER "-*OnSharedData" DISCOVERY_TIMEOUT 60)
endfunction()
