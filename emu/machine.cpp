#include "machine.hpp"

#include <algorithm>
#include <cstdio>

#include "commit_log.hpp"
#include "devices/bootrom.hpp"
#include "devices/clint.hpp"
#include "devices/htif.hpp"
#include "devices/mgmt_mailbox.hpp"
#include "devices/aplic.hpp"
#include "devices/imsic.hpp"
#include "devices/plic.hpp"
#include "devices/syscon.hpp"
#include "devices/uart16550.hpp"
#include "fdt.hpp"
#include "history.hpp"

namespace emu {

namespace {
// Cycles between hart switches when several harts run (a hart's LR
// reservation is dropped at a switch, as Spike does), and the slice length
// for a single hart.
constexpr uint64_t kQuantum = 1000;
constexpr uint64_t kSingleSlice = 1'000'000;
}  // namespace

std::string IsaConfig::parse(const std::string& text, IsaConfig& out, std::string* note) {
    return isa::parse_isa_string(text, out.ext, note);
}

uint64_t MachineConfig::misa() const { return (2ull << 62) | isa::misa_extensions(isa.ext); }

Machine::Machine(MachineConfig cfg) : cfg_(std::move(cfg)) {
    if (cfg_.harts == 0) cfg_.harts = 1;
    cfg_.aia_guests = std::min(cfg_.aia_guests, 7u);
    if (cfg_.aia == Aia::AplicImsic) {  // as QEMU's virt turns the harts' AIA on with the IMSICs
        cfg_.isa.ext.add(isa::Ext::Smaia);
        cfg_.isa.ext.add(isa::Ext::Ssaia);
    }
    bus_.add_region("bootrom", map::kBootRom, map::kBootRomSize, false);
    bus_.add_region("ram", map::kRam, cfg_.ram_size, true);
    clint_ = std::make_unique<dev::Clint>(
        cfg_.harts, [this] { return harts_[current_]->cycle / CycleModel::kCyclesPerTick; },
        [this] { devices_changed(); });
    if (cfg_.aia == Aia::None) {
        plic_ = std::make_unique<dev::Plic>(cfg_.harts, map::kPlicSources, [this](unsigned ctx, bool level) {
            // Context 2h is hart h's M-mode external interrupt, 2h+1 its S-mode one.
            device_activity_ = true;
            harts_[ctx / 2]->set_hw_irq(ctx % 2 ? irq::SEI : irq::MEI, level);
        });
        bus_.add_device(map::kPlic, map::kPlicSize, plic_.get());
    } else {
        const bool msi = cfg_.aia == Aia::AplicImsic;
        const unsigned geilen = cfg_.isa.has(isa::Ext::H) ? cfg_.aia_guests : 0;
        if (msi) {
            imsics_ = std::make_unique<dev::Imsics>(cfg_.harts, cfg_.aia_guests, [this](unsigned h) {
                device_activity_ = true;
                if (h < harts_.size()) harts_[h]->imsic_changed();
            });
            // In the log as the hart whose store (or device) sent it: its cycle.
            imsics_->set_observer([this](unsigned h, unsigned index, uint32_t id) {
                Hart& at = *harts_[current_];
                emit(at, event::msi(h, index, id, at.pc, {at.priv, at.virt}));
            });
            imsic_m_ = std::make_unique<dev::ImsicWindow>(*imsics_, true);
            imsic_s_ = std::make_unique<dev::ImsicWindow>(*imsics_, false);
        }
        aplic_ = std::make_unique<dev::Aplic>(
            cfg_.harts, msi, geilen,
            [this](unsigned domain, unsigned h, bool level) {
                device_activity_ = true;
                harts_[h]->set_hw_irq(domain == dev::Aplic::M ? irq::MEI : irq::SEI, level);
            },
            [this](uint64_t addr, uint32_t data) { deliver_msi(addr, data); });
        aplic_m_ = std::make_unique<dev::AplicWindow>(*aplic_, dev::Aplic::M, cfg_.harts);
        aplic_s_ = std::make_unique<dev::AplicWindow>(*aplic_, dev::Aplic::S, cfg_.harts);
        bus_.add_device(map::kAplicM, aplic_m_->size(), aplic_m_.get());
        bus_.add_device(map::kAplicS, aplic_s_->size(), aplic_s_.get());
        if (msi) {
            bus_.add_device(map::kImsicM, imsic_m_->size(), imsic_m_.get());
            bus_.add_device(map::kImsicS, imsic_s_->size(), imsic_s_.get());
        }
    }
    uart_ = std::make_unique<dev::Uart16550>([this](uint8_t b) { console_out(b); },
                                             [this] { set_irq_source(map::kUart0Irq, uart_->irq()); });
    syscon_ = std::make_unique<dev::Syscon>([this](dev::Syscon::Kind k, uint32_t code) {
        switch (k) {
        case dev::Syscon::Kind::Poweroff: halt(0, "poweroff"); break;
        case dev::Syscon::Kind::Fail: halt(int(code ? code : 1), "poweroff with failure code " + std::to_string(code)); break;
        case dev::Syscon::Kind::Reset:
            reset_requested_ = true;
            stop_ = true;
            for (auto& h : harts_) h->interrupt_state_changed();  // leave the hart's loop now
            break;
        }
    });
    bus_.add_device(map::kSyscon, map::kSysconSize, syscon_.get());
    bus_.add_device(map::kClint, map::kClintSize, clint_.get());
    bus_.add_device(map::kUart0, map::kUartSize, uart_.get());
    if (cfg_.demo_devices) {
        uart1_ = std::make_unique<dev::Uart16550>([this](uint8_t b) { uart1_out_.push(char(b)); },
                                                  [this] { set_irq_source(map::kUart1Irq, uart1_->irq()); });
        sriov_ = std::make_unique<dev::SriovConsole>(
            [this](unsigned vf, bool level) { set_irq_source(dev::SriovConsole::kIrq0 + vf, level); });
        bus_.add_device(map::kUart1, map::kUartSize, uart1_.get());
        bus_.add_device(map::kSriov, dev::SriovConsole::kSize, sriov_.get());
    }
    if (cfg_.mgmt_mailbox) {
        mgmt_ = std::make_unique<dev::MgmtMailbox>([this] {
            set_irq_source(map::kMgmtIrq, mgmt_->irq());
            devices_changed();
        });
        bus_.add_device(map::kMgmt, dev::MgmtMailbox::kSize, mgmt_.get());
    }
    htif_ = std::make_unique<dev::Htif>(
        [this](uint64_t pa, void* buf, size_t len) { return bus_.read_block(pa, buf, len); },
        [this](uint64_t pa, const void* buf, size_t len) { return bus_.write_block(pa, buf, len); },
        [this](uint64_t v) {
            if (fromhost_) bus_.write_block(*fromhost_, &v, 8);
        },
        [this](uint8_t b) { console_out(b); },
        [this](uint64_t code) {
            halt(int(code > 255 ? 255 : code), code == 0 ? "pass" : "fail: test " + std::to_string(code));
            exit_code_ = int(code);
        });
    bus_.on_page_slowed = [this](uint64_t page) {
        for (auto& h : harts_) h->drop_fast_stores(page);
    };
    bus_.on_watch = [this](uint64_t pa, uint64_t) {
        if (!tohost_ || pa != *tohost_) return;
        uint64_t v = 0;
        bus_.read_block(pa, &v, 8);
        if (v == 0) return;
        uint64_t zero = 0;
        bus_.write_block(pa, &zero, 8);  // command taken
        htif_->tohost_written(v);
    };
    hart_steps_.assign(cfg_.harts, 0);
    for (unsigned i = 0; i < cfg_.harts; ++i) {
        harts_.push_back(std::make_unique<Hart>(*this, i, cfg_.isa.has(isa::Ext::H), cfg_.isa.has(isa::Ext::Sstc)));
        harts_.back()->tlb_enabled = cfg_.tlb;
        harts_.back()->skip_spins = cfg_.skip_spins;
        harts_.back()->reset(map::kBootRom);
        if (imsics_) harts_.back()->attach_imsic(imsics_.get());
    }
}

void Machine::set_irq_source(unsigned src, bool level) {
    if (plic_) plic_->set_source(src, level);
    if (aplic_) aplic_->set_source(src, level);
}

// An MSI reaches an interrupt file when it is written to the file's page; one
// aimed anywhere else is dropped (the APLIC knows only the IMSICs), so no MSI
// can reach the APLIC itself and loop.
void Machine::deliver_msi(uint64_t addr, uint32_t data) {
    if (!imsics_) return;
    if (addr >= map::kImsicM && addr - map::kImsicM < imsic_m_->size()) imsic_m_->write(addr - map::kImsicM, 4, data);
    else if (addr >= map::kImsicS && addr - map::kImsicS < imsic_s_->size()) imsic_s_->write(addr - map::kImsicS, 4, data);
}

Machine::~Machine() {
    for (auto& h : harts_) h->attach_commit_tracer(nullptr);
}

void Machine::set_commit_log(CommitLog* log) {
    for (auto& h : harts_) h->attach_commit_tracer(nullptr);
    commit_tracers_.clear();
    commit_log_ = log;
    if (!log) return;
    for (auto& h : harts_) {
        commit_tracers_.push_back(std::make_unique<CommitTracer>(*log));
        h->attach_commit_tracer(commit_tracers_.back().get());
    }
}

void Machine::load(const Image& image) { boot(BootSpec{image, std::nullopt, {}, {}}); }

uint64_t Machine::kernel_load_address(const Image& firmware) {
    uint64_t end = map::kRam;
    for (const auto& seg : firmware.segments) end = std::max(end, seg.paddr + seg.memsz);
    constexpr uint64_t k2M = 2ull << 20;
    return (end + k2M - 1) & ~(k2M - 1);
}

void Machine::boot(const BootSpec& spec) {
    check_fits(spec.firmware, map::kRam, cfg_.ram_size, "firmware");
    if (spec.kernel) check_fits(*spec.kernel, map::kRam, cfg_.ram_size, "kernel");
    boot_ = spec;
    image_ = spec.firmware;
    tohost_ = spec.firmware.symbol("tohost");
    fromhost_ = spec.firmware.symbol("fromhost");
    if (tohost_) bus_.watch(*tohost_);
    place_images();
}

// Copies the boot images into memory and writes the boot ROM; run at boot
// and at every reset.
void Machine::place_images() {
    const BootSpec& spec = *boot_;
    auto place = [&](const Image& img) {
        for (const auto& s : img.segments) {
            bus_.write_block(s.paddr, s.data.data(), s.data.size());
            std::vector<uint8_t> zeros(s.memsz - s.data.size(), 0);
            if (!zeros.empty()) bus_.write_block(s.paddr + s.data.size(), zeros.data(), zeros.size());
        }
    };
    place(spec.firmware);
    uint64_t a2 = 0;
    std::vector<uint8_t> rom = dev::BootRom::reset_stub(0, spec.firmware.entry);
    if (spec.kernel) {
        place(*spec.kernel);
        // OpenSBI's struct fw_dynamic_info (version 2): magic "OSBI", version,
        // next_addr, next_mode (1 = S), options, boot_hart.
        constexpr uint64_t kInfoOffset = 0x40;
        const uint64_t info[6] = {0x4942534f, 2, spec.kernel->entry, 1, 0, 0};
        a2 = map::kBootRom + kInfoOffset;
        rom.resize(kInfoOffset, 0);
        rom.insert(rom.end(), reinterpret_cast<const uint8_t*>(info), reinterpret_cast<const uint8_t*>(info) + sizeof info);
    }
    uint64_t initrd_start = 0;
    if (!spec.initrd.empty()) {
        // As QEMU: far enough above the kernel that unpacking it will not
        // overwrite the initrd (half of RAM, at most 128 MiB).
        const uint64_t base = spec.kernel ? spec.kernel->entry : spec.firmware.entry;
        initrd_start = base + std::min<uint64_t>(cfg_.ram_size / 2, 128ull << 20);
        if (initrd_start + spec.initrd.size() > map::kRam + cfg_.ram_size)
            throw LoadError("initrd: " + std::to_string(spec.initrd.size()) + " bytes do not fit in RAM above 0x" +
                            [&] { char b[32]; std::snprintf(b, sizeof b, "%llx", (unsigned long long)initrd_start); return std::string(b); }());
        bus_.write_block(initrd_start, spec.initrd.data(), spec.initrd.size());
    }
    dtb_ = make_device_tree(spec.bootargs, initrd_start, spec.initrd.size());
    dtb_addr_ = 0;
    if (!dtb_.empty()) {
        // The top of RAM, 2 MiB aligned as QEMU places it; in a small RAM,
        // 4 KiB aligned so it stays out of the lower half where images go.
        const uint64_t top = map::kRam + cfg_.ram_size - dtb_.size();
        dtb_addr_ = top & ~((2ull << 20) - 1);
        if (dtb_addr_ < map::kRam + cfg_.ram_size / 2) dtb_addr_ = top & ~0xfffull;
        bus_.write_block(dtb_addr_, dtb_.data(), dtb_.size());
    }
    std::vector<uint8_t> stub = dev::BootRom::reset_stub(dtb_addr_, spec.firmware.entry, a2);
    std::copy(stub.begin(), stub.end(), rom.begin());
    std::vector<uint8_t> zero(map::kBootRomSize, 0);
    bus_.write_block(map::kBootRom, zero.data(), zero.size());
    bus_.write_block(map::kBootRom, rom.data(), rom.size());
}

std::vector<uint8_t> Machine::make_device_tree(const std::string& bootargs, uint64_t initrd_start,
                                               uint64_t initrd_size) const {
    FdtConfig c;
    c.harts = cfg_.harts;
    c.isa = isa::isa_base(cfg_.isa.ext);
    c.extensions = isa::isa_multi_letter(cfg_.isa.ext);
    if (cfg_.isa.has(isa::Ext::Zicbom)) c.cbom_block = Hart::kCacheBlock;
    if (cfg_.isa.has(isa::Ext::Zicboz)) c.cboz_block = Hart::kCacheBlock;
    c.ram_base = map::kRam;
    c.ram_size = cfg_.ram_size;
    c.bootargs = bootargs;
    if (initrd_size) c.initrd = std::make_pair(initrd_start, initrd_start + initrd_size);
    c.timebase_hz = CycleModel::kTimebaseHz;
    c.demo_devices = cfg_.demo_devices;
    c.mgmt_mailbox = cfg_.mgmt_mailbox;
    c.aia = cfg_.aia == Aia::None ? 0 : cfg_.aia == Aia::Aplic ? 1 : 2;
    c.aia_guests = cfg_.aia_guests;
    if (cfg_.isa.has(isa::Ext::Zihpm)) c.pmu_counters = Hart::kHpmCounters;
    return build_device_tree(c);
}

void Machine::reset() {
    round_open_ = false;
    retired_before_reset_ += instructions();
    cycles_before_reset_ += cycles();
    for (auto& h : harts_) h->reset(map::kBootRom);
    clint_->reset();
    uart_->reset();
    if (uart1_) uart1_->reset();
    if (sriov_) sriov_->reset();
    if (mgmt_) mgmt_->reset();
    if (plic_) plic_->reset();
    if (aplic_) aplic_->reset();
    if (imsics_) imsics_->reset();
    halted_ = false;
    exit_code_ = 0;
    halt_reason_.clear();
    if (boot_) place_images();
}

void Machine::console_out(uint8_t b) {
    if (muted_) return;
    if (cfg_.console) {
        cfg_.console(b);
        return;
    }
    std::fputc(b, stdout);
    if (b == '\n') std::fflush(stdout);
}

void Machine::devices_changed() {
    device_activity_ = true;  // a sleeping hart may have an interrupt now
    for (auto& h : harts_) h->interrupt_state_changed();
}

uint64_t Machine::mtime() const { return clint_->mtime(); }
uint64_t Machine::mtimecmp(unsigned hart) const { return clint_->mtimecmp(hart); }
bool Machine::msip(unsigned hart) const { return clint_->msip(hart); }

void Machine::halt(int code, std::string reason) {
    if (halted_) return;
    halted_ = true;
    exit_code_ = code;
    halt_reason_ = std::move(reason);
    stop_ = true;
    stop_reason_ = StopReason::Halted;
    Hart& h = *harts_[current_];
    emit(h, event::halt(code, h.pc, {h.priv, h.virt}));
    for (auto& hh : harts_) hh->interrupt_state_changed();
}

void Machine::emit(Hart& h, Event e) {
    e.hart = uint8_t(h.id);
    e.cycle = h.cycle;
    e.instret = h.instret;
    events_.push(e);
    if (trap_loop_.limit() && trap_loop_.observe(e)) trap_loop_found(h);
    if ((stop_mask_ & (1u << unsigned(e.kind))) || events_.total() == stop_seq_ + 1) {
        if (!stop_) { stop_reason_ = StopReason::Event; stop_hart_ = h.id; }
        stop_ = true;
        h.interrupt_state_changed();
    }
}

void Machine::trap_loop_found(Hart& h) {
    TrapLoop& t = *trap_loop_.found();
    const Event& f = t.first;
    if ((f.cause == ILLEGAL_INSTRUCTION || f.cause == VIRTUAL_INSTRUCTION) && f.tval) {
        t.first_insn = uint32_t(f.tval);
    } else {
        // The code the chain began in, read as the hart fetched it: by
        // physical address from M-mode, else through the translation of
        // the mode the hart is still in.
        uint32_t raw = 0;
        bool ok = f.from_priv == Priv::M ? bus_.read_block(f.pc, &raw, sizeof raw)
                  : h.priv == f.from_priv && h.virt == f.from_v ? h.debug_read_virt(f.pc, &raw, sizeof raw)
                                                                : false;
        if (ok) t.first_insn = raw;
    }
    if (!stop_) {
        stop_reason_ = StopReason::TrapLoop;
        stop_hart_ = h.id;
    }
    stop_ = true;
    h.interrupt_state_changed();
}

void Machine::add_breakpoint(uint64_t pc) {
    breakpoints_.insert(pc);
    for (auto& h : harts_) h->has_breakpoints = true;
}
void Machine::remove_breakpoint(uint64_t pc) {
    breakpoints_.erase(pc);
    for (auto& h : harts_) h->has_breakpoints = !breakpoints_.empty();
}
void Machine::add_watchpoint(const Watchpoint& w) {
    watchpoints_.push_back(w);
    for (auto& h : harts_) h->set_watching(true);
}
bool Machine::remove_watchpoint(const Watchpoint& w) {
    auto it = std::find(watchpoints_.begin(), watchpoints_.end(), w);
    if (it == watchpoints_.end()) return false;
    watchpoints_.erase(it);
    for (auto& h : harts_) h->set_watching(!watchpoints_.empty());
    return true;
}

bool Machine::watched_access(Hart& h, uint64_t va, unsigned size, bool write) {
    // The instruction that stopped last time goes through once resumed.
    if (h.id == watch_hit_.hart && h.pc == watch_hit_.pc && h.instret == watch_hit_.instret) return false;
    for (const Watchpoint& w : watchpoints_) {
        const bool kind = write ? w.kind != WatchKind::Read : w.kind != WatchKind::Write;
        if (!kind || va >= w.addr + w.len || w.addr >= va + size) continue;
        if (!stop_) {
            stop_reason_ = StopReason::Watchpoint;
            stop_hart_ = h.id;
        }
        watch_hit_ = {h.id, std::max(va, w.addr), w, h.pc, h.instret};
        phantom_step_ = true;
        stop_ = true;
        h.interrupt_state_changed();
        return true;
    }
    return false;
}

void Machine::clear_breakpoints() {
    breakpoints_.clear();
    for (auto& h : harts_) h->has_breakpoints = false;
}

uint64_t Machine::instructions() const {
    uint64_t n = 0;
    for (auto& h : harts_) n += h->instret;
    return n;
}

Machine::DecodedMemory Machine::decoded_memory() const {
    DecodedMemory d;
    for (const auto& r : bus_.regions())
        for (const auto& p : r->code)
            if (p) {
                d.bytes += sizeof(DecodedPage);
                d.slots += kPageSize / 2;
            }
    return d;
}

uint64_t Machine::time_skipped_instructions() const {
    uint64_t n = 0;
    for (auto& h : harts_) n += h->spin_stats.instructions;
    return n;
}

uint64_t Machine::cycles() const {
    uint64_t c = 0;
    for (auto& h : harts_) c = std::max(c, h->cycle);
    return c;
}

// The end of the round that starts with the furthest hart at `from`. While
// every hart sleeps in WFI, the rounds up to the one in which the first of
// them wakes would each only move the clocks on: they are skipped, and the
// round ends where the last of them would have. With an idle pacer, only
// the whole rounds it lets pass now are, the rest in later rounds: the same
// rounds in the end, so the same run.
uint64_t Machine::next_round_end(uint64_t from, uint64_t length) {
    uint64_t wake = ~0ull;
    for (unsigned i = 0; i < harts_.size(); ++i) {
        current_ = i;  // the CLINT's time is the current hart's
        wake = std::min(wake, harts_[i]->sleeps_until());
    }
    current_ = 0;
    uint64_t rounds = 1;
    if (wake != ~0ull && wake > from) {
        const uint64_t sleep = wake - from;
        const uint64_t passed = idle_pacer_ && !muted_ ? std::min(sleep, idle_pacer_(sleep)) : sleep;
        if (passed < sleep) rounds = std::max<uint64_t>(1, passed / length);
        else if (sleep > length) rounds = sleep / length + (sleep % length != 0);
    }
    if (rounds > (~0ull - from) / length) return ~0ull;
    return from + rounds * length;
}

// The run in slices that end where the history takes its next snapshot
// and where recorded input is due; the slicing changes nothing in the run.
StopReason Machine::run(uint64_t max_insns) {
    last_run_ = 0;
    if (halted_) return StopReason::Halted;
    uint64_t done = 0;
    for (;;) {
        if (history_) history_->at_step(*this);
        deliver_inputs();
        uint64_t n = max_insns - done;
        if (next_input_ < inputs_.size()) n = std::min(n, inputs_[next_input_].step - steps_);
        if (history_) n = std::min(n, history_->steps_to_next(*this));
        if (n == 0) return StopReason::Limit;
        const uint64_t before = steps_;
        StopReason r = run_slice(n);
        done += steps_ - before;
        last_run_ = done;
        if (r == StopReason::Idle && next_input_ < inputs_.size() && inputs_[next_input_].step == steps_) continue;
        if (r != StopReason::Limit || done >= max_insns || yielded_) {
            if (history_) history_->at_step(*this);
            return r;
        }
    }
}

void Machine::deliver_inputs() {
    while (next_input_ < inputs_.size() && inputs_[next_input_].step <= steps_) {
        const InputEvent& e = inputs_[next_input_++];
        if (e.step != steps_) continue;  // before a restored state: already in it
        set_schedule(e.schedule);
        uart_->push_input(e.byte);
    }
}

void Machine::console_input(uint8_t byte) {
    if (history_) {  // only a history replays: without one nothing is kept
        if (next_input_ < inputs_.size()) forget_future_input();
        inputs_.push_back({steps_, byte, schedule()});
        next_input_ = inputs_.size();
    }
    uart_->push_input(byte);
}

StopReason Machine::run_slice(uint64_t max_insns) {
    if (halted_) return StopReason::Halted;
    stop_ = false;
    stop_reason_ = StopReason::Limit;
    uint64_t done = 0;
    const bool single = harts_.size() == 1;
    bool first_round = true;
    yielded_ = false;
    while (!stop_ && done < max_insns) {
        // A round: each hart in turn runs up to the round's end cycle. A
        // round cut short (budget, a stop) is resumed by the
        // next call where it stopped, so how a run is sliced into calls does
        // not change what happens, cycle for cycle.
        if (!round_open_) {
            if (!first_round && yield_ && yield_()) {
                yielded_ = true;
                break;
            }
            first_round = false;
            uint64_t end = 0;
            for (auto& h : harts_) end = std::max(end, h->cycle);
            round_end_ = next_round_end(end, single ? kSingleSlice : kQuantum);
            round_next_ = 0;
            round_idle_ = true;
            device_activity_ = false;
            round_open_ = true;
        }
        for (unsigned i = round_next_; i < harts_.size() && !stop_ && done < max_insns; ++i) {
            current_ = i;
            Hart& h = *harts_[i];
            uint64_t n = h.run(round_end_, max_insns - done);
            done += n;
            // An instruction a watchpoint stopped before it did anything is
            // not a step: it runs when resumed.
            const uint64_t stepped = n - (phantom_step_ && n ? 1 : 0);
            phantom_step_ = false;
            steps_ += stepped;
            hart_steps_[i] += stepped;
            if (h.has_breakpoints && at_breakpoint(h.pc) && n > 0) {
                if (!stop_) { stop_reason_ = StopReason::Breakpoint; stop_hart_ = i; }
                stop_ = true;
            }
            // Cut short by this call's budget or a stop: the next call goes on
            // with this hart (a hart that just entered WFI sleeps to the
            // round's end then, as it would have in one call). Anything else
            // ends its turn, and a switch drops the hart's LR reservation.
            bool cut = (done >= max_insns || stop_) && h.cycle < round_end_ && !halted_ && !reset_requested_;
            round_next_ = cut ? i : i + 1;
            if (cut) break;
            if (!single) h.lr_valid = false;
            if (!h.wfi || h.can_wake()) round_idle_ = false;
        }
        if (round_next_ < harts_.size() && !reset_requested_) break;   // resumed by the next call
        round_open_ = false;
        if (reset_requested_) {
            // A reset through the syscon: the machine starts over, the run goes on.
            reset_requested_ = false;
            reset();
            stop_ = false;
            emit(*harts_[0], event::reset());
            continue;
        }
        if (round_idle_ && !stop_ && !device_activity_) {
            stop_ = true;
            stop_reason_ = StopReason::Idle;
        }
        if (single && done >= max_insns) break;
    }
    current_ = 0;
    return stop_ ? stop_reason_ : StopReason::Limit;
}

}  // namespace emu
