# Runs backprop-trace on one model and compares what it writes with the
# expected output, byte for byte; it must also exit with 0 and write nothing
# to stderr. Run by CTest with cmake -P, from the source directory:
#
#   cmake -DTOOL=... -DOPTIONS="--format json" -DMODEL=graphs/x.expr
#         -DEXPECTED=tests/golden/x.json -DACTUAL=build/.../x.json
#         -P compare_output.cmake
cmake_minimum_required(VERSION 3.25)

set(regenerate "run tests/golden/regenerate, review the diff and commit it")
if(NOT EXISTS ${EXPECTED})
  message(FATAL_ERROR "no expected output for ${MODEL}: ${EXPECTED} is "
                      "missing; ${regenerate}")
endif()

separate_arguments(options UNIX_COMMAND "${OPTIONS}")
cmake_path(GET ACTUAL PARENT_PATH actual_dir)
file(MAKE_DIRECTORY ${actual_dir})
execute_process(COMMAND ${TOOL} ${options} ${MODEL}
                OUTPUT_FILE ${ACTUAL}
                ERROR_VARIABLE errors
                RESULT_VARIABLE result)

string(JOIN " " command backprop-trace ${options} ${MODEL})
if(NOT result STREQUAL "0")
  message(FATAL_ERROR "'${command}' exited with ${result}:\n${errors}")
endif()
if(NOT errors STREQUAL "")
  message(FATAL_ERROR "'${command}' wrote to stderr:\n${errors}")
endif()

execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${EXPECTED}
                        ${ACTUAL}
                RESULT_VARIABLE different)
if(different)
  # A diff, where the system has one, shows what changed.
  find_program(diff diff)
  if(diff)
    execute_process(COMMAND ${diff} -u ${EXPECTED} ${ACTUAL})
  endif()
  message(FATAL_ERROR "the output of '${command}' differs from ${EXPECTED} "
                      "(it is in ${ACTUAL}); if the change is intended, "
                      "${regenerate}")
endif()
