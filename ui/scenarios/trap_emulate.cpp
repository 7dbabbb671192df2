// Lecture row 3, trap-and-emulate: what a guest may not do itself traps to
// the hypervisor, which does it on the guest's behalf and resumes it. Under
// hv that is every SBI call (ecall from VS-mode), WFI (a virtual-instruction
// trap, hstatus.VTW), hv's own timer while a guest runs, and accesses to an
// emulated device (guest-page faults on its MMIO window). Figures: VM exits
// by cause and the cycles from each exit to the next VM entry, measured from
// stepvisor's event log, next to the table hv printed from its own counters.
#include <algorithm>
#include <map>

#include "isa/causes.hpp"
#include "ui/scenarios/hv_setup.hpp"
#include "ui/scenarios/scenario.hpp"

namespace scen {
namespace {

using namespace hvsetup;

std::string cause_key(bool interrupt, uint64_t code) { return (interrupt ? "i" : "e") + std::to_string(code); }

class TrapEmulate : public Scenario {
public:
    std::string name() const override { return "trap-emulate"; }
    std::string summary() const override {
        return "guests' SBI calls, WFIs and timer ticks trap to hv, which emulates them: exits by cause, cycles per exit";
    }
    std::string intro() const override {
        return "A guest kernel in VS-mode may not touch the real machine: it asks for a console or\n"
               "a timer with an SBI ecall, and waits with WFI. Each of those traps out of the VM\n"
               "(a VM exit) into hv in HS-mode, which does the work and returns with sret (a VM\n"
               "entry). stepvisor logs both; the cycles between them are the cost of emulation.";
    }
    std::unique_ptr<emu::Machine> build(emu::MachineConfig cfg) const override { return build_hv_machine(cfg); }
    std::vector<Step> steps() const override {
        auto exit_with = [](uint64_t cause) {
            return Condition::on(emu::EventKind::VmExit,
                                 [cause](const emu::Event& e) { return e.cause == cause && e.to_priv == emu::Priv::S; });
        };
        return {
            {"first-vm-entry", "first VM entry", Condition::on(emu::EventKind::VmEntry),
             "hv entered its first guest: sret with hstatus.SPV=1 puts the hart in VS-mode."},
            {"first-ecall-exit", "first SBI call traps to hv", exit_with(10),
             "The guest executed ecall to call its SBI: 'environment call from VS-mode' (cause 10)\n"
             "is not delegated to the guest, so the hart leaves the VM. hv reads a7/a6 from the\n"
             "saved registers, emulates the call (here: print to the console), sets a0/a1, moves\n"
             "sepc past the ecall and enters the guest again."},
            {"first-wfi-exit", "WFI traps as a virtual instruction", exit_with(22),
             "The guest executed WFI to wait for its timer. With hstatus.VTW=1 that is a virtual-\n"
             "instruction trap (cause 22): hv blocks this vCPU and runs another VM meanwhile,\n"
             "instead of letting one guest stall the hart."},
            {"all-done", "every VM stopped; hv's table printed", Condition::halted(),
             "All VMs have shut down through SBI; hv printed its own exit table and powered off."},
        };
    }
    void observe(const emu::Event& e) override { exits_.observe(e); }

