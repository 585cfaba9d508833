# Runs validate_traces.py with a Python that can import jsonschema. Debian's
# python3-jsonschema belongs to /usr/bin/python3, which another python3
# first on PATH (pyenv, a virtualenv) may not see, so each candidate is
# tried at test time. No candidate is a failure, not a skip: the test
# suite's dependencies include the package.
set(candidates ${PYTHONS} /usr/bin/python3)
find_program(path_python NAMES python3 NO_CACHE)
if(path_python)
  list(APPEND candidates ${path_python})
endif()
list(REMOVE_DUPLICATES candidates)

foreach(python ${candidates})
  if(NOT EXISTS ${python})
    continue()
  endif()
  execute_process(COMMAND ${python} -c "import jsonschema"
                  RESULT_VARIABLE missing OUTPUT_QUIET ERROR_QUIET)
  if(missing EQUAL 0)
    execute_process(COMMAND ${python} ${SCRIPT} ${TOOL} ${SOURCE_DIR}
                    RESULT_VARIABLE result)
    if(NOT result EQUAL 0)
      message(FATAL_ERROR "schema validation failed (${result})")
    endif()
    return()
  endif()
endforeach()
string(JOIN ", " tried ${candidates})
message(FATAL_ERROR "no Python can import jsonschema (tried ${tried}); "
                    "install Debian's python3-jsonschema")
