# exec-check (unikernel/tests/exec_check.c): execve from the inside; tests/integration/exec_test.cpp
# runs it from a tree that holds it as /bin/exec-check.  Included at the end of
# unikernel/CMakeLists.txt; adds to UK_TEST_APPS before its target.
add_custom_command(
  OUTPUT ${UK_TEST_APPS_DIR}/exec-check
  COMMAND ${CMAKE_COMMAND} -E make_directory ${UK_TEST_APPS_DIR}
  COMMAND ${MUSL_GCC} -static -O2 -Wall -Wextra ${ER_WERROR_FLAG}
          -I${CMAKE_SOURCE_DIR}/apps/include -o ${UK_TEST_APPS_DIR}/exec-check
          ${CMAKE_CURRENT_SOURCE_DIR}/tests/exec_check.c
  DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/tests/exec_check.c
          ${CMAKE_SOURCE_DIR}/apps/include/er_check.h
  COMMENT "musl-gcc -static unikernel/tests/exec-check"
  VERBATIM)
list(APPEND UK_TEST_APPS ${UK_TEST_APPS_DIR}/exec-check)
