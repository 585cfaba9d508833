# Checks the graph of one model against Graphviz. Run by CTest with
# cmake -P, from the source directory:
#
#   cmake -DTOOL=... -DMODEL=graphs/x.expr -DOPTIONS="--expand"
#         -DMODE=dot|svg|no-dot -DWORK=build/.../x -P dot_accepts.cmake
#
# MODE=dot: Graphviz's dot reads --format dot and lays it out without an
# error or a warning. MODE=svg: --format svg writes an SVG picture with one
# node per node of the graph. MODE=no-dot: without dot on PATH, --format
# svg fails with exit code 1, writes nothing, and says how to install it.
# Graphviz (Debian: graphviz) must be installed for the first two: without
# it they fail.
cmake_minimum_required(VERSION 3.25)

separate_arguments(options UNIX_COMMAND "${OPTIONS}")
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})

if(MODE STREQUAL "no-dot")
  execute_process(COMMAND ${CMAKE_COMMAND} -E env PATH=${WORK}
                          ${TOOL} --format svg ${options} ${MODEL}
                  OUTPUT_VARIABLE out
                  ERROR_VARIABLE errors
                  RESULT_VARIABLE result)
  string(FIND "${errors}" "apt-get install graphviz" hint)
  if(NOT result STREQUAL "1" OR NOT out STREQUAL "" OR hint EQUAL -1)
    message(FATAL_ERROR "without dot, --format svg exited with ${result}, "
                        "wrote '${out}' and said:\n${errors}")
  endif()
  return()
endif()

find_program(dot dot)
if(NOT dot)
  message(FATAL_ERROR "Graphviz's dot is not installed, so the graph "
                      "cannot be checked; on Debian or Ubuntu: apt-get "
                      "install graphviz")
endif()

# Runs the tool with `format` into WORK/graph.<format>; fails unless it
# succeeds silently.
function(run_tool format)
  execute_process(COMMAND ${TOOL} --format ${format} ${options} ${MODEL}
                  OUTPUT_FILE ${WORK}/graph.${format}
                  ERROR_VARIABLE errors
                  RESULT_VARIABLE result)
  if(NOT result STREQUAL "0" OR NOT errors STREQUAL "")
    string(JOIN " " command backprop-trace --format ${format} ${options}
           ${MODEL})
    message(FATAL_ERROR "'${command}' exited with ${result}:\n${errors}")
  endif()
endfunction()

run_tool(dot)
if(MODE STREQUAL "dot")
  execute_process(COMMAND ${dot} -Tsvg -o ${WORK}/by_dot.svg
                          ${WORK}/graph.dot
                  OUTPUT_VARIABLE out
                  ERROR_VARIABLE errors
                  RESULT_VARIABLE result)
  if(NOT result STREQUAL "0" OR NOT errors STREQUAL "")
    message(FATAL_ERROR "dot did not accept the graph of ${MODEL} "
                        "(${WORK}/graph.dot); it exited with ${result} and "
                        "said:\n${errors}")
  endif()
  return()
endif()

# One node statement per node of the model, `  n<id> [...]`; the SVG has
# one <g class="node"> for each.
run_tool(svg)
file(STRINGS ${WORK}/graph.dot declared ENCODING UTF-8 REGEX "^  n[0-9]+ \\[")
list(LENGTH declared expected)
file(READ ${WORK}/graph.svg svg)
string(REGEX MATCHALL "<g id=\"node[0-9]+\" class=\"node\">" drawn "${svg}")
list(LENGTH drawn count)
string(FIND "${svg}" "<svg " start)
if(start EQUAL -1 OR NOT count EQUAL expected OR expected EQUAL 0)
  message(FATAL_ERROR "--format svg of ${MODEL} drew ${count} nodes of "
                      "${expected} (${WORK}/graph.svg)")
endif()
