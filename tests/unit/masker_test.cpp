#include "secret/masker.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

namespace pw::secret {
namespace {

// Feeds text to a fresh stream masker cut at the given offsets (ascending) and returns the
// whole output.
std::string stream_in_pieces(const Masker& masker, std::string_view text,
                             const std::vector<std::size_t>& cuts) {
  StreamMasker stream(masker);
  std::string out;
  std::size_t from = 0;
  for (const std::size_t cut : cuts) {
    out += stream.feed(text.substr(from, cut - from));
    from = cut;
  }
  out += stream.feed(text.substr(from));
  return out + stream.finish();
}

// The specification, written the slow and obvious way: every occurrence of every pattern is
// a range; ranges sharing a byte merge; each merged range becomes one "***".
std::string reference_mask(std::string_view text, const std::vector<std::string>& patterns) {
  std::vector<std::pair<std::size_t, std::size_t>> ranges;
  for (const std::string& p : patterns) {
    for (std::size_t at = text.find(p); at != std::string_view::npos; at = text.find(p, at + 1)) {
      ranges.emplace_back(at, at + p.size());
    }
  }
  std::sort(ranges.begin(), ranges.end());
  std::string out;
  std::size_t done = 0;
  for (std::size_t i = 0; i < ranges.size();) {
    auto [start, end] = ranges[i];
    for (++i; i < ranges.size() && ranges[i].first < end; ++i)
      end = std::max(end, ranges[i].second);
    out.append(text.substr(done, start - done));
    out += k_mask;
    done = end;
  }
  out.append(text.substr(done));
  return out;
}

TEST(Masker, MasksEveryOccurrenceOfEverySecret) {
  const Masker masker({"hunter2", "s3cr3t-t0ken"});
  EXPECT_EQ(masker.mask("login with hunter2, then hunter2 again; token s3cr3t-t0ken."),
            "login with ***, then *** again; token ***.");
  EXPECT_EQ(masker.mask("nothing to hide here"), "nothing to hide here");
  EXPECT_EQ(masker.mask(""), "");
}

TEST(Masker, AdjacentOccurrencesAreEachMasked) {
  const Masker masker({"hunter2"});
  EXPECT_EQ(masker.mask("hunter2hunter2"), "******");
  EXPECT_EQ(masker.mask("[hunter2][hunter2]"), "[***][***]");
}

TEST(Masker, OverlappingOccurrencesLeaveNoByteOfTheSecret) {
  // Replacing left to right would leave "***ab" and show most of the secret.
  EXPECT_EQ(Masker({"abab"}).mask("xabababy"), "x***y");
  EXPECT_EQ(Masker({"aaa"}).mask("aaaaa"), "***");
  // Two different secrets sharing bytes: the union is masked.
  EXPECT_EQ(Masker({"abcdef", "defghi"}).mask("<abcdefghi>"), "<***>");
}

TEST(Masker, SecretContainingAnotherIsFullyMasked) {
  const std::string expected = "user pass, password123 -> user ***, ***";
  for (const auto& secrets : {std::vector<std::string>{"pass", "password123"},
                              std::vector<std::string>{"password123", "pass"}}) {
    const Masker masker(secrets);
    EXPECT_EQ("user pass, password123 -> " + masker.mask("user pass, password123"), expected);
    EXPECT_EQ(masker.mask("xpassword123x"), "x***x");
  }
  // Contained in the middle, found before the longer one ends.
  EXPECT_EQ(Masker({"cde", "abcdefg"}).mask("abcdefg abcdX"), "*** abcdX");
  EXPECT_EQ(Masker({"cde", "abcdefg"}).mask("abcdeX"), "ab***X");
}

TEST(Masker, SecretThatIsAPrefixOfAnother) {
  const Masker masker({"token", "token-extended"});
  EXPECT_EQ(masker.mask("token-extended token-ext token"), "*** ***-ext ***");
}

TEST(Masker, EmptyAndShortSecretsAreIgnored) {
  const Masker masker({"", "a", "ab"});
  EXPECT_TRUE(masker.empty());
  EXPECT_EQ(masker.mask("a cab ab"), "a cab ab");
  EXPECT_FALSE(Masker({"abc"}).empty());
  EXPECT_EQ(Masker({"a", "abc"}).mask("a abc"), "a ***");
}

TEST(Masker, EachLineOfAMultiLineSecretIsMaskedOnItsOwn) {
  const std::string key = "-----BEGIN KEY-----\r\nAAAABBBBCCCC\r\nxy\r\n-----END KEY-----\r\n";
  const Masker masker({key});
  EXPECT_EQ(masker.mask("-----BEGIN KEY-----"), "***");
  EXPECT_EQ(masker.mask("line 2: AAAABBBBCCCC"), "line 2: ***");
  EXPECT_EQ(masker.mask("xy"), "xy");  // a line too short to mask on its own
  EXPECT_EQ(masker.mask("key=" + key + "!"), "key=***!");
}

TEST(Masker, SecretFromAFileWithATrailingNewlineIsMaskedInLines) {
  EXPECT_EQ(Masker({"hunter2\n"}).mask("password: hunter2"), "password: ***");
}

TEST(StreamMasker, SecretSplitAtEveryByteAcrossTwoChunks) {
  const Masker masker({"s3cr3t-value", "s3cr3t"});
  const std::string text = "a s3cr3t-value b s3cr3t c s3cr3t-val d";
  const std::string expected = "a *** b *** c ***-val d";
  ASSERT_EQ(masker.mask(text), expected);
  for (std::size_t cut = 0; cut <= text.size(); ++cut) {
    EXPECT_EQ(stream_in_pieces(masker, text, {cut}), expected) << "cut at " << cut;
  }
}

TEST(StreamMasker, SecretSplitAtEveryPairOfBytesAcrossThreeChunks) {
  const Masker masker({"abcabd", "bcab"});
  const std::string text = "xabcabcabdyabcabz";
  const std::string expected = reference_mask(text, {"abcabd", "bcab"});
  ASSERT_EQ(masker.mask(text), expected);
  for (std::size_t first = 0; first <= text.size(); ++first) {
    for (std::size_t second = first; second <= text.size(); ++second) {
      EXPECT_EQ(stream_in_pieces(masker, text, {first, second}), expected)
          << "cuts at " << first << ", " << second;
    }
  }
}

TEST(StreamMasker, ByteByByte) {
  const Masker masker({"hunter2"});
  const std::string text = "huhunter2hunter2 hunte hunter2";
  std::vector<std::size_t> cuts(text.size());
  for (std::size_t i = 0; i < cuts.size(); ++i)
    cuts[i] = i;
  EXPECT_EQ(stream_in_pieces(masker, text, cuts), "hu****** hunte ***");
}

TEST(StreamMasker, HoldsBackOnlyWhatCouldStartASecret) {
  StreamMasker stream(std::vector<std::string>{"abcdef"});
  EXPECT_EQ(stream.feed("unrelated text\n"), "unrelated text\n");
  EXPECT_EQ(stream.feed("xxabcde"), "xx");  // five bytes held: longest secret - 1
  EXPECT_EQ(stream.feed("f and more a"), "*** and more ");
  EXPECT_EQ(stream.feed("b"), "");
  EXPECT_EQ(stream.feed("X"), "abX");       // not the secret after all: released at once
  EXPECT_EQ(stream.feed("abcdef"), "***");  // complete: nothing left to hold
  EXPECT_EQ(stream.finish(), "");
}

TEST(StreamMasker, FinishReleasesAPartialSecretAndStartsAnew) {
  StreamMasker stream(std::vector<std::string>{"hunter2"});
  EXPECT_EQ(stream.feed("password: hunt"), "password: ");
  EXPECT_EQ(stream.finish(), "hunt");
  // A new stream: the held "hunt" does not join with what follows.
  EXPECT_EQ(stream.feed("er2 hunter2"), "er2 ***");
  EXPECT_EQ(stream.finish(), "");
}

TEST(StreamMasker, OverlapAcrossChunksGivesOneMask) {
  StreamMasker stream(std::vector<std::string>{"aaa"});
  std::string out = stream.feed("xaaa");
  out += stream.feed("aa");
  out += stream.feed("ay");
  EXPECT_EQ(out + stream.finish(), "x***y");
}

TEST(StreamMasker, WithoutSecretsPassesEverythingThrough) {
  StreamMasker stream(std::vector<std::string>{"", "ab"});
  EXPECT_EQ(stream.feed("ab"), "ab");
  EXPECT_EQ(stream.finish(), "");
}

TEST(StreamMasker, AgreesWithTheReferenceOnRandomText) {
  std::mt19937 random(42);
  const auto random_text = [&](std::size_t length) {
    std::string text;
    for (std::size_t i = 0; i < length; ++i)
      text += "abc"[random() % 3];
    return text;
  };
  for (int round = 0; round < 300; ++round) {
    std::vector<std::string> secrets;
    for (int i = 0; i < 1 + static_cast<int>(random() % 4); ++i) {
      secrets.push_back(random_text(3 + random() % 5));
    }
    const std::string text = random_text(random() % 80);
    const Masker masker(secrets);
    const std::string expected = reference_mask(text, secrets);
    ASSERT_EQ(masker.mask(text), expected) << text;
    std::vector<std::size_t> cuts;
    for (std::size_t at = 0; at < text.size(); at += 1 + random() % 6)
      cuts.push_back(at);
    ASSERT_EQ(stream_in_pieces(masker, text, cuts), expected) << text;
  }
}

TEST(StreamMasker, TenMegabytesWithTwentySecretsInWellUnderASecond) {
  std::vector<std::string> secrets;
  for (int i = 0; i < 20; ++i)
    secrets.push_back("secret-" + std::to_string(i) + "-Zq81xW");
  const Masker masker(secrets);
  std::string text;
  std::size_t inserted = 0;
  const std::string line = "2024-01-01T00:00:00Z INFO collecting tests from tests/unit ... ok\n";
  for (int i = 0; text.size() < 10'000'000; ++i) {
    text += line;
    if (i % 1000 == 0) {
      text += "password " + secrets[inserted++ % secrets.size()] + "\n";
    }
  }
  StreamMasker stream(masker);
  std::string out;
  // Speed is measured by benchmarks, not asserted here: this checks a big stream is right.
  for (std::size_t at = 0; at < text.size(); at += 4096) {
    out += stream.feed(std::string_view(text).substr(at, 4096));
  }
  out += stream.finish();
  EXPECT_EQ(out.find("Zq81xW"), std::string::npos);
  EXPECT_EQ(static_cast<std::size_t>(std::count(out.begin(), out.end(), '*')), 3 * inserted);
}

TEST(StreamMasker, RunOfOneRepeatedByteIsOneMask) {
  const std::string text(1'000'000, 'a');
  EXPECT_EQ(Masker({"aaa", "aaaaaaaaaaaaaaaaaaaaaaaab"}).mask(text), "***");
}

}  // namespace
}  // namespace pw::secret
