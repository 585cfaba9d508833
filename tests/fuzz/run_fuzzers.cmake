# Builds the fuzz targets with clang (tests/fuzz/project) and runs each for
# SECONDS on a copy of its seed corpus in tests/fuzz/corpus/<target>, so that
# the committed corpus is never changed. A crash, a leak, undefined
# behaviour, a timeout or running out of memory fails the test, and the
# input that caused it is kept in BINARY_DIR/artifacts. Run by CTest.
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE result)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "failed (${result}): ${ARGN}")
  endif()
endfunction()

if(NOT COMPILER)
  message("fuzzing skipped: no clang++ was found when the build was "
          "configured; install clang and libclang-rt-14-dev")
  return()
endif()

if(NOT EXISTS ${BINARY_DIR}/CMakeCache.txt)
  run(${CMAKE_COMMAND} -S ${SOURCE_DIR}/project -B ${BINARY_DIR}
      -DCMAKE_CXX_COMPILER=${COMPILER} -DCMAKE_BUILD_TYPE=Fuzz)
endif()
cmake_host_system_information(RESULT jobs QUERY NUMBER_OF_LOGICAL_CORES)
run(${CMAKE_COMMAND} --build ${BINARY_DIR} -j ${jobs})

set(ENV{ASAN_OPTIONS} "detect_leaks=1:abort_on_error=0")
set(ENV{UBSAN_OPTIONS} "print_stacktrace=1:halt_on_error=1")
file(MAKE_DIRECTORY ${BINARY_DIR}/artifacts)
foreach(target fuzz_model fuzz_answers_json fuzz_answers_csv)
  set(corpus ${BINARY_DIR}/corpus/${target})
  file(REMOVE_RECURSE ${corpus})
  file(MAKE_DIRECTORY ${corpus})
  file(GLOB seeds ${SOURCE_DIR}/corpus/${target}/*)
  file(COPY ${seeds} DESTINATION ${corpus})
  message("fuzzing ${target} for ${SECONDS} s")
  execute_process(
    COMMAND ${BINARY_DIR}/${target}
      -max_total_time=${SECONDS} -timeout=10 -rss_limit_mb=2048
      -max_len=8192 -print_final_stats=1
      -dict=${SOURCE_DIR}/${target}.dict
      -artifact_prefix=${BINARY_DIR}/artifacts/${target}-
      ${corpus}
    RESULT_VARIABLE result
    ERROR_VARIABLE log)
  string(REGEX MATCH "Done [0-9]+ runs in [0-9]+ second" done "${log}")
  if(NOT result EQUAL 0)
    message("${log}")
    message(FATAL_ERROR "${target} failed (${result}); the input is in "
                        "${BINARY_DIR}/artifacts")
  endif()
  message("${target}: ${done}s, no failure")
endforeach()
