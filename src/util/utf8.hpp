#pragma once

#include <cstddef>
#include <string_view>

namespace pw {

/// Length (1 to 4) of the well-formed UTF-8 sequence starting at text[i], or 0 when the bytes
/// there are not one (stray continuation byte, overlong form, surrogate, past U+10FFFF, cut).
/// Precondition: i < text.size().
std::size_t utf8_length(std::string_view text, std::size_t i);

/// Offset of the first byte of text that is not part of well-formed UTF-8, or npos.
std::size_t first_invalid_utf8(std::string_view text);

}  // namespace pw
