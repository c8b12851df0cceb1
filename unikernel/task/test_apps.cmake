# thread-check with musl (musl-gcc -static) and with glibc (gcc -static): their pthreads differ
# (glibc tries clone3 first, musl requeues condvar waiters with FUTEX_REQUEUE), so both run
# (unikernel/tests/thread_check.c).  Included at the end of unikernel/CMakeLists.txt; adds to
# UK_TEST_APPS before its target.
add_custom_command(
  OUTPUT ${UK_TEST_APPS_DIR}/thread-check
  COMMAND ${CMAKE_COMMAND} -E make_directory ${UK_TEST_APPS_DIR}
  COMMAND ${MUSL_GCC} -static -pthread -O2 -Wall -Wextra ${ER_WERROR_FLAG}
          -I${CMAKE_SOURCE_DIR}/apps/include -o ${UK_TEST_APPS_DIR}/thread-check
          ${CMAKE_CURRENT_SOURCE_DIR}/tests/thread_check.c
  DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/tests/thread_check.c
          ${CMAKE_SOURCE_DIR}/apps/include/er_check.h
  COMMENT "musl-gcc -static unikernel/tests/thread-check"
  VERBATIM)
add_custom_command(
  OUTPUT ${UK_TEST_APPS_DIR}/thread-check-glibc
  COMMAND ${CMAKE_COMMAND} -E make_directory ${UK_TEST_APPS_DIR}
  COMMAND ${CMAKE_C_COMPILER} -static -pthread -O2 -Wall -Wextra ${ER_WERROR_FLAG}
          -I${CMAKE_SOURCE_DIR}/apps/include -o ${UK_TEST_APPS_DIR}/thread-check-glibc
          ${CMAKE_CURRENT_SOURCE_DIR}/tests/thread_check.c
  DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/tests/thread_check.c
          ${CMAKE_SOURCE_DIR}/apps/include/er_check.h
  COMMENT "gcc -static (glibc) unikernel/tests/thread-check-glibc"
  VERBATIM)
list(APPEND UK_TEST_APPS ${UK_TEST_APPS_DIR}/thread-check ${UK_TEST_APPS_DIR}/thread-check-glibc)
