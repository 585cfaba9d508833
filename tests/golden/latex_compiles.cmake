# Compiles the LaTeX trace of one model with pdflatex and fails on any
# LaTeX error, and on any line too long for the page (an overfull box),
# since a lecturer would have to fix both by hand. Run by CTest with
# cmake -P, from the source directory:
#
#   cmake -DTOOL=... -DMODEL=graphs/x.expr -DOPTIONS="--expand"
#         -DWRAP=standalone|fragment -DWORK=build/.../x -P latex_compiles.cmake
#
# WRAP=standalone compiles the document of --standalone as it is;
# WRAP=fragment pastes the fragment into an align* environment of a
# document that loads amsmath and nothing else. pdflatex (Debian:
# texlive-latex-base) must be installed: without it the test fails.
cmake_minimum_required(VERSION 3.25)

find_program(pdflatex pdflatex)
if(NOT pdflatex)
  message(FATAL_ERROR "pdflatex is not installed, so the LaTeX trace "
                      "cannot be checked; on Debian or Ubuntu: apt-get "
                      "install texlive-latex-base")
endif()

separate_arguments(options UNIX_COMMAND "${OPTIONS}")
if(WRAP STREQUAL "standalone")
  list(APPEND options --standalone)
endif()
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
execute_process(COMMAND ${TOOL} --format latex ${options} ${MODEL}
                OUTPUT_VARIABLE latex
                ERROR_VARIABLE errors
                RESULT_VARIABLE result)
string(JOIN " " command backprop-trace --format latex ${options} ${MODEL})
if(NOT result STREQUAL "0" OR NOT errors STREQUAL "")
  message(FATAL_ERROR "'${command}' exited with ${result}:\n${errors}")
endif()

if(WRAP STREQUAL "fragment")
  set(latex "\\documentclass{article}\n\\usepackage{amsmath}\n"
            "\\begin{document}\n\\begin{align*}\n${latex}"
            "\\end{align*}\n\\end{document}\n")
  string(JOIN "" latex ${latex})
endif()
file(WRITE ${WORK}/trace.tex "${latex}")

execute_process(COMMAND ${pdflatex} -interaction=nonstopmode -halt-on-error
                        -no-shell-escape -output-directory=${WORK}
                        ${WORK}/trace.tex
                OUTPUT_VARIABLE log
                ERROR_VARIABLE log
                RESULT_VARIABLE result)
if(NOT result STREQUAL "0")
  message(FATAL_ERROR "pdflatex failed on '${command}' (${WRAP}); the "
                      "document is ${WORK}/trace.tex:\n${log}")
endif()
if(NOT EXISTS ${WORK}/trace.pdf)
  message(FATAL_ERROR "pdflatex wrote no PDF for '${command}' (${WRAP})")
endif()

file(READ ${WORK}/trace.log full_log)
foreach(problem "Overfull \\hbox" "LaTeX Warning" "Missing character")
  string(FIND "${full_log}" "${problem}" at)
  if(NOT at EQUAL -1)
    message(FATAL_ERROR "pdflatex reported '${problem}' on '${command}' "
                        "(${WRAP}); see ${WORK}/trace.log:\n${full_log}")
  endif()
endforeach()