    std::vector<Figure> figures(const RunView& run) override {
        FigureList list;
        auto vms = parse_vms(run.console);
        auto hv_rows = parse_hv_exit_table(run.console);
        std::map<uint64_t, std::string> label;  // hgatp -> vmN
        for (const auto& v : vms) label[v.hgatp] = v.label;

        struct Tally { uint64_t n = 0, cycles = 0, matched = 0, idle = 0, busy = 0, busy_cycles = 0; bool interrupt = false; uint64_t code = 0; };
        std::map<std::string, Tally> all;                                  // by cause
        std::map<std::pair<std::string, std::string>, Tally> per_vm;       // by (vm, cause)
        uint64_t unmatched = 0, zero = 0;
        const auto exits = hv_exits(exits_);
        for (const auto& x : exits) {
            std::string k = cause_key(x.interrupt(), x.exit.cause);
            const uint64_t hgatp = x.hgatp.value_or(0);
            std::string vm = label.count(hgatp) ? label[hgatp] : "?";
            const auto cycles = x.cycles();
            for (Tally* t : {&all[k], &per_vm[{vm, k}]}) {
                t->n++;
                t->interrupt = x.interrupt();
                t->code = x.exit.cause;
                if (cycles) t->matched++, t->cycles += *cycles;
                if (cycles && x.idle) t->idle++;
                if (cycles && !x.idle) t->busy++, t->busy_cycles += *cycles;
            }
            if (!cycles) unmatched++;
            else if (*cycles == 0) zero++;
        }
        // The last exit of the run has no entry after it when it ends the run.
        list.add("VM exits and entries (event log)", "exits.total", "VM exits into HS-mode", int64_t(exits.size()));
        list.add("VM exits and entries (event log)", "entries.total", "VM entries", int64_t(exits_.entries()));
        list.add("VM exits and entries (event log)", "exits.unmatched", "exits with no entry after them", int64_t(unmatched));
        bool last_open = !exits.empty() && !exits.back().entry;
        list.add("VM exits and entries (event log)", "exits.unmatched_before_end",
            "  of them before the exit that ended the run", int64_t(unmatched - (last_open ? 1 : 0)));
        list.add("VM exits and entries (event log)", "exits.zero_cycles", "exits whose entry came at the same cycle", int64_t(zero));
        uint64_t tot_cycles = 0, tot_matched = 0;
        for (const auto& [k, t] : all) {
            std::string name(isa::cause_name(t.code, t.interrupt));
            list.add("exits by cause (event log)", "exits." + k + ".count", name + " (" + std::to_string(t.code) + ")", int64_t(t.n));
            list.add("exits by cause (event log)", "exits." + k + ".cycles", "  cycles, exit to next entry", int64_t(t.cycles));
            list.add("exits by cause (event log)", "exits." + k + ".cycles_per_exit", "  cycles per exit",
                t.matched ? double(t.cycles) / double(t.matched) : 0.0);
            list.add("exits by cause (event log)", "exits." + k + ".idle", "  exits after which the hart idled (WFI) before the next entry",
                int64_t(t.idle));
            list.add("exits by cause (event log)", "exits." + k + ".busy_cycles_per_exit", "  cycles per exit without idle time",
                t.busy ? double(t.busy_cycles) / double(t.busy) : 0.0);
            tot_cycles += t.busy_cycles;
            tot_matched += t.busy;
        }
        list.add("exits by cause (event log)", "exits.cycles", "all exits without idle time: cycles, exit to next entry", int64_t(tot_cycles));
        list.add("exits by cause (event log)", "exits.cycles_per_exit", "all exits without idle time: cycles per exit",
            tot_matched ? double(tot_cycles) / double(tot_matched) : 0.0);

        // Per VM, stepvisor's count beside hv's own.
        int64_t rows = 0, counts_equal = 0, compared = 0, path_ok = 0;
        for (const auto& r : hv_rows) {
            std::string k = cause_key(r.interrupt, r.code);
            Tally t = per_vm.count({r.vm, k}) ? per_vm[{r.vm, k}] : Tally{};
            std::string base = "vm." + r.vm + "." + k;
            std::string name = r.vm + " " + std::string(isa::cause_name(r.code, r.interrupt));
            list.add("per VM: stepvisor's event log vs hv's table", base + ".count", name + ": exits (event log)", int64_t(t.n));
            list.add("per VM: stepvisor's event log vs hv's table", base + ".hv_count", "  exits (hv's table)", int64_t(r.exits));
            list.add("per VM: stepvisor's event log vs hv's table", base + ".cycles", "  cycles (event log)", int64_t(t.cycles));
            list.add("per VM: stepvisor's event log vs hv's table", base + ".hv_cycles",
                "  cycles (hv: rdcycle at trap entry to guest entry, minus idle)", int64_t(r.cycles));
            // hv reads `cycle` after saving the guest's registers and before
            // restoring them; the event log sees the trap and the sret. The
            // difference per exit is hv's save/restore path (trap.S).
            if (t.idle == 0 && t.n == r.exits && r.exits) {
                double d = (double(t.cycles) - double(r.cycles)) / double(r.exits);
                list.add("per VM: stepvisor's event log vs hv's table", base + ".entry_exit_path",
                    "  cycles per exit the event log sees and hv does not (register save/restore)", d);
                compared++;
                path_ok += d >= 0 && d <= 400;
            }
            rows++;
            counts_equal += t.n == r.exits;
        }
        // Exits stepvisor saw that hv's table has no row for.
        int64_t missing = 0;
        for (const auto& [key, t] : per_vm) {
            bool in_table = std::any_of(hv_rows.begin(), hv_rows.end(), [&](const HvExitRow& r) {
                return r.vm == key.first && cause_key(r.interrupt, r.code) == key.second;
            });
            missing += !in_table;
        }
        list.add("per VM: stepvisor's event log vs hv's table", "hv.rows", "rows in hv's table", rows);
        list.add("per VM: stepvisor's event log vs hv's table", "hv.rows_equal", "rows whose counts agree", counts_equal);
        list.add("per VM: stepvisor's event log vs hv's table", "hv.rows_missing", "(vm, cause) pairs only the event log has", missing);
        list.add("per VM: stepvisor's event log vs hv's table", "hv.cycles_compared", "rows without idle time compared in cycles", compared);
        list.add("per VM: stepvisor's event log vs hv's table", "hv.cycles_agree", "  rows where the difference is hv's save/restore path (0..400 per exit)", path_ok);
        int64_t hv_exits = 0;
        for (const auto& r : hv_rows) hv_exits += int64_t(r.exits);
        list.add("per VM: stepvisor's event log vs hv's table", "hv.exits", "exits in hv's table", hv_exits);
        list.add("run", "cycles", "cycles (whole run)", int64_t(run.cycles));
        list.add("run", "exit_share", "share of the run hv spent handling exits (idle time left out)",
            run.cycles ? double(tot_cycles) / double(run.cycles) : 0.0);
        return list.take();
    }

