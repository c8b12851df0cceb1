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

# fork-check (unikernel/tests/fork_check.c): fork, wait and the process tree; fork-check-pie, a
# musl static PIE, so it can get an MPK domain (tests/integration/fork_test.cpp).
add_custom_command(
  OUTPUT ${UK_TEST_APPS_DIR}/fork-check
  COMMAND ${CMAKE_COMMAND} -E make_directory ${UK_TEST_APPS_DIR}
  COMMAND ${MUSL_GCC} -static -O2 -Wall -Wextra ${ER_WERROR_FLAG}
          -I${CMAKE_SOURCE_DIR}/apps/include -o ${UK_TEST_APPS_DIR}/fork-check
          ${CMAKE_CURRENT_SOURCE_DIR}/tests/fork_check.c
  DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/tests/fork_check.c
          ${CMAKE_SOURCE_DIR}/apps/include/er_check.h
  COMMENT "musl-gcc -static unikernel/tests/fork-check"
  VERBATIM)
set(m /usr/lib/x86_64-linux-musl)
execute_process(COMMAND ${CMAKE_C_COMPILER} -print-file-name=crtbeginS.o
                OUTPUT_VARIABLE ER_FORK_CRTBEGIN OUTPUT_STRIP_TRAILING_WHITESPACE)
execute_process(COMMAND ${CMAKE_C_COMPILER} -print-file-name=crtendS.o
                OUTPUT_VARIABLE ER_FORK_CRTEND OUTPUT_STRIP_TRAILING_WHITESPACE)
add_custom_command(
  OUTPUT ${UK_TEST_APPS_DIR}/fork-check-pie
  COMMAND ${CMAKE_COMMAND} -E make_directory ${UK_TEST_APPS_DIR}
  COMMAND ${MUSL_GCC} -fPIE -pie -Wl,-static -Wl,--no-dynamic-linker -nostartfiles
          ${m}/rcrt1.o ${m}/crti.o ${ER_FORK_CRTBEGIN} -O2 -Wall -Wextra ${ER_WERROR_FLAG}
          -I${CMAKE_SOURCE_DIR}/apps/include -o ${UK_TEST_APPS_DIR}/fork-check-pie
          ${CMAKE_CURRENT_SOURCE_DIR}/tests/fork_check.c ${ER_FORK_CRTEND} ${m}/crtn.o
  DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/tests/fork_check.c
          ${CMAKE_SOURCE_DIR}/apps/include/er_check.h
  COMMENT "musl-gcc static PIE unikernel/tests/fork-check-pie"
  VERBATIM)
list(APPEND UK_TEST_APPS ${UK_TEST_APPS_DIR}/fork-check ${UK_TEST_APPS_DIR}/fork-check-pie)
