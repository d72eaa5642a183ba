# V8 10.2 from Debian's libnode108/libnode-dev, unpacked (not installed: they conflict
# with the machine's Node.js) into .deps/libnode by scripts/bootstrap.sh.
set(V8_PREFIX "${CMAKE_SOURCE_DIR}/.deps/libnode/usr" CACHE PATH "Unpacked libnode prefix")
set(V8_LIBDIR "${V8_PREFIX}/lib/x86_64-linux-gnu")
if(NOT EXISTS "${V8_PREFIX}/include/node/v8.h")
  message(FATAL_ERROR "V8 headers not found under ${V8_PREFIX}: run scripts/bootstrap.sh")
endif()
add_library(dep_v8 INTERFACE)
target_include_directories(dep_v8 SYSTEM INTERFACE "${V8_PREFIX}/include/node")
target_link_libraries(dep_v8 INTERFACE "${V8_LIBDIR}/libnode.so.108")
target_link_options(dep_v8 INTERFACE "-Wl,-rpath,${V8_LIBDIR}")
