# The vDSO (unikernel/vdso/vdso.c): a freestanding, position-independent shared object built with
# the host C compiler and its own linker script and version script, then embedded into the kernel
# by vdso_image.S (.incbin).  Included from unikernel/CMakeLists.txt, so the custom command and
# the kernel target share one directory scope.  ${ER_VDSO_SO} is also what tests/unit/vdso checks.
set(ER_VDSO_DIR ${CMAKE_CURRENT_SOURCE_DIR}/vdso)
set(ER_VDSO_OUT ${CMAKE_BINARY_DIR}/unikernel/vdso)
set(ER_VDSO_SO ${ER_VDSO_OUT}/vdso.so CACHE INTERNAL "the built vDSO image")
add_custom_command(
  OUTPUT ${ER_VDSO_SO}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${ER_VDSO_OUT}
  # No stack protector, unwind tables or CET notes: nothing here may need writable data or a
  # relocation.  General registers only: no SSE state is touched in user mode either.
  COMMAND ${CMAKE_C_COMPILER} -std=c11 -O2 -fPIC -ffreestanding -fno-builtin -fno-stack-protector
          -fno-asynchronous-unwind-tables -fno-unwind-tables -fcf-protection=none
          -mgeneral-regs-only -Wall -Wextra ${ER_WERROR_FLAG}
          -c ${ER_VDSO_DIR}/vdso.c -o ${ER_VDSO_OUT}/vdso.o
  COMMAND ${CMAKE_C_COMPILER} -nostdlib -shared -Wl,-T,${ER_VDSO_DIR}/vdso.ld
          -Wl,--version-script=${ER_VDSO_DIR}/vdso.lds -Wl,--hash-style=both
          -Wl,-soname=linux-vdso.so.1 -Wl,--build-id=none -Wl,-z,max-page-size=4096
          -Wl,-z,noexecstack -Wl,-Bsymbolic -Wl,--no-undefined
          -o ${ER_VDSO_SO} ${ER_VDSO_OUT}/vdso.o
  DEPENDS ${ER_VDSO_DIR}/vdso.c ${ER_VDSO_DIR}/vdso_data.h ${ER_VDSO_DIR}/vdso.ld
          ${ER_VDSO_DIR}/vdso.lds
  COMMENT "vDSO image unikernel/vdso/vdso.so"
  VERBATIM)
add_custom_target(vdso_image DEPENDS ${ER_VDSO_SO})
set_source_files_properties(${ER_VDSO_DIR}/vdso_image.S PROPERTIES
  OBJECT_DEPENDS ${ER_VDSO_SO}
  COMPILE_DEFINITIONS "ER_VDSO_SO=\"${ER_VDSO_SO}\"")
