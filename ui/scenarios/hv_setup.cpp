#include "hv_setup.hpp"

#include <algorithm>
#include <regex>
#include <stdexcept>

#include "emu/walk.hpp"
#include "ui/embedded.hpp"

namespace scen::hvsetup {

emu::Image embedded_elf(const char* name) {
    auto bytes = embedded::find(name);
    if (!bytes) throw std::runtime_error(std::string("image '") + name + "' is not embedded in this build");
    return emu::parse_elf(*bytes, name);
}

hvtable::Vm guest(const std::string& image, const std::string& name, uint64_t mem, unsigned vcpus, unsigned share) {
    std::string key = "guest-" + image;
    auto bytes = embedded::find(key);
    if (!bytes) throw std::runtime_error("guest image '" + image + "' is not embedded in this build");
    hvtable::Vm v;
    v.name = name.empty() ? image : name;
    v.mem = mem;
    v.vcpus = vcpus;
    v.share = share;
    emu::Image img;
    img.entry = hvtable::kGuestRam;
    emu::Segment seg;
    seg.paddr = hvtable::kGuestRam;
    seg.data.assign(bytes->begin(), bytes->end());
    seg.memsz = seg.data.size();
    img.segments.push_back(std::move(seg));
    hvtable::set_image(v, img, key);
    return v;
}

std::unique_ptr<emu::Machine> build_hv_machine(emu::MachineConfig cfg, const HvSetup& setup) {
    cfg.isa.ext.add(isa::Ext::H);
    cfg.harts = setup.harts;
    hvtable::Table table;
    if (!setup.vms.empty()) {
        table = hvtable::build(setup.vms);
        cfg.ram_size = std::max(cfg.ram_size, table.ram_needed);
    }
    auto m = std::make_unique<emu::Machine>(cfg);
    emu::Machine::BootSpec spec;
    spec.firmware = embedded_elf(setup.firmware.c_str());
    spec.kernel = embedded_elf("hv");
    m->boot(spec);
    if (!setup.vms.empty() && !hvtable::write(*m, table))
        throw std::runtime_error("the VM table does not fit in the machine's RAM");
    return m;
}

std::vector<VmInfo> parse_vms(const std::string& console) {
    std::vector<VmInfo> vms;
    static const std::regex made(R"(^hv: vm(\d+) '([^']*)': (\d+) KiB RAM .*\(host (0x[0-9a-f]+)\).*hgatp (0x[0-9a-f]+))");
    static const std::regex stopped(R"(^hv: vm(\d+) stopped: (.*)$)");
    static const std::regex vcpus(R"( (\d+) vCPU\(s\),)");
    static const std::regex share(R"(^hv: vm(\d+): CPU share (?:set to )?(\d+)%)");
    static const std::regex context(R"(^hv: vm(\d+): vCPU (\d+) context at (0x[0-9a-f]+))");
    static const std::regex paused(R"(^hv: vm(\d+) (paused|resumed) by the management controller)");
    size_t pos = 0;
    while (pos < console.size()) {
        size_t nl = console.find('\n', pos);
        std::string line = console.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
        pos = nl == std::string::npos ? console.size() : nl + 1;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        std::smatch mt;
        if (std::regex_search(line, mt, made)) {
            VmInfo v;
            v.index = unsigned(std::stoul(mt[1]));
            v.label = "vm" + std::string(mt[1]);
            v.name = mt[2];
            v.ram_kib = std::stoull(mt[3]);
            v.host = std::stoull(mt[4], nullptr, 16);
            v.hgatp = std::stoull(mt[5], nullptr, 16);
            if (std::regex_search(line, mt, vcpus)) v.vcpus = unsigned(std::stoul(mt[1]));
            vms.push_back(v);
        } else if (std::regex_search(line, mt, stopped)) {
            for (auto& v : vms)
                if (v.index == std::stoul(mt[1])) v.stopped = true, v.stop_reason = mt[2];
        } else if (std::regex_search(line, mt, share)) {
            for (auto& v : vms)
                if (v.index == std::stoul(mt[1])) v.share = unsigned(std::stoul(mt[2]));
        } else if (std::regex_search(line, mt, context)) {
            for (auto& v : vms)
                if (v.index == std::stoul(mt[1]) && std::stoul(mt[2]) == v.contexts.size())
                    v.contexts.push_back(std::stoull(mt[3], nullptr, 16));
        } else if (std::regex_search(line, mt, paused)) {
            for (auto& v : vms)
                if (v.index == std::stoul(mt[1])) v.paused = mt[2] == "paused";
        } else if (line.size() > 2 && line[0] == '[') {
            size_t close = line.find("] ");
            if (close == std::string::npos) continue;
            std::string label = line.substr(1, close - 1);
            for (auto& v : vms)
                if (v.label == label) v.console += line.substr(close + 2) + "\n";
        }
    }
    return vms;
}

std::vector<HvExitRow> parse_hv_exit_table(const std::string& console) {
    std::vector<HvExitRow> rows;
    static const std::regex row(R"(^hv: (vm\d+) +(.*) \((\d+)\) +(\d+) +(\d+) +(\d+)\s*$)");
    size_t pos = 0;
    while (pos < console.size()) {
        size_t nl = console.find('\n', pos);
        std::string line = console.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
        pos = nl == std::string::npos ? console.size() : nl + 1;
        std::smatch mt;
        if (!std::regex_search(line, mt, row)) continue;
        HvExitRow r;
        r.vm = mt[1];
        r.interrupt = std::string(mt[2]).find("interrupt") != std::string::npos;
        r.code = unsigned(std::stoul(mt[3]));
        r.exits = std::stoull(mt[4]);
        r.cycles = std::stoull(mt[5]);
        rows.push_back(r);
    }
    return rows;
}

std::vector<emu::VmExitRecord> hv_exits(const emu::ExitIndex& index) {
    std::vector<emu::VmExitRecord> out;
    for (const auto& x : index.exits())
        if (x.to_hypervisor()) out.push_back(x);
    return out;
}

std::optional<uint64_t> gstage_translate(emu::Machine& m, uint64_t hgatp, uint64_t gpa) {
    emu::WalkResult r = emu::walk(emu::gstage_request(gpa, hgatp), emu::debug_walk_memory(m.bus()));
    if (!r.ok) return std::nullopt;
    return r.pa;
}

}  // namespace scen::hvsetup
