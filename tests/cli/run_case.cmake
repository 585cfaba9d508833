# Runs one bad-input case (see CMakeLists.txt) and checks what the tool did:
# exit code 1, nothing on standard output, and standard error equal to the
# expected file byte for byte. With BACKPROP_REGENERATE set in the
# environment, it writes standard error to the expected file instead.
#
#   cmake -DEXECUTABLE=... -DPROJECT_DIR=... -DCASES_DIR=... -DWORK_DIR=...
#         -DCASE=NAME -DKIND=bad|generated -P run_case.cmake

set(expected ${CASES_DIR}/${KIND}/${CASE}.stderr)
set(actual_out ${WORK_DIR}/output/${CASE}.stdout)
set(actual_err ${WORK_DIR}/output/${CASE}.stderr)
file(MAKE_DIRECTORY ${WORK_DIR}/output)

# ---- The input and the command line ----------------------------------------

# Writes generated/NAME.expr under WORK_DIR: inputs too large to commit.
function(generate name)
  set(n 100000)
  if(name STREQUAL "deep_parentheses")
    string(REPEAT "(" ${n} open)
    string(REPEAT ")" ${n} close)
    set(text "y = ${open}1${close}\n")
  elseif(name STREQUAL "deep_unary_minus")
    string(REPEAT "-" ${n} signs)
    set(text "x = 2\ny = ${signs}x\n")
  elseif(name STREQUAL "power_tower")
    string(REPEAT "^2" ${n} tower)
    set(text "y = 2${tower}\n")
  elseif(name STREQUAL "long_sum")
    string(REPEAT " + x" ${n} terms)
    set(text "x = 1\ny = x${terms}\n")
  else()
    message(FATAL_ERROR "no generator for the case '${name}'")
  endif()
  file(WRITE ${WORK_DIR}/generated/${name}.expr "${text}")
endfunction()

if(KIND STREQUAL "generated")
  generate(${CASE})
  set(directory ${WORK_DIR})
  set(arguments generated/${CASE}.expr)
elseif(EXISTS ${CASES_DIR}/bad/${CASE}.args)
  set(directory ${PROJECT_DIR})
  file(STRINGS ${CASES_DIR}/bad/${CASE}.args arguments)
else()
  set(directory ${PROJECT_DIR})
  file(RELATIVE_PATH arguments ${PROJECT_DIR} ${CASES_DIR}/bad/${CASE}.expr)
endif()

# ---- Run and compare --------------------------------------------------------

execute_process(
  COMMAND ${EXECUTABLE} ${arguments}
  WORKING_DIRECTORY ${directory}
  OUTPUT_FILE ${actual_out}
  ERROR_FILE ${actual_err}
  RESULT_VARIABLE exit_code)

set(problems "")
if(NOT exit_code STREQUAL "1")
  string(APPEND problems "exit code ${exit_code}, expected 1\n")
endif()
file(SIZE ${actual_out} out_size)
if(NOT out_size EQUAL 0)
  string(APPEND problems "standard output is not empty: ${actual_out}\n")
endif()

if(DEFINED ENV{BACKPROP_REGENERATE})
  file(COPY_FILE ${actual_err} ${expected})
  message(STATUS "wrote ${expected}")
elseif(NOT EXISTS ${expected})
  string(APPEND problems
         "no expected output ${expected}; run tests/cli/regenerate\n")
else()
  execute_process(
    COMMAND ${CMAKE_COMMAND} -E compare_files ${actual_err} ${expected}
    RESULT_VARIABLE different)
  if(different)
    # Printed as it is: message() would rewrap the lines.
    find_program(diff_program diff)
    if(diff_program)
      execute_process(COMMAND ${diff_program} -u ${expected} ${actual_err})
    else()
      execute_process(COMMAND ${CMAKE_COMMAND} -E cat ${actual_err})
    endif()
    string(APPEND problems "standard error differs from ${expected}\n")
  endif()
endif()

if(problems)
  message(FATAL_ERROR "backprop-trace ${arguments}\n${problems}")
endif()
