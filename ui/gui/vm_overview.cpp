#include "vm_overview.hpp"

#include <nlohmann/json.hpp>

#include "isa/fields.hpp"
#include "isa/hex.hpp"
#include "isa/insn.hpp"
#include "inspect.hpp"
#include "memory_map.hpp"
#include "ui/scenarios/hv_setup.hpp"

namespace gui {

namespace {

// The same G-stage (MODE and root) whatever VMID the hart kept of the write.
bool same_tables(uint64_t a, uint64_t b) {
    return isa::atp::mode(a) == isa::atp::mode(b) && isa::atp::ppn(a) == isa::atp::ppn(b);
}

// VMID, root and MODE of the G-stage an hgatp names.
void set_tables(VmRow& r, uint64_t hgatp) {
    r.hgatp = hgatp;
    r.vmid = isa::atp::vmid(hgatp);
    if (auto l = isa::atp::layout(hgatp, true)) r.root = l->root;
    const char* mode = isa::atp::mode_name(isa::atp::mode(hgatp), true);
    r.mode = mode ? mode : "?";
}

// Which VM's G-stage maps each guest interrupt file's page.
void guest_file_owners(emu::Machine& m, VmOverview& o) {
    bool files = false;
    for (const auto& h : o.harts) files = files || h.geilen;
    if (!files) return;
    for (const auto& v : o.vms)
        for (const auto& r : read_memory_map(m, v.hgatp, &v).rows)
            if (r.imsic_hart >= 0 && size_t(r.imsic_hart) < o.harts.size() && r.imsic_index >= 2) {
                o.harts[size_t(r.imsic_hart)].file_owners[r.imsic_index - 1] = v.title() + " at GPA " + isa::hex(r.gpa);
                o.harts[size_t(r.imsic_hart)].file_gpas[r.imsic_index - 1] = r.gpa;
            }
    for (auto& h : o.harts) {
        auto it = h.file_owners.find(h.vgein);
        if (it != h.file_owners.end()) h.file_owner = it->second;
    }
}

// Each VM's vCPUs: those hv announced, in its order, then the contexts the
// harts entered it with that nobody announced (another hypervisor's).
void vcpu_rows(emu::Machine& m, const emu::ExitIndex& ix, VmOverview& o) {
    std::vector<bool> used(ix.vcpus().size());
    auto fill = [&](VcpuRow& r, size_t t) {
        const emu::VcpuTally& v = ix.vcpus()[t];
        used[t] = true;
        r.hgatp = v.hgatp;
        r.entries = v.entries;
        r.exits = v.exits;
        r.guest_cycles = ix.guest_cycles(v, [&m](unsigned h) { return m.hart(h).cycle; });
        r.last_exit = v.last_exit;
        r.last_hart = v.last_hart;
    };
    for (size_t k = 0; k < o.vms.size(); ++k) {
        const VmRow& vm = o.vms[k];
        for (size_t i = 0; i < vm.contexts.size(); ++i) {
            VcpuRow r;
            r.vm = k;
            r.hgatp = vm.hgatp;
            r.id = unsigned(i);
            r.context = vm.contexts[i];
            for (size_t t = 0; t < ix.vcpus().size(); ++t)
                if (!used[t] && ix.vcpus()[t].context == r.context && same_tables(ix.vcpus()[t].hgatp, vm.hgatp)) fill(r, t);
            o.vcpus.push_back(r);
        }
        for (size_t t = 0; t < ix.vcpus().size(); ++t)
            if (!used[t] && same_tables(ix.vcpus()[t].hgatp, vm.hgatp)) {
                VcpuRow r;
                r.vm = k;
                r.context = ix.vcpus()[t].context;
                fill(r, t);
                o.vcpus.push_back(r);
            }
    }
}

}  // namespace

std::string VcpuRow::name(const VmRow& v) const {
    if (id) return "vCPU " + std::to_string(*id) + " of " + (v.label.empty() ? v.title() : v.label);
    return "vCPU at " + isa::hex(context) + " of " + (v.label.empty() ? "VMID " + std::to_string(v.vmid) : v.label);
}

std::string VcpuRow::where() const {
    if (hart) return "on hart " + std::to_string(*hart);
    if (last_hart) return "last on hart " + std::to_string(*last_hart);
    return "-";
}

std::string VcpuRow::state(const VmRow& v) const {
    if (v.stopped) return "stopped";
    if (hart) return "running";
    if (v.paused) return "paused";
    if (!last_exit) return entries ? "waiting" : "not entered yet";
    const emu::Event& x = *last_exit;
    // With hstatus.VTW a guest's WFI exits as a virtual-instruction exception, the WFI in stval.
    if (!x.interrupt && x.cause == emu::VIRTUAL_INSTRUCTION && isa::decode(uint32_t(x.tval)).op == isa::Op::WFI)
        return "out: its WFI";
    return "out: " + cause_text(x.cause, x.interrupt);
}

std::string VmRow::title() const {
    if (!label.empty()) return label + " '" + name + "'";
    return "VMID " + std::to_string(vmid) + " (root " + isa::hex(root) + ")";
}

std::string VmRow::state() const {
    if (stopped) return "stopped";
    if (paused) return "paused";
    if (harts.empty()) return entries ? "waiting" : "not entered yet";
    std::string s = "on hart";
    for (size_t i = 0; i < harts.size(); ++i) s += (i ? ", " : " ") + std::to_string(harts[i]);
    return s;
}

VmOverview read_vm_overview(Session& s) {
    VmOverview o;
    emu::Machine& m = s.machine();
    const emu::ExitIndex& ix = s.exit_index();
    o.cycle = m.cycles();
    for (const emu::VmTally& t : ix.vms()) {
        VmRow r;
        set_tables(r, t.hgatp);
        r.entries = t.entries;
        r.exits = t.exits;
        r.to_hypervisor = t.to_hypervisor;
        r.guest_cycles = ix.guest_cycles(t, [&m](unsigned h) { return m.hart(h).cycle; });
        o.vms.push_back(r);
    }
    // hv's VMs, also those no hart entered yet, in hv's order.
    std::vector<VmRow> hv_rows;
    for (const auto& v : scen::hvsetup::parse_vms(s.hv_lines())) {
        VmRow r;
        for (auto it = o.vms.begin(); it != o.vms.end(); ++it)
            if (same_tables(it->hgatp, v.hgatp)) {
                r = *it;
                o.vms.erase(it);
                break;
            }
        if (!r.entries) set_tables(r, v.hgatp);
        r.label = v.label;
        r.name = v.name;
        r.vcpus = v.vcpus;
        r.share_asked = v.share;
        r.contexts = v.contexts;
        r.ram_kib = v.ram_kib;
        r.ram_host = v.host;
        r.paused = v.paused;
        r.stopped = v.stopped;
        r.stop_reason = v.stop_reason;
        hv_rows.push_back(r);
    }
    o.from_hv = !hv_rows.empty();
    hv_rows.insert(hv_rows.end(), o.vms.begin(), o.vms.end());  // entered, but not announced by hv
    o.vms = std::move(hv_rows);
    vcpu_rows(m, ix, o);

    for (unsigned i = 0; i < m.hart_count(); ++i) {
        emu::Hart& h = m.hart(i);
        HartRow hr;
        hr.hart = i;
        hr.mode = emu::priv_name(h.priv, h.virt, h.h_ext);
        hr.mode_index = mode_of(h.priv, h.virt);
        hr.virt = h.virt;
        hr.wfi = h.wfi;
        hr.stall = h.stall_name();
        hr.hgatp = h.csrs().hgatp;
        hr.sscratch = h.csrs().sscratch;
        hr.geilen = h.geilen();
        hr.vgein = unsigned((h.csrs().hstatus & isa::hstatus::VGEIN) >> 12);
        hr.hgeie = h.csrs().hgeie;
        hr.hgeip = h.csrs().hgeip;
        if (h.virt) {
            for (size_t k = 0; k < o.vms.size(); ++k)
                if (same_tables(o.vms[k].hgatp, h.csrs().hgatp)) {
                    hr.vm = k;
                    o.vms[k].harts.push_back(i);
                    break;
                }
            for (size_t k = 0; k < o.vcpus.size(); ++k) {
                VcpuRow& c = o.vcpus[k];
                if (hr.vm && c.vm == *hr.vm && c.context == h.csrs().sscratch) {
                    hr.vcpu = k;
                    c.hart = i;
                    c.vgein = hr.vgein;
                    break;
                }
            }
        }
        o.harts.push_back(hr);
    }
    guest_file_owners(m, o);
    return o;
}

void VmRates::sample(Session& s) {
    emu::Machine& m = s.machine();
    const uint64_t cycle = m.cycles();
    if (!samples_.empty() && cycle < samples_.back().cycle) samples_.clear();  // went back, or reset
    if (!samples_.empty() && cycle == samples_.back().cycle) return;
    Sample now{cycle, {}, {}};
    const emu::ExitIndex& ix = s.exit_index();
    auto at = [&m](unsigned h) { return m.hart(h).cycle; };
    for (const auto& t : ix.vms()) now.vm[t.hgatp] = {t.exits, ix.guest_cycles(t, at)};
    for (const auto& t : ix.vcpus()) now.vcpu[{t.hgatp, t.context}] = {t.exits, ix.guest_cycles(t, at)};
    samples_.push_back(std::move(now));
    while (samples_.size() > 2 && samples_[1].cycle + kWindow <= cycle) samples_.pop_front();
}

void VmRates::apply(VmOverview& o) {
    if (samples_.empty()) return;
    const Sample& old = samples_.front();
    if (old.cycle >= o.cycle) return;
    const uint64_t span = o.cycle - old.cycle;
    o.window_s = double(span) / double(emu::CycleModel::kHartHz);
    // Exits per second and percent of one hart since the oldest sample (then: `was`).
    auto rates = [&](auto& row, const std::pair<uint64_t, uint64_t>* was) {
        const uint64_t exits0 = was ? was->first : 0, cycles0 = was ? was->second : 0;
        row.exits_per_s = double(row.exits - std::min(row.exits, exits0)) / o.window_s;
        row.share_got = 100.0 * double(row.guest_cycles - std::min(row.guest_cycles, cycles0)) / double(span);
    };
    for (auto& v : o.vms) {
        auto it = old.vm.find(v.hgatp);
        rates(v, it == old.vm.end() ? nullptr : &it->second);
    }
    for (auto& c : o.vcpus) {
        auto it = old.vcpu.find({c.hgatp, c.context});
        rates(c, it == old.vcpu.end() ? nullptr : &it->second);
    }
}

namespace {
template <class T>
nlohmann::ordered_json or_null(const std::optional<T>& v) {
    return v ? nlohmann::ordered_json(*v) : nlohmann::ordered_json(nullptr);
}
}  // namespace

std::string vm_overview_json(const VmOverview& o) {
    nlohmann::ordered_json j;
    j["from_hv"] = o.from_hv;
    j["window_s"] = o.window_s;
    auto& vms = j["vms"] = nlohmann::ordered_json::array();
    for (const auto& v : o.vms) {
        nlohmann::ordered_json r;
        r["title"] = v.title();
        r["label"] = v.label;
        r["name"] = v.name;
        r["hgatp"] = isa::hex(v.hgatp);
        r["vmid"] = v.vmid;
        r["root"] = isa::hex(v.root);
        r["vcpus"] = v.vcpus;
        r["share_asked"] = v.share_asked;
        r["state"] = v.state();
        r["harts"] = v.harts;
        r["entries"] = v.entries;
        r["exits"] = v.exits;
        r["guest_cycles"] = v.guest_cycles;
        r["share_got"] = v.share_got;
        r["exits_per_s"] = v.exits_per_s;
        vms.push_back(r);
    }
    auto& vcpus = j["vcpus"] = nlohmann::ordered_json::array();
    for (const auto& c : o.vcpus) {
        const VmRow& v = o.vms[c.vm];
        nlohmann::ordered_json r;
        r["name"] = c.name(v);
        r["vm"] = c.vm;
        r["id"] = or_null(c.id);
        r["context"] = isa::hex(c.context);
        r["hart"] = or_null(c.hart);
        r["where"] = c.where();
        r["state"] = c.state(v);
        r["share_asked"] = v.share_asked;
        r["share_got"] = c.share_got;
        r["entries"] = c.entries;
        r["exits"] = c.exits;
        r["exits_per_s"] = c.exits_per_s;
        r["vgein"] = c.vgein;
        vcpus.push_back(r);
    }
    auto& harts = j["harts"] = nlohmann::ordered_json::array();
    for (const auto& h : o.harts) {
        nlohmann::ordered_json r;
        r["hart"] = h.hart;
        r["mode"] = h.mode;
        r["vm"] = or_null(h.vm);
        r["vcpu"] = or_null(h.vcpu);
        r["sscratch"] = isa::hex(h.sscratch);
        r["hgatp"] = isa::hex(h.hgatp);
        r["geilen"] = h.geilen;
        r["vgein"] = h.vgein;
        r["hgeie"] = isa::hex(h.hgeie);
        r["hgeip"] = isa::hex(h.hgeip);
        r["file_owner"] = h.file_owner;
        auto& owners = r["file_owners"] = nlohmann::ordered_json::object();
        for (const auto& [g, who] : h.file_owners) owners[std::to_string(g)] = who;
        harts.push_back(r);
    }
    return j.dump();
}

}  // namespace gui
