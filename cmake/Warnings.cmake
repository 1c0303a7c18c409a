# All warning flags live in one INTERFACE target that each of our targets links privately,
# so third-party headers and consumers are not affected.
add_library(pipewright_warnings INTERFACE)
target_compile_options(pipewright_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
  -Woverloaded-virtual -Wimplicit-fallthrough -Wformat=2)
if(PIPEWRIGHT_WERROR)
  target_compile_options(pipewright_warnings INTERFACE -Werror)
endif()

add_library(pipewright_sanitizers INTERFACE)
if(PIPEWRIGHT_SANITIZE)
  target_compile_options(pipewright_sanitizers INTERFACE
    -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
  target_link_options(pipewright_sanitizers INTERFACE -fsanitize=address,undefined)
endif()
