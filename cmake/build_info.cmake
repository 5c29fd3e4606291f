# Writes common/build_info.cc at build time (cmake -P), so that --version and every experiment manifest name the
# commit the binary was really built from, with "+dirty" when tracked files differ from it. configure_file
# rewrites the file only when its text changes, so a build without a new commit recompiles nothing.
execute_process(COMMAND git rev-parse --short=12 HEAD WORKING_DIRECTORY ${SOURCE_DIR} RESULT_VARIABLE rev_failed
                OUTPUT_VARIABLE MAESTRO_GIT_COMMIT OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
if(rev_failed OR NOT MAESTRO_GIT_COMMIT)
  set(MAESTRO_GIT_COMMIT unknown)
else()
  execute_process(COMMAND git status --porcelain --untracked-files=no WORKING_DIRECTORY ${SOURCE_DIR}
                  OUTPUT_VARIABLE changes ERROR_QUIET)
  if(changes)
    string(APPEND MAESTRO_GIT_COMMIT "+dirty")
  endif()
endif()
configure_file(${TEMPLATE} ${OUTPUT} @ONLY)
