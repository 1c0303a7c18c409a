#include "registry/auth_challenge.hpp"

#include <cctype>

namespace pw::registry {
namespace {

bool is_token_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 ||
         std::string_view("!#$%&'*+-.^_`|~/").find(c) != std::string_view::npos;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s) {}
  void skip_space() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t')) {
      ++i_;
    }
  }
  bool done() const { return i_ >= s_.size(); }
  char peek() const { return done() ? '\0' : s_[i_]; }
  void advance() { ++i_; }
  std::size_t pos() const { return i_; }
  void seek(std::size_t p) { i_ = p; }
  std::string_view token() {
    std::size_t start = i_;
    while (i_ < s_.size() && is_token_char(s_[i_])) {
      ++i_;
    }
    return s_.substr(start, i_ - start);
  }
  // An unquoted value: everything up to a comma or whitespace.
  std::string_view bare_value() {
    std::size_t start = i_;
    while (i_ < s_.size() && s_[i_] != ',' && s_[i_] != ' ' && s_[i_] != '\t') {
      ++i_;
    }
    return s_.substr(start, i_ - start);
  }
  // A quoted-string after its opening quote; backslash escapes the next character.
  std::string quoted() {
    std::string out;
    while (i_ < s_.size() && s_[i_] != '"') {
      if (s_[i_] == '\\' && i_ + 1 < s_.size()) {
        ++i_;
      }
      out += s_[i_++];
    }
    if (i_ < s_.size()) {
      ++i_;
    }
    return out;
  }

 private:
  std::string_view s_;
  std::size_t i_ = 0;
};

}  // namespace

std::vector<AuthChallenge> parse_www_authenticate(std::string_view header) {
  std::vector<AuthChallenge> challenges;
  Scanner sc(header);
  while (true) {
    sc.skip_space();
    while (sc.peek() == ',') {
      sc.advance();
      sc.skip_space();
    }
    if (sc.done()) {
      break;
    }
    std::string_view scheme = sc.token();
    if (scheme.empty()) {
      break;
    }
    AuthChallenge challenge{lower(scheme), {}};
    // Parameters: name=value pairs separated by commas, until a token not followed by '='
    // (the next challenge's scheme).
    while (true) {
      sc.skip_space();
      while (sc.peek() == ',') {
        sc.advance();
        sc.skip_space();
      }
      std::size_t mark = sc.pos();
      std::string_view name = sc.token();
      sc.skip_space();
      if (name.empty() || sc.peek() != '=') {
        sc.seek(mark);
        break;
      }
      sc.advance();
      sc.skip_space();
      std::string value;
      if (sc.peek() == '"') {
        sc.advance();
        value = sc.quoted();
      } else {
        // Lenient: some servers send unquoted URLs, which are not RFC 7235 tokens.
        value = std::string(sc.bare_value());
      }
      challenge.params[lower(name)] = std::move(value);
    }
    challenges.push_back(std::move(challenge));
    if (!sc.done() && !is_token_char(sc.peek()) && sc.peek() != ',') {
      break;
    }
  }
  return challenges;
}

}  // namespace pw::registry
