#include "report/junit.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "util/temp_dir.hpp"

namespace pw::report {
namespace {

// What `pytest --junitxml` writes: <testsuites> around one suite, with a failure, an error
// (in setup), a skip and a pass; the attributes here deliberately lie about the counts.
constexpr const char* k_pytest = R"(<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="pytest" errors="0" failures="0" skipped="0" tests="99" time="1.250"
 timestamp="2024-05-01T10:00:00.000000" hostname="runner">
<testcase classname="tests.unit.test_model" name="test_fit" time="0.500" />
<testcase classname="tests.unit.test_model" name="test_predict" time="0.250">
  <failure message="assert 0.7 &gt; 0.9">def test_predict(): ...</failure></testcase>
<testcase classname="tests.unit.test_db" name="test_query" time="0.001">
  <error message="failed on setup with &quot;ConnectionRefusedError&quot;">...</error></testcase>
<testcase classname="tests.unit.test_gpu" name="test_cuda" time="0.000">
  <skipped type="pytest.skip" message="no GPU">tests/unit/test_gpu.py:3: no GPU</skipped></testcase>
<testcase classname="tests.unit.test_model" name="test_save" time="0.400"><system-out>saved</system-out></testcase>
</testsuite></testsuites>
)";

// What Maven Surefire writes: a bare <testsuite> with properties, a flaky test that passed on
// rerun (counts as passed) and no time on the suite (the cases' times are summed).
constexpr const char* k_surefire = R"(<?xml version="1.0" encoding="UTF-8"?>
<testsuite xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" version="3.0"
 name="com.example.ChurnTest" tests="5" errors="1" skipped="1" failures="1">
  <properties><property name="java.version" value="17.0.9"/></properties>
  <testcase name="scores" classname="com.example.ChurnTest" time="0.5"/>
  <testcase name="flaky" classname="com.example.ChurnTest" time="0.25">
    <flakyFailure message="timeout" type="java.util.concurrent.TimeoutException"/>
  </testcase>
  <testcase name="rejects" classname="com.example.ChurnTest" time="0.125">
    <failure message="expected: 1 but was: 2" type="org.opentest4j.AssertionFailedError"/>
  </testcase>
  <testcase name="loads" classname="com.example.ChurnTest" time="0.125">
    <error message="boom" type="java.lang.IllegalStateException">at Churn.load</error>
  </testcase>
  <testcase name="later" classname="com.example.ChurnTest" time="0">
    <skipped message="@Disabled"/>
  </testcase>
</testsuite>
)";

