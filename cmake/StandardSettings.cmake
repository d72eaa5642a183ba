# Interface targets every sbfn target links: language level and warnings-as-errors.
add_library(standard_settings INTERFACE)
target_compile_features(standard_settings INTERFACE cxx_std_20)
target_include_directories(standard_settings INTERFACE "${CMAKE_SOURCE_DIR}/src")
target_compile_definitions(standard_settings INTERFACE SBFN_VERSION="${PROJECT_VERSION}")

add_library(standard_warnings INTERFACE)
target_compile_options(standard_warnings INTERFACE -Wall -Wextra -Werror -Wno-unused-parameter
  # GCC 12 reports impossible overlaps inside std::string at -O2 (GCC bug 105329).
  -Wno-restrict)

# -DSANITIZE=address,undefined (make test-asan) or thread (make test-tsan): every sbfn
# target instrumented. V8 is not (Debian's libnode), so ASan sees our memory only and TSan
# our accesses only (tests/tsan.supp); UBSan's vptr check is off because V8's classes have
# no typeinfo (libnode is built -fno-rtti).
set(SANITIZE "" CACHE STRING "Sanitizers to build with, e.g. address,undefined")
if(SANITIZE)
  target_compile_options(standard_settings INTERFACE -fsanitize=${SANITIZE} -fno-sanitize=vptr
                         -fno-omit-frame-pointer -fno-sanitize-recover=all)
  target_link_options(standard_settings INTERFACE -fsanitize=${SANITIZE} -fno-sanitize=vptr)
  # GCC warns of uninitialised values inside Boost.Beast's parser only when instrumented (a
  # known false positive of -fsanitize=address with -O2).
  target_compile_options(standard_warnings INTERFACE -Wno-maybe-uninitialized)
  if(SANITIZE MATCHES "thread")
    # GCC warns that TSan does not model std::atomic_thread_fence, which Boost.Asio's
    # std_fenced_block uses around each handler; the hand-off of a handler between threads
    # is ordered by the scheduler's mutex, which TSan does see (make test-tsan).
    target_compile_options(standard_warnings INTERFACE -Wno-tsan)
  endif()
endif()
