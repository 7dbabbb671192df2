// The subcommands of the stepvisor binary.
#pragma once
#include <string>
#include <vector>

namespace cli {
int cmd_run(const std::vector<std::string>& args);
int cmd_test(const std::vector<std::string>& args);
int cmd_debug(const std::vector<std::string>& args);
int cmd_demo(const std::vector<std::string>& args);
int cmd_hv(const std::vector<std::string>& args);
}  // namespace cli
