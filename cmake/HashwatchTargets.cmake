# Warning and sanitizer flags live on an INTERFACE target that our own targets link PRIVATE.
add_library(hashwatch_warnings INTERFACE)
target_compile_options(hashwatch_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow=local
  # g++ 12 misreports Asio's coroutine frame allocator (awaitable_frame_base::operator new/delete)
  # as mismatched once sanitizers change inlining; the pair is matched by construction.
  -Wno-mismatched-new-delete)
if(HASHWATCH_WERROR)
  target_compile_options(hashwatch_warnings INTERFACE -Werror)
endif()

add_library(hashwatch_sanitize INTERFACE)
if(HASHWATCH_SANITIZE)
  target_compile_options(hashwatch_sanitize INTERFACE -O1 -fsanitize=${HASHWATCH_SANITIZE} -fno-omit-frame-pointer
                                                      -fno-sanitize-recover=all)
  target_link_options(hashwatch_sanitize INTERFACE -fsanitize=${HASHWATCH_SANITIZE})
endif()

find_program(CCACHE_PROGRAM ccache)
if(CCACHE_PROGRAM)
  set(CMAKE_CXX_COMPILER_LAUNCHER ${CCACHE_PROGRAM})
endif()

# hashwatch_add_test(NAME SOURCES ... LIBS ... LABELS ...)
function(hashwatch_add_test name)
  cmake_parse_arguments(T "" "" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE ${T_LIBS} GTest::gtest_main GTest::gmock hashwatch_warnings
                                        hashwatch_sanitize)
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR})
  target_compile_definitions(${name} PRIVATE
    HASHWATCH_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    HASHWATCH_BINARY_DIR="${PROJECT_BINARY_DIR}")
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 30
    PROPERTIES LABELS "${T_LABELS}" SKIP_REGULAR_EXPRESSION "\\[  SKIPPED \\]")
endfunction()