    std::vector<Check> checks(const std::vector<Figure>& f, const RunView& run) override {
        auto num = [&](const std::string& k) { return number(f, k); };
        std::vector<Check> c;
        c.push_back({"every VM exit but the one that ended the run has a matching VM entry", num("exits.unmatched_before_end") == 0, ""});
        c.push_back({"every exit costs cycles", num("exits.zero_cycles") == 0 && num("exits.cycles_per_exit") > 0, ""});
        c.push_back({"guests' SBI calls and WFIs exited", num("exits.e10.count") > 0 && num("exits.e22.count") > 0, ""});
        c.push_back({"hv's table counts the same exits as the event log",
                     num("hv.rows") > 0 && num("hv.rows_equal") == num("hv.rows") && num("hv.rows_missing") == 0 &&
                         num("hv.exits") == num("exits.total"),
                     ""});
        c.push_back({"hv's cycles agree with the event log's, less its save/restore path",
                     num("hv.cycles_compared") > 0 && num("hv.cycles_agree") == num("hv.cycles_compared"), ""});
        c.push_back({"the machine powered off normally", run.halted && run.machine.exit_code() == 0, ""});
        return c;
    }

private:
    emu::ExitIndex exits_;
};

}  // namespace

std::unique_ptr<Scenario> make_trap_emulate() { return std::make_unique<TrapEmulate>(); }

}  // namespace scen
