# uk_test_app(NAME SOURCE LIBC [PTHREAD]): one check app of unikernel/tests/ built into
# ${UK_TEST_APPS_DIR}/NAME and added to UK_TEST_APPS (the unikernel_test_apps target), with the
# apps' warnings and apps/include/er_check.h.  LIBC says how real programs come:
#   musl       musl-gcc -static (the default shape)
#   musl-pie   musl static PIE, so the app can get an MPK domain
#   glibc      gcc -static: glibc's start-up, pthreads and signal code differ from musl's
# Included by unikernel/CMakeLists.txt before the per-concept test_apps.cmake files.
set(UK_MUSL_LIB /usr/lib/x86_64-linux-musl)
execute_process(COMMAND ${CMAKE_C_COMPILER} -print-file-name=crtbeginS.o
                OUTPUT_VARIABLE UK_CRTBEGIN_S OUTPUT_STRIP_TRAILING_WHITESPACE)
execute_process(COMMAND ${CMAKE_C_COMPILER} -print-file-name=crtendS.o
                OUTPUT_VARIABLE UK_CRTEND_S OUTPUT_STRIP_TRAILING_WHITESPACE)

function(uk_test_app name source libc)
  set(out ${UK_TEST_APPS_DIR}/${name})
  set(src ${CMAKE_SOURCE_DIR}/unikernel/tests/${source})
  set(flags -O2 -Wall -Wextra ${ER_WERROR_FLAG} -I${CMAKE_SOURCE_DIR}/apps/include ${ARGN})
  if(libc STREQUAL "musl")
    set(cmd ${MUSL_GCC} -static ${flags} -o ${out} ${src})
  elseif(libc STREQUAL "musl-pie")
    set(m ${UK_MUSL_LIB})
    set(cmd ${MUSL_GCC} -fPIE -pie -Wl,-static -Wl,--no-dynamic-linker -nostartfiles
            ${m}/rcrt1.o ${m}/crti.o ${UK_CRTBEGIN_S} ${flags} -o ${out} ${src} ${UK_CRTEND_S}
            ${m}/crtn.o)
  elseif(libc STREQUAL "glibc")
    set(cmd ${CMAKE_C_COMPILER} -static ${flags} -o ${out} ${src})
  else()
    message(FATAL_ERROR "uk_test_app ${name}: unknown libc '${libc}' (musl, musl-pie, glibc)")
  endif()
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${UK_TEST_APPS_DIR}
    COMMAND ${cmd}
    DEPENDS ${src} ${CMAKE_SOURCE_DIR}/apps/include/er_check.h
    COMMENT "${libc} unikernel/tests/${name}"
    VERBATIM)
  set(UK_TEST_APPS ${UK_TEST_APPS} ${out} PARENT_SCOPE)
endfunction()
