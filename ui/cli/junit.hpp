// JUnit XML for `stepvisor test`: one <testsuite> per file, named by its
// shard and carrying the run's configuration in <properties>, so the files
// of a sharded run merge with any JUnit tool (or by concatenating their
// <testsuite> elements under one <testsuites>).
#pragma once
#include <string>
#include <utility>
#include <vector>

namespace cli {

struct JunitCase {
    std::string name;
    double seconds = 0;
    enum Verdict { Pass, Failure, Error } verdict = Pass;  // Error: the program could not be run at all
    std::string message;
};

struct JunitSuite {
    std::string name;  // distinct per shard
    double seconds = 0;
    std::vector<std::pair<std::string, std::string>> properties;
    std::vector<JunitCase> cases;
};

// The whole document; UsageError "--junit: cannot write ..." on failure.
void write_junit(const std::string& path, const JunitSuite& suite);

// Text made safe for an XML attribute: markup escaped, control characters
// XML 1.0 does not allow replaced by '?'.
std::string xml_attr(const std::string& s);

}  // namespace cli
