#include "junit.hpp"

#include <unistd.h>

#include <ctime>
#include <fstream>

#include "options.hpp"

namespace cli {

std::string xml_attr(const std::string& s) {
    std::string o;
    for (char c : s) {
        switch (c) {
        case '&': o += "&amp;"; break;
        case '<': o += "&lt;"; break;
        case '>': o += "&gt;"; break;
        case '"': o += "&quot;"; break;
        case '\t': o += "&#9;"; break;
        case '\n': o += "&#10;"; break;
        case '\r': o += "&#13;"; break;
        default: o += (unsigned char)c < 0x20 ? '?' : c;
        }
    }
    return o;
}

void write_junit(const std::string& path, const JunitSuite& suite) {
    std::ofstream out(path);
    if (!out) throw UsageError("--junit: cannot write '" + path + "'");
    size_t failures = 0, errors = 0;
    for (const auto& c : suite.cases) {
        failures += c.verdict == JunitCase::Failure;
        errors += c.verdict == JunitCase::Error;
    }
    char host[256] = "localhost";
    gethostname(host, sizeof host - 1);
    char stamp[32] = "";
    std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
    const std::string counts = "tests=\"" + std::to_string(suite.cases.size()) + "\" failures=\"" +
                               std::to_string(failures) + "\" errors=\"" + std::to_string(errors) + "\"";
    out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    out << "<testsuites name=\"stepvisor test\" " << counts << " time=\"" << suite.seconds << "\">\n";
    out << "<testsuite name=\"" << xml_attr(suite.name) << "\" " << counts << " skipped=\"0\" time=\"" << suite.seconds
        << "\" timestamp=\"" << stamp << "\" hostname=\"" << xml_attr(host) << "\">\n";
    out << "  <properties>\n";
    for (const auto& [k, v] : suite.properties)
        out << "    <property name=\"" << xml_attr(k) << "\" value=\"" << xml_attr(v) << "\"/>\n";
    out << "  </properties>\n";
    for (const auto& c : suite.cases) {
        out << "  <testcase classname=\"stepvisor\" name=\"" << xml_attr(c.name) << "\" time=\"" << c.seconds << "\">";
        if (c.verdict == JunitCase::Failure) out << "<failure message=\"" << xml_attr(c.message) << "\"/>";
        if (c.verdict == JunitCase::Error) out << "<error message=\"" << xml_attr(c.message) << "\"/>";
        out << "</testcase>\n";
    }
    out << "</testsuite>\n</testsuites>\n";
    if (!out.flush()) throw UsageError("--junit: cannot write '" + path + "'");
}

}  // namespace cli
