# signal-check with static glibc (gcc -static), next to the musl one of the unikernel's test app
# list: glibc's sigaction restorer, sigsetjmp and sigtimedwait differ from musl's
# (unikernel/tests/signal_check.c).  Included at the end of unikernel/CMakeLists.txt; adds to
# UK_TEST_APPS before its target.
add_custom_command(
  OUTPUT ${UK_TEST_APPS_DIR}/signal-check-glibc
  COMMAND ${CMAKE_COMMAND} -E make_directory ${UK_TEST_APPS_DIR}
  COMMAND ${CMAKE_C_COMPILER} -static -O2 -Wall -Wextra ${ER_WERROR_FLAG}
          -I${CMAKE_SOURCE_DIR}/apps/include -o ${UK_TEST_APPS_DIR}/signal-check-glibc
          ${CMAKE_CURRENT_SOURCE_DIR}/tests/signal_check.c
  DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/tests/signal_check.c
          ${CMAKE_SOURCE_DIR}/apps/include/er_check.h
  COMMENT "gcc -static (glibc) unikernel/tests/signal-check-glibc"
  VERBATIM)
list(APPEND UK_TEST_APPS ${UK_TEST_APPS_DIR}/signal-check-glibc)
