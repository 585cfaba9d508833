# Builds the project with AddressSanitizer and UBSan in its own directory and
# runs its whole test suite there. Run by CTest as one test.
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE result)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "failed (${result}): ${ARGN}")
  endif()
endfunction()

if(NOT EXISTS ${BINARY_DIR}/CMakeCache.txt)
  run(${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${BINARY_DIR}
      -DCMAKE_BUILD_TYPE=Debug -DBACKPROP_SANITIZE=ON
      -DBACKPROP_SANITIZER_SUITE=OFF)
endif()
cmake_host_system_information(RESULT jobs QUERY NUMBER_OF_LOGICAL_CORES)
run(${CMAKE_COMMAND} --build ${BINARY_DIR} -j ${jobs})
set(ENV{ASAN_OPTIONS} "detect_leaks=1:abort_on_error=0:halt_on_error=1")
set(ENV{UBSAN_OPTIONS} "print_stacktrace=1:halt_on_error=1")
run(${CMAKE_CTEST_COMMAND} --test-dir ${BINARY_DIR} --output-on-failure
    -j ${jobs})
