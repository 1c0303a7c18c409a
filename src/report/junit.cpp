#include "report/junit.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <optional>
#include <pugixml.hpp>
#include <string_view>
#include <system_error>

namespace pw::report {

TestCounts& TestCounts::operator+=(const TestCounts& other) {
  tests += other.tests;
  failures += other.failures;
  errors += other.errors;
  skipped += other.skipped;
  return *this;
}

namespace {

using Document = std::unique_ptr<pugi::xml_document>;

std::string too_large(const std::string& name) {
  return name + ": larger than " + std::to_string(k_max_junit_bytes >> 20) +
         " MiB, the limit for a JUnit report";
}

// A file's contents (a distinct type: Result<T, E> cannot have T and E both std::string).
struct FileBytes {
  std::string text;
};

// Refuses a file whose size is over the limit before reading it, and stops reading at the
// limit anyway, in case the file grows meanwhile.
Result<FileBytes, std::string> read_bounded(const std::filesystem::path& file) {
  const std::string name = file.string();
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) {
    return failure(name + ": " + (ec ? ec.message() : std::string("not a regular file")));
  }
  if (std::filesystem::file_size(file, ec) > k_max_junit_bytes && !ec) {
    return failure(too_large(name));
  }
  std::ifstream in(file, std::ios::binary);
  if (!in)
    return failure(name + ": " + std::strerror(errno));
  FileBytes bytes;
  char buffer[1 << 16];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    bytes.text.append(buffer, static_cast<std::size_t>(in.gcount()));
    if (bytes.text.size() > k_max_junit_bytes)
      return failure(too_large(name));
  }
  if (in.bad())
    return failure(name + ": read error");
  return bytes;
}

// "LINE:COL" (1-based) of a byte offset, for the parser's error position.
std::string line_and_column(std::string_view text, std::ptrdiff_t offset) {
  const std::size_t end =
      std::min(static_cast<std::size_t>(std::max<std::ptrdiff_t>(offset, 0)), text.size());
  std::size_t line = 1;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < end; ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  return std::to_string(line) + ":" + std::to_string(end - line_start + 1);
}

// Parses with pugixml's defaults: predefined entities and character references are decoded,
// DOCTYPE is skipped and no other entity is ever expanded.
Result<Document, std::string> parse(const std::filesystem::path& file, const std::string& bytes) {
  auto document = std::make_unique<pugi::xml_document>();
  const pugi::xml_parse_result parsed = document->load_buffer(bytes.data(), bytes.size());
  if (!parsed) {
    return file.string() + ":" + line_and_column(bytes, parsed.offset) +
           ": malformed XML: " + parsed.description();
  }
  return document;
}

Result<Document, std::string> load(const std::filesystem::path& file) {
  auto bytes = read_bounded(file);
  if (!bytes)
    return bytes.error();
  return parse(file, bytes.value().text);
}

bool named(const pugi::xml_node& node, std::string_view name) {
  return node.type() == pugi::node_element && name == node.name();
}

// The top-level suites: the root itself when it is a <testsuite>, else its <testsuite> children.
Result<std::vector<pugi::xml_node>, std::string> top_suites(const pugi::xml_document& document,
                                                            const std::filesystem::path& file) {
  const pugi::xml_node root = document.document_element();
  if (named(root, "testsuite"))
    return std::vector<pugi::xml_node>{root};
  if (!named(root, "testsuites")) {
    return file.string() + ": root element is <" + std::string(root.name()) +
           ">, expected <testsuites> or <testsuite>";
  }
  std::vector<pugi::xml_node> suites;
  for (const pugi::xml_node& child : root.children("testsuite"))
    suites.push_back(child);
  return suites;
}

// A time attribute in seconds; absent, malformed, negative or not finite counts as none.
std::optional<double> seconds_of(const pugi::xml_attribute& attribute) {
  const std::string_view text = attribute.as_string();
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size())
    return std::nullopt;
  if (!std::isfinite(value) || value < 0)
    return std::nullopt;
  return value;
}

// One test case counts once, in the first of failure, error, skipped that it has.
void count_case(const pugi::xml_node& testcase, TestCounts& counts, double& seconds) {
  ++counts.tests;
  if (testcase.child("failure")) {
    ++counts.failures;
  } else if (testcase.child("error")) {
    ++counts.errors;
  } else if (testcase.child("skipped")) {
    ++counts.skipped;
  }
  seconds += seconds_of(testcase.attribute("time")).value_or(0);
}

// Visits the nodes below root in document order without recursion (so that no nesting depth
// can overflow the stack); visit(node, depth) returns whether to go into node's children.
template <class Visit>
void walk(const pugi::xml_node& root, Visit visit) {
  std::size_t depth = 1;
  pugi::xml_node node = root.first_child();
  while (node) {
    if (visit(node, depth) && node.first_child()) {
      node = node.first_child();
      ++depth;
      continue;
    }
    while (node != root && !node.next_sibling()) {
      node = node.parent();
      --depth;
    }
    node = node == root ? pugi::xml_node() : node.next_sibling();
  }
}

// Counts every <testcase> below suite, in nested suites too.
JUnitSuite summarize(const pugi::xml_node& suite) {
  JUnitSuite out{suite.attribute("name").as_string(), {}, 0};
  double case_seconds = 0;
  walk(suite, [&](const pugi::xml_node& node, std::size_t) {
    if (!named(node, "testcase"))
      return true;
    count_case(node, out.counts, case_seconds);
    return false;
  });
  out.time_seconds = seconds_of(suite.attribute("time")).value_or(case_seconds);
  return out;
}