class JUnitTest : public ::testing::Test {
 protected:
  std::filesystem::path write(const std::string& name, const std::string& text) {
    const std::filesystem::path file = dir_.path() / name;
    std::ofstream(file, std::ios::binary) << text;
    return file;
  }
  static std::string slurp(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  TempDir dir_{"junit-test"};
};

TEST_F(JUnitTest, CountsPytestReportFromItsTestCases) {
  const auto report = read_junit(write("unit.xml", k_pytest));
  ASSERT_TRUE(report) << report.error();
  ASSERT_EQ(report.value().suites.size(), 1u);
  EXPECT_EQ(report.value().suites[0].name, "pytest");
  EXPECT_EQ(report.value().counts, (TestCounts{5, 1, 1, 1}));
  EXPECT_EQ(report.value().counts.passed(), 2);
  EXPECT_DOUBLE_EQ(report.value().time_seconds, 1.25);
}

TEST_F(JUnitTest, ListsFailedCasesWithTheirPlaces) {
  const auto cases = failed_cases(write("failed.xml", R"(<testsuites>
    <testsuite name="s">
      <testcase classname="tests.test_a" name="ok"/>
      <testcase classname="tests.test_a" name="bad" file="tests/test_a.py" line="12">
        <failure message="assert 1 == 2">details</failure></testcase>
      <testcase name="broken"><error>first line
second line</error></testcase>
      <testcase name="skipped"><skipped/></testcase>
    </testsuite></testsuites>)"),
                                  10);
  ASSERT_TRUE(cases) << cases.error();
  ASSERT_EQ(cases.value().size(), 2u);
  EXPECT_EQ(cases.value()[0].name, "tests.test_a.bad");
  EXPECT_EQ(cases.value()[0].file, "tests/test_a.py");
  EXPECT_EQ(cases.value()[0].line, 12);
  EXPECT_EQ(cases.value()[0].message, "assert 1 == 2");
  EXPECT_EQ(cases.value()[0].suite, "s");
  EXPECT_EQ(cases.value()[1].name, "broken");
  EXPECT_EQ(cases.value()[1].message, "first line");
  EXPECT_EQ(cases.value()[1].line, 0);
}

TEST_F(JUnitTest, FailedCasesStopAtTheLimit) {
  std::string text = "<testsuite name='many'>";
  for (int i = 0; i < 50; ++i)
    text += "<testcase name='t" + std::to_string(i) + "'><failure/></testcase>";
  text += "</testsuite>";
  const auto cases = failed_cases(write("many.xml", text), 3);
  ASSERT_TRUE(cases) << cases.error();
  EXPECT_EQ(cases.value().size(), 3u);
}

TEST_F(JUnitTest, CountsSurefireReportWithABareTestsuiteRoot) {
  const auto report = read_junit(write("TEST-com.example.ChurnTest.xml", k_surefire));
  ASSERT_TRUE(report) << report.error();
  ASSERT_EQ(report.value().suites.size(), 1u);
  EXPECT_EQ(report.value().suites[0].name, "com.example.ChurnTest");
  EXPECT_EQ(report.value().counts, (TestCounts{5, 1, 1, 1}));
  EXPECT_DOUBLE_EQ(report.value().time_seconds, 1.0);  // no suite time: the cases' sum
}

TEST_F(JUnitTest, CountsTestCasesInNestedSuitesOnce) {
  const auto report = read_junit(write("nested.xml", R"(<testsuites>
    <testsuite name="outer"><testcase name="a"/>
      <testsuite name="inner"><testcase name="b"><failure/></testcase></testsuite>
    </testsuite>
    <testsuite name="empty"/>
  </testsuites>)"));
  ASSERT_TRUE(report) << report.error();
  ASSERT_EQ(report.value().suites.size(), 2u);
  EXPECT_EQ(report.value().suites[0].counts, (TestCounts{2, 1, 0, 0}));
  EXPECT_EQ(report.value().suites[1].counts, TestCounts{});
}

TEST_F(JUnitTest, ReportsMalformedXmlWithItsPosition) {
  const auto file = write("broken.xml", "<testsuites>\n  <testsuite name=\"x\">\n</testsuites>\n");
  const auto report = read_junit(file);
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error(), file.string() + ":3:3: malformed XML: Start-end tags mismatch");
}

TEST_F(JUnitTest, RefusesOtherRootsMissingFilesAndDirectories) {
  const auto html = write("report.html", "<html><body/></html>");
  EXPECT_EQ(read_junit(html).error(),
            html.string() + ": root element is <html>, expected <testsuites> or <testsuite>");
  const auto missing = dir_.path() / "missing.xml";
  EXPECT_EQ(read_junit(missing).error(), missing.string() + ": No such file or directory");
  EXPECT_EQ(read_junit(dir_.path()).error(), dir_.path().string() + ": not a regular file");
  const auto empty = write("empty.xml", "");
  EXPECT_EQ(read_junit(empty).error(),
            empty.string() + ":1:1: malformed XML: No document element found");
}

TEST_F(JUnitTest, RefusesAFileOverTheLimitBeforeParsing) {
  const auto file = write("huge.xml", "<testsuites>");
  std::filesystem::resize_file(file, k_max_junit_bytes + 1);  // sparse: no 64 MiB written
  EXPECT_EQ(read_junit(file).error(),
            file.string() + ": larger than 64 MiB, the limit for a JUnit report");
}

TEST_F(JUnitTest, DoesNotExpandEntities) {
  // "Billion laughs": expanded, &lol9; would be 10^9 "lol"s. pugixml keeps it as literal text.
  std::string bomb = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n";
  bomb += " <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n";
  for (int i = 2; i <= 9; ++i) {
    std::string refs;
    for (int j = 0; j < 10; ++j)
      refs += "&lol" + std::to_string(i - 1) + ";";
    bomb += " <!ENTITY lol" + std::to_string(i) + " \"" + refs + "\">\n";
  }
  bomb += " <!ENTITY xxe SYSTEM \"file:///etc/passwd\">\n]>\n";
  bomb += "<testsuite name=\"&lol9;&xxe;\"><testcase name=\"a\"/></testsuite>\n";
  const auto report = read_junit(write("bomb.xml", bomb));
  ASSERT_TRUE(report) << report.error();
  EXPECT_EQ(report.value().suites[0].name, "&lol9;&xxe;");
  EXPECT_EQ(report.value().counts.tests, 1);
}

TEST_F(JUnitTest, DeeplyNestedElementsDoNotOverflowTheStack) {
  constexpr int k_depth = 200'000;
  std::string opening;
  std::string closing;
  for (int i = 0; i < k_depth; ++i) {
    opening += "<d>";
    closing += "</d>";
  }
  const std::string text = "<testsuites><testsuite name=\"deep\">" + opening +
                           "<testcase name=\"x\"><skipped/></testcase>" + closing +
                           "</testsuite></testsuites>";
  const auto deep = write("deep.xml", text);
  const auto report = read_junit(deep);
  ASSERT_TRUE(report) << report.error();
  EXPECT_EQ(report.value().counts, (TestCounts{1, 0, 0, 1}));
  const auto out = dir_.path() / "merged.xml";
  const auto merged = merge_junit({{"deep", deep}}, out);
  ASSERT_TRUE(merged) << merged.error();
  EXPECT_EQ(merged.value().counts, (TestCounts{1, 0, 0, 1}));
  // Written without indentation, which would take (depth^2) bytes: about 40 GB here.
  EXPECT_LT(std::filesystem::file_size(out), 2 * text.size());
}

TEST_F(JUnitTest, MergesTwoJobsWithExactTotals) {
  const auto out = dir_.path() / "junit.xml";
  const auto merged = merge_junit(
      {{"unit", write("unit.xml", k_pytest)}, {"java", write("surefire.xml", k_surefire)}}, out);
  ASSERT_TRUE(merged) << merged.error();
  EXPECT_EQ(merged.value().counts, (TestCounts{10, 2, 2, 2}));
  EXPECT_DOUBLE_EQ(merged.value().time_seconds, 2.25);
  EXPECT_TRUE(merged.value().problems.empty());

  const auto reread = read_junit(out);
  ASSERT_TRUE(reread) << reread.error();
  ASSERT_EQ(reread.value().suites.size(), 2u);
  EXPECT_EQ(reread.value().suites[0].name, "unit/pytest");
  EXPECT_EQ(reread.value().suites[1].name, "java/com.example.ChurnTest");
  EXPECT_EQ(reread.value().counts, (TestCounts{10, 2, 2, 2}));
  const std::string text = slurp(out);
  EXPECT_NE(text.find("<testsuites name=\"pipewright\" tests=\"10\" failures=\"2\" errors=\"2\" "
                      "skipped=\"2\" time=\"2.250\">"),
            std::string::npos)
      << text;
  // The suites' own attributes are corrected too, and their content kept.
  EXPECT_NE(text.find("<testsuite name=\"unit/pytest\" errors=\"1\" failures=\"1\" skipped=\"1\" "
                      "tests=\"5\" time=\"1.250\""),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("<property name=\"java.version\" value=\"17.0.9\""), std::string::npos);
  EXPECT_NE(text.find("<failure message=\"assert 0.7 > 0.9\">def test_predict(): ...</failure>"),
            std::string::npos);
}

TEST_F(JUnitTest, SameSuiteNameInTwoJobsStaysApart) {
  const auto out = dir_.path() / "junit.xml";
  const auto merged =
      merge_junit({{"py39", write("a.xml", k_pytest)}, {"py312", write("b.xml", k_pytest)}}, out);
  ASSERT_TRUE(merged) << merged.error();
  const auto reread = read_junit(out);
  ASSERT_TRUE(reread) << reread.error();
  ASSERT_EQ(reread.value().suites.size(), 2u);
  EXPECT_EQ(reread.value().suites[0].name, "py39/pytest");
  EXPECT_EQ(reread.value().suites[1].name, "py312/pytest");
}

TEST_F(JUnitTest, MalformedFilesAreReportedAndTheRestMerged) {
  const auto out = dir_.path() / "junit.xml";
  const auto broken = write("broken.xml", "<testsuite><testcase>");
  const auto missing = dir_.path() / "missing.xml";
  const auto merged = merge_junit(
      {{"lint", broken}, {"unit", write("unit.xml", k_pytest)}, {"smoke", missing}}, out);
  ASSERT_TRUE(merged) << merged.error();
  EXPECT_EQ(merged.value().counts, (TestCounts{5, 1, 1, 1}));
  ASSERT_EQ(merged.value().problems.size(), 2u);
  EXPECT_EQ(merged.value().problems[0],
            "lint: " + broken.string() + ":1:21: malformed XML: Start-end tags mismatch");
  EXPECT_EQ(merged.value().problems[1],
            "smoke: " + missing.string() + ": No such file or directory");
  EXPECT_EQ(read_junit(out).value().counts, (TestCounts{5, 1, 1, 1}));
}

TEST_F(JUnitTest, MergingNothingWritesAnEmptyValidReport) {
  const auto out = dir_.path() / "junit.xml";
  const auto merged = merge_junit({}, out);
  ASSERT_TRUE(merged) << merged.error();
  EXPECT_EQ(merged.value().counts, TestCounts{});
  EXPECT_EQ(read_junit(out).value().suites.size(), 0u);
}

TEST_F(JUnitTest, UnwritableOutputIsAnError) {
  const auto out = dir_.path() / "no-such-dir" / "junit.xml";
  const auto merged = merge_junit({}, out);
  ASSERT_FALSE(merged);
  EXPECT_EQ(merged.error().rfind("cannot write " + out.string() + ".tmp.", 0), 0u)
      << merged.error();
}

}  // namespace
}  // namespace pw::report
