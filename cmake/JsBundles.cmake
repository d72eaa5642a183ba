# Bundles JavaScript with esbuild (a pinned npm build dependency) at build time.
set(ESBUILD "${CMAKE_SOURCE_DIR}/node_modules/.bin/esbuild")

# sbfn_js_bundle(OUTPUT out ENTRY entry DEPENDS files... [ARGS extra esbuild args...])
function(sbfn_js_bundle)
  cmake_parse_arguments(B "" "OUTPUT;ENTRY" "DEPENDS;ARGS" ${ARGN})
  add_custom_command(
    OUTPUT "${B_OUTPUT}"
    COMMAND "${ESBUILD}" "${B_ENTRY}" --bundle --format=iife --platform=neutral
            --main-fields=module,main --target=chrome102 --log-level=warning
            --outfile=${B_OUTPUT} ${B_ARGS}
    DEPENDS ${B_DEPENDS} "${B_ENTRY}"
    COMMENT "Bundling ${B_OUTPUT}"
    VERBATIM)
endfunction()

# sbfn_embed(TARGET lib SYMBOL name FILE path): links the bytes of FILE into `lib` as
# `extern const char name[]; extern const unsigned long name_size;`.
function(sbfn_embed)
  cmake_parse_arguments(E "" "TARGET;SYMBOL;FILE" "" ${ARGN})
  set(asm "${CMAKE_CURRENT_BINARY_DIR}/embed_${E_SYMBOL}.S")
  file(WRITE "${asm}"
    "  .section .rodata\n  .global ${E_SYMBOL}\n  .global ${E_SYMBOL}_size\n  .balign 16\n"
    "${E_SYMBOL}:\n  .incbin \"${E_FILE}\"\n${E_SYMBOL}_end:\n  .byte 0\n"
    "  .balign 8\n${E_SYMBOL}_size:\n  .quad ${E_SYMBOL}_end - ${E_SYMBOL}\n"
    "  .section .note.GNU-stack,\"\",@progbits\n")
  set_source_files_properties("${asm}" PROPERTIES OBJECT_DEPENDS "${E_FILE}")
  target_sources(${E_TARGET} PRIVATE "${asm}")
endfunction()