std::size_t nesting_depth(const pugi::xml_node& root) {
  std::size_t deepest = 0;
  walk(root, [&](const pugi::xml_node&, std::size_t depth) {
    deepest = std::max(deepest, depth);
    return true;
  });
  return deepest;
}

std::string format_seconds(double seconds) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.3f", seconds);
  return buffer;
}

void set_attribute(pugi::xml_node node, const char* name, const std::string& value) {
  pugi::xml_attribute attribute = node.attribute(name);
  if (!attribute)
    attribute = node.append_attribute(name);
  attribute.set_value(value.c_str());
}

void set_counts(pugi::xml_node node, const TestCounts& counts, double seconds) {
  set_attribute(node, "tests", std::to_string(counts.tests));
  set_attribute(node, "failures", std::to_string(counts.failures));
  set_attribute(node, "errors", std::to_string(counts.errors));
  set_attribute(node, "skipped", std::to_string(counts.skipped));
  set_attribute(node, "time", format_seconds(seconds));
}

// Copies one job's suites under root, renamed "JOB/<name>"; returns a problem or "". Raises
// depth to the deepest nesting copied.
std::string append_job(pugi::xml_node root, const JobReport& report, MergedJUnit& merged,
                       std::size_t& depth) {
  const auto& [job, file] = report;
  auto document = load(file);
  if (!document)
    return job + ": " + document.error();
  auto suites = top_suites(*document.value(), file);
  if (!suites)
    return job + ": " + suites.error();
  for (const pugi::xml_node& suite : suites.value()) {
    const JUnitSuite summary = summarize(suite);
    depth = std::max(depth, nesting_depth(suite) + 2);  // under <testsuites> and <testsuite>
    pugi::xml_node copy = root.append_copy(suite);
    set_attribute(copy, "name", summary.name.empty() ? job : job + "/" + summary.name);
    set_counts(copy, summary.counts, summary.time_seconds);
    merged.counts += summary.counts;
    merged.time_seconds += summary.time_seconds;
  }
  return {};
}

// Real reports nest a few levels; indenting a hostile one nested 100000 deep would write
// gigabytes of spaces (indentation grows with the square of the depth), so it is written flat.
constexpr std::size_t k_max_indented_depth = 64;

// Writes beside out, then renames: a CI reading the report never sees half a file.
Result<void, std::string> save_atomically(const pugi::xml_document& document, std::size_t depth,
                                          const std::filesystem::path& out) {
  const std::filesystem::path temporary =
      out.string() + ".tmp." + std::to_string(static_cast<long>(::getpid()));
  const unsigned format = depth <= k_max_indented_depth ? pugi::format_indent : pugi::format_raw;
  if (!document.save_file(temporary.c_str(), "  ", format, pugi::encoding_utf8)) {
    return failure("cannot write " + temporary.string());
  }
  std::error_code ec;
  std::filesystem::rename(temporary, out, ec);
  if (ec) {
    std::filesystem::remove(temporary, ec);
    return failure("cannot write " + out.string() + ": " + ec.message());
  }
  return success();
}

}  // namespace

Result<JUnitReport, std::string> read_junit(const std::filesystem::path& file) {
  auto document = load(file);
  if (!document)
    return document.error();
  auto suites = top_suites(*document.value(), file);
  if (!suites)
    return suites.error();
  JUnitReport report;
  for (const pugi::xml_node& suite : suites.value()) {
    report.suites.push_back(summarize(suite));
    report.counts += report.suites.back().counts;
    report.time_seconds += report.suites.back().time_seconds;
  }
  return report;
}

Result<std::vector<FailedCase>, std::string> failed_cases(const std::filesystem::path& file,
                                                          std::size_t limit) {
  auto document = load(file);
  if (!document)
    return document.error();
  std::vector<FailedCase> cases;
  walk(document.value()->document_element(), [&](const pugi::xml_node& node, std::size_t) {
    if (cases.size() >= limit)
      return false;
    if (!named(node, "testcase"))
      return true;
    pugi::xml_node problem = node.child("failure");
    if (!problem)
      problem = node.child("error");
    if (!problem)
      return false;
    FailedCase failed;
    failed.suite = node.parent().attribute("name").as_string();
    const std::string classname = node.attribute("classname").as_string();
    const std::string name = node.attribute("name").as_string();
    failed.name = classname.empty() ? name : classname + "." + name;
    failed.file = node.attribute("file").as_string();
    failed.line = std::max(0, node.attribute("line").as_int());
    failed.message = problem.attribute("message").as_string();
    if (failed.message.empty()) {
      const std::string text = problem.text().as_string();
      failed.message = text.substr(0, text.find('\n'));
    }
    cases.push_back(std::move(failed));
    return false;
  });
  return cases;
}

Result<MergedJUnit, std::string> merge_junit(const std::vector<JobReport>& files,
                                             const std::filesystem::path& out) {
  pugi::xml_document document;
  pugi::xml_node declaration = document.append_child(pugi::node_declaration);
  declaration.append_attribute("version").set_value("1.0");
  declaration.append_attribute("encoding").set_value("UTF-8");
  pugi::xml_node root = document.append_child("testsuites");
  MergedJUnit merged;
  std::size_t depth = 1;
  for (const JobReport& report : files) {
    if (std::string problem = append_job(root, report, merged, depth); !problem.empty()) {
      merged.problems.push_back(std::move(problem));
    }
  }
  set_attribute(root, "name", "pipewright");
  set_counts(root, merged.counts, merged.time_seconds);
  auto saved = save_atomically(document, depth, out);
  if (!saved)
    return saved.error();
  return merged;
}

}  // namespace pw::report
