// Register-level tests of the devices: boot ROM, CLINT, ns16550a, syscon, HTIF.
#include <doctest/doctest.h>

#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "devices/bootrom.hpp"
#include "devices/clint.hpp"
#include "devices/htif.hpp"
#include "devices/syscon.hpp"
#include "devices/uart16550.hpp"
#include "isa/insn.hpp"

using namespace dev;

namespace {
uint64_t rd(Device& d, uint64_t off, unsigned size) {
    uint64_t v = 0xdeadbeef;
    REQUIRE(d.read(off, size, v));
    return v;
}
void wr(Device& d, uint64_t off, unsigned size, uint64_t v) { REQUIRE(d.write(off, size, v)); }
}  // namespace

// ---------------------------------------------------------------- boot ROM

TEST_CASE("bootrom: reads little-endian, rejects writes and out-of-range reads") {
    BootRom rom({0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88});
    CHECK(rd(rom, 0, 4) == 0x44332211u);
    CHECK(rd(rom, 0, 8) == 0x8877665544332211ull);
    CHECK(rd(rom, 7, 1) == 0x88);
    uint64_t v;
    CHECK_FALSE(rom.read(8, 1, v));
    CHECK_FALSE(rom.read(6, 4, v));
    CHECK_FALSE(rom.read(~uint64_t{0}, 8, v));
    CHECK_FALSE(rom.read(0, 3, v));
    CHECK_FALSE(rom.write(0, 4, 0));
    CHECK(rd(rom, 0, 1) == 0x11);
}

TEST_CASE("bootrom: reset stub decodes to auipc/csrr/ld/ld/ld/jr with data words") {
    const uint64_t dtb = 0x87e00000, jump = 0x80000000, a2 = 0x1234;
    auto bytes = BootRom::reset_stub(dtb, jump, a2);
    REQUIRE(bytes.size() == 0x30);
    BootRom rom(bytes);
    auto insn = [&](unsigned i) { return isa::decode(uint32_t(rd(rom, 4 * i, 4))); };

    auto i0 = insn(0);
    CHECK(i0.op == isa::Op::AUIPC);
    CHECK(i0.rd == 5);
    CHECK(i0.imm == 0);
    auto i1 = insn(1);
    CHECK(i1.op == isa::Op::CSRRS);
    CHECK(i1.rd == 10);
    CHECK(i1.rs1 == 0);
    CHECK(i1.imm == 0xf14);  // mhartid
    struct { unsigned idx; uint8_t rd; int64_t off; } loads[] = {{2, 11, 0x20}, {3, 12, 0x28}, {4, 5, 0x18}};
    for (auto& l : loads) {
        auto d = insn(l.idx);
        CHECK(d.op == isa::Op::LD);
        CHECK(d.rd == l.rd);
        CHECK(d.rs1 == 5);
        CHECK(d.imm == l.off);
    }
    auto i5 = insn(5);
    CHECK(i5.op == isa::Op::JALR);
    CHECK(i5.rd == 0);
    CHECK(i5.rs1 == 5);
    CHECK(i5.imm == 0);
    CHECK(rd(rom, 0x18, 8) == jump);
    CHECK(rd(rom, 0x20, 8) == dtb);
    CHECK(rd(rom, 0x28, 8) == a2);
    BootRom rom0(BootRom::reset_stub(dtb, jump));
    CHECK(rd(rom0, 0x28, 8) == 0);  // a2 defaults to 0
}

// ---------------------------------------------------------------- CLINT

TEST_CASE("clint: reset state, msip, mtimecmp halves, changed()") {
    uint64_t now = 1000;
    int changes = 0;
    Clint c(2, [&] { return now; }, [&] { ++changes; });
    CHECK(c.mtimecmp(0) == ~uint64_t{0});
    CHECK(c.mtimecmp(1) == ~uint64_t{0});
    CHECK_FALSE(c.msip(0));
    CHECK_FALSE(c.timer_pending(0));

    wr(c, 0x4, 4, 0xffffffff);  // msip hart 1: only bit 0 sticks
    CHECK(c.msip(1));
    CHECK_FALSE(c.msip(0));
    CHECK(rd(c, 0x4, 4) == 1);
    CHECK(changes == 1);
    CHECK(rd(c, 0x0, 8) == (uint64_t{1} << 32));  // 8-byte access spans harts 0 and 1

    wr(c, 0x4008, 4, 0x2000);       // mtimecmp[1] low half
    CHECK(c.mtimecmp(1) == 0xffffffff00002000ull);
    wr(c, 0x400c, 4, 0);            // high half
    CHECK(c.mtimecmp(1) == 0x2000);
    CHECK(changes == 3);
    CHECK(rd(c, 0x4008, 8) == 0x2000);
    CHECK(rd(c, 0x400c, 4) == 0);
    wr(c, 0x4000, 8, 999);
    CHECK(c.mtimecmp(0) == 999);
    CHECK(c.timer_pending(0));
    CHECK_FALSE(c.timer_pending(1));
    CHECK(changes == 4);

    // Harts that do not exist: reads 0, writes ignored, no crash.
    CHECK(rd(c, 0x8, 4) == 0);
    wr(c, 0x8, 4, 1);
    CHECK(rd(c, 0x4010, 8) == 0);
    CHECK(c.mtimecmp(7) == ~uint64_t{0});
    CHECK_FALSE(c.msip(7));
}

TEST_CASE("clint: mtime follows the machine clock plus a write offset") {
    uint64_t now = 0x1'0000'0005;
    int changes = 0;
    Clint c(1, [&] { return now; }, [&] { ++changes; });
    CHECK(rd(c, 0xbff8, 8) == now);
    CHECK(rd(c, 0xbff8, 4) == 5);
    CHECK(rd(c, 0xbffc, 4) == 1);
    now += 10;
    CHECK(c.mtime() == 0x1'0000'000f);

    wr(c, 0xbff8, 8, 100);  // guest sets mtime: only the offset changes
    CHECK(changes == 1);
    CHECK(c.mtime() == 100);
    now += 7;
    CHECK(c.mtime() == 107);
    CHECK(rd(c, 0xbff8, 8) == 107);

    wr(c, 0xbffc, 4, 0x42);  // high half only
    CHECK(c.mtime() == 0x42'0000'006bull);
    wr(c, 0xbff8, 4, 0);     // low half only
    CHECK(c.mtime() == 0x42'0000'0000ull);
    now += 1;
    CHECK(c.mtime() == 0x42'0000'0001ull);
    CHECK(changes == 3);
}

TEST_CASE("clint: bad sizes, misalignment and offsets fail without side effects") {
    int changes = 0;
    Clint c(1, [] { return uint64_t{0}; }, [&] { ++changes; });
    uint64_t v;
    CHECK_FALSE(c.read(0, 1, v));
    CHECK_FALSE(c.read(0, 2, v));
    CHECK_FALSE(c.write(0, 2, 1));
    CHECK_FALSE(c.write(0x4004, 8, 0));  // misaligned 8-byte
    CHECK_FALSE(c.read(0x2, 4, v));
    CHECK_FALSE(c.read(0x10000, 4, v));
    CHECK_FALSE(c.write(~uint64_t{0} - 3, 4, 0));
    CHECK(changes == 0);
    CHECK(rd(c, 0x8000, 4) == 0);  // hole inside the window
    wr(c, 0x8000, 4, 5);
    CHECK(changes == 0);
}

// ---------------------------------------------------------------- UART

TEST_CASE("uart: reset values, LSR, scratch, DLAB") {
    std::string out;
    Uart16550 u([&](uint8_t b) { out += char(b); });
    CHECK(rd(u, 5, 1) == 0x60);  // THRE|TEMT
    CHECK(rd(u, 2, 1) == 0x01);  // no interrupt, FIFOs off
    CHECK(rd(u, 1, 1) == 0);
    CHECK(rd(u, 6, 1) == 0xb0);  // DCD|DSR|CTS
    CHECK_FALSE(u.irq());

    wr(u, 7, 1, 0xa5);
    CHECK(rd(u, 7, 1) == 0xa5);

    wr(u, 3, 1, 0x83);  // DLAB, 8N1
    wr(u, 0, 1, 0x12);
    wr(u, 1, 1, 0x34);
    CHECK(rd(u, 0, 1) == 0x12);
    CHECK(rd(u, 1, 1) == 0x34);
    CHECK(u.divisor() == 0x3412);
    CHECK(out.empty());  // DLL write is not a transmit
    CHECK(u.ier() == 0);  // DLM write did not touch IER
    wr(u, 3, 1, 0x03);
    CHECK(rd(u, 3, 1) == 0x03);
    wr(u, 0, 1, 'h');
    wr(u, 0, 1, 'i');
    CHECK(out == "hi");
    CHECK(rd(u, 1, 1) == 0);
    wr(u, 5, 1, 0);  // LSR write ignored
    CHECK(rd(u, 5, 1) == 0x60);

    // Aliases every 8 bytes; wider accesses reach the register at the offset.
    CHECK(rd(u, 0xf, 1) == 0xa5);
    CHECK(rd(u, 7, 4) == 0xa5);
    uint64_t v;
    CHECK_FALSE(u.read(0x100, 1, v));
    CHECK_FALSE(u.write(~uint64_t{0}, 1, 0));
    CHECK_FALSE(u.read(0, 3, v));
}

TEST_CASE("uart: input sets DR, RBR pops, receive interrupt and IIR codes") {
    int changes = 0;
    Uart16550 u([](uint8_t) {}, [&] { ++changes; });
    u.push_input('a');
    CHECK(rd(u, 5, 1) == 0x61);
    CHECK_FALSE(u.irq());  // ERBFI off
    CHECK(changes == 0);
    wr(u, 1, 1, 0x01);     // ERBFI
    CHECK(u.irq());
    CHECK(changes == 1);
    CHECK(rd(u, 2, 1) == 0x04);  // received data available
    u.push_input('b');
    CHECK(rd(u, 0, 1) == 'a');
    CHECK(u.irq());
    CHECK(rd(u, 0, 1) == 'b');
    CHECK_FALSE(u.irq());
    CHECK(changes == 2);
    CHECK(rd(u, 5, 1) == 0x60);
    CHECK(rd(u, 0, 1) == 0);  // empty RBR reads 0
    CHECK(rd(u, 2, 1) == 0x01);

    // FIFO mode: IIR bits 7:6 set; below the trigger level it is a timeout.
    wr(u, 2, 1, 0xc1);  // enable, trigger 14
    CHECK(rd(u, 2, 1) == 0xc1);
    u.push_input('x');
    CHECK(rd(u, 2, 1) == 0xcc);
    wr(u, 2, 1, 0x01);  // trigger 1
    CHECK(rd(u, 2, 1) == 0xc4);
    wr(u, 2, 1, 0x03);  // clear RX FIFO
    CHECK(u.input_pending() == 0);
    CHECK_FALSE(u.irq());
}

TEST_CASE("uart: THR-empty interrupt per 16550: raised on enable and after THR write, cleared by IIR read") {
    std::string out;
    Uart16550 u([&](uint8_t b) { out += char(b); });
    wr(u, 1, 1, 0x02);  // ETBEI while THR empty -> interrupt
    CHECK(u.irq());
    CHECK(rd(u, 2, 1) == 0x02);
    CHECK_FALSE(u.irq());         // reading IIR acknowledged it
    CHECK(rd(u, 2, 1) == 0x01);
    wr(u, 0, 1, 'z');            // transmit: THR empties again
    CHECK(u.irq());
    CHECK(out == "z");
    // Linux's THRE test: disable and re-enable ETBEI re-asserts.
    wr(u, 1, 1, 0);
    CHECK_FALSE(u.irq());
    wr(u, 1, 1, 0x02);
    CHECK(rd(u, 2, 1) == 0x02);

    // Priority: received data beats THRE; IIR read of RDA does not clear THRE.
    wr(u, 1, 1, 0x03);
    wr(u, 0, 1, '!');  // THRE pending again
    u.push_input('q');
    CHECK(rd(u, 2, 1) == 0x04);
    CHECK(rd(u, 0, 1) == 'q');
    CHECK(rd(u, 2, 1) == 0x02);
    CHECK(rd(u, 2, 1) == 0x01);
}

TEST_CASE("uart: loopback mirrors MCR into MSR and THR into RBR") {
    std::string out;
    Uart16550 u([&](uint8_t b) { out += char(b); });
    wr(u, 4, 1, 0x1a);                  // LOOP | OUT2 | RTS (Linux 8250 probe)
    CHECK((rd(u, 6, 1) & 0xf0) == 0x90);  // DCD | CTS
    wr(u, 0, 1, 0x55);
    CHECK(out.empty());
    CHECK((rd(u, 5, 1) & 0x01) == 1);
    CHECK(rd(u, 0, 1) == 0x55);
    wr(u, 1, 1, 0x08);          // EDSSI
    wr(u, 4, 1, 0x1b);          // DTR rises -> DDSR delta
    CHECK(u.irq());
    CHECK(rd(u, 2, 1) == 0x00);  // modem status
    CHECK((rd(u, 6, 1) & 0x0f) == 0x02);
    CHECK_FALSE(u.irq());        // MSR read cleared the delta
    wr(u, 4, 1, 0);
    CHECK((rd(u, 6, 1) & 0xb0) == 0xb0);
}

// ---------------------------------------------------------------- syscon

TEST_CASE("syscon: pass, fail with code, reset, ignored values") {
    std::vector<std::pair<Syscon::Kind, uint32_t>> ev;
    Syscon s([&](Syscon::Kind k, uint32_t code) { ev.push_back({k, code}); });
    wr(s, 0, 4, 0x1234);  // not a command
    CHECK(ev.empty());
    wr(s, 0, 4, 0x5555);
    wr(s, 0, 4, (42u << 16) | 0x3333);
    wr(s, 0, 4, 0x7777);
    wr(s, 0, 4, 0xffff5555);  // pass ignores the high half
    REQUIRE(ev.size() == 4);
    CHECK(ev[0] == std::pair{Syscon::Kind::Poweroff, 0u});
    CHECK(ev[1] == std::pair{Syscon::Kind::Fail, 42u});
    CHECK(ev[2] == std::pair{Syscon::Kind::Reset, 0u});
    CHECK(ev[3].first == Syscon::Kind::Poweroff);
    wr(s, 4, 4, 0x5555);  // other offsets do nothing
    CHECK(ev.size() == 4);
    CHECK(rd(s, 0, 4) == 0);
    uint64_t v;
    CHECK_FALSE(s.write(0, 1, 0x55));
    CHECK_FALSE(s.write(0, 8, 0x5555));
    CHECK_FALSE(s.read(0x1000, 4, v));
    CHECK(ev.size() == 4);
}

// ---------------------------------------------------------------- HTIF

namespace {
struct FakeHost {
    std::map<uint64_t, uint8_t> mem;  // sparse guest memory; absent = no memory
    std::vector<uint64_t> fromhost;
    std::string console;
    std::vector<uint64_t> exits;

    void poke(uint64_t a, const void* p, size_t n) {
        for (size_t i = 0; i < n; ++i) mem[a + i] = static_cast<const uint8_t*>(p)[i];
    }
    void poke64(uint64_t a, uint64_t v) {
        uint8_t b[8];
        for (int i = 0; i < 8; ++i) b[i] = uint8_t(v >> (8 * i));
        poke(a, b, 8);
    }
    uint64_t peek64(uint64_t a) {
        uint64_t v = 0;
        for (int i = 7; i >= 0; --i) v = (v << 8) | mem.at(a + i);
        return v;
    }
    Htif make() {
        return Htif(
            [this](uint64_t a, void* buf, size_t n) {
                for (size_t i = 0; i < n; ++i) {
                    auto it = mem.find(a + i);
                    if (it == mem.end()) return false;
                    static_cast<uint8_t*>(buf)[i] = it->second;
                }
                return true;
            },
            [this](uint64_t a, void* buf, size_t n) { poke(a, buf, n); return true; },
            [this](uint64_t v) { fromhost.push_back(v); },
            [this](uint8_t b) { console += char(b); },
            [this](uint64_t code) { exits.push_back(code); });
    }
};
constexpr uint64_t cmd(uint64_t dev, uint64_t c, uint64_t payload) { return dev << 56 | c << 48 | payload; }
}  // namespace

TEST_CASE("htif: exit codes as riscv-tests write them") {
    FakeHost h;
    Htif t = h.make();
    t.tohost_written(0);  // clearing tohost is not a command
    CHECK(h.exits.empty());
    t.tohost_written(1);  // pass
    REQUIRE(h.exits.size() == 1);
    CHECK(h.exits[0] == 0);
    t.tohost_written((5 << 1) | 1);  // TESTNUM 5 failed
    CHECK(h.exits.at(1) == 5);
    CHECK(t.exit_code() == 5);
    CHECK(h.fromhost.empty());  // exit gets no response
}

TEST_CASE("htif: bcd console putchar and getchar") {
    FakeHost h;
    Htif t = h.make();
    t.tohost_written(cmd(1, 1, 'O'));
    t.tohost_written(cmd(1, 1, 'K'));
    CHECK(h.console == "OK");
    REQUIRE(h.fromhost.size() == 2);
    CHECK(h.fromhost[0] == cmd(1, 1, 0));

    t.tohost_written(cmd(1, 0, 0));  // getchar with no input: stays pending
    CHECK(h.fromhost.size() == 2);
    CHECK(t.pending_reads() == 1);
    t.push_input('y');
    REQUIRE(h.fromhost.size() == 3);
    CHECK(h.fromhost[2] == cmd(1, 0, 0x100 | 'y'));
    t.push_input('n');  // no request outstanding: kept
    CHECK(h.fromhost.size() == 3);
    t.tohost_written(cmd(1, 0, 0));
    CHECK(h.fromhost.at(3) == cmd(1, 0, 0x100 | 'n'));
    CHECK(t.pending_reads() == 0);
}

TEST_CASE("htif: syscall proxy write/exit/unknown through magic_mem") {
    FakeHost h;
    Htif t = h.make();
    const uint64_t magic = 0x80001000, buf = 0x80002000;
    const char msg[] = "hello, world\n";
    h.poke(buf, msg, sizeof msg - 1);
    h.poke64(magic + 0, 64);  // SYS_write
    h.poke64(magic + 8, 1);   // fd
    h.poke64(magic + 16, buf);
    h.poke64(magic + 24, sizeof msg - 1);
    for (int i = 4; i < 8; ++i) h.poke64(magic + 8 * i, 0);
    t.tohost_written(magic);
    CHECK(h.console == msg);
    CHECK(h.peek64(magic) == sizeof msg - 1);
    REQUIRE(h.fromhost.size() == 1);
    CHECK(h.fromhost[0] == 1);
    CHECK(h.peek64(magic + 8) == 1);  // arguments untouched

    // A buffer partly outside memory: what exists is written.
    h.poke64(magic + 0, 64);  // magic_mem[0] now holds the last result
    h.poke64(magic + 24, 1000);
    h.console.clear();
    t.tohost_written(magic);
    CHECK(h.console == msg);
    CHECK(h.peek64(magic) == sizeof msg - 1);  // a short write, as write(2) gives
}

TEST_CASE("htif: syscall errors and exit") {
    FakeHost h;
    Htif t = h.make();
    const uint64_t magic = 0x1000;
    for (int i = 0; i < 8; ++i) h.poke64(magic + 8 * i, 0);
    h.poke64(magic, 9999);  // unknown syscall
    t.tohost_written(magic);
    CHECK(h.peek64(magic) == uint64_t(-38));  // -ENOSYS
    CHECK(h.fromhost.at(0) == 1);

    h.poke64(magic, 64);  // write to fd 5
    h.poke64(magic + 8, 5);
    t.tohost_written(magic);
    CHECK(h.peek64(magic) == uint64_t(-9));  // -EBADF

    h.poke64(magic, 64);  // write from a buffer that does not exist
    h.poke64(magic + 8, 2);
    h.poke64(magic + 16, 0x9000'0000);
    h.poke64(magic + 24, 4);
    t.tohost_written(magic);
    CHECK(h.peek64(magic) == uint64_t(-14));  // -EFAULT
    CHECK(h.console.empty());

    h.poke64(magic, 93);  // SYS_exit(3)
    h.poke64(magic + 8, 3);
    t.tohost_written(magic);
    CHECK(h.exits == std::vector<uint64_t>{3});

    // magic_mem outside memory, unknown device, unknown command: ignored.
    size_t responses = h.fromhost.size();
    t.tohost_written(0x7000'0000);
    t.tohost_written(cmd(9, 1, 0));
    t.tohost_written(cmd(1, 7, 0));
    CHECK(h.fromhost.size() == responses);
    CHECK(t.ignored_commands() == 3);
}

TEST_CASE("htif: identify names devices and terminates enumeration") {
    FakeHost h;
    Htif t = h.make();
    const uint64_t addr = 0x2000;
    auto name_at = [&] {
        std::string s;
        for (uint64_t a = addr; h.mem.at(a); ++a) s += char(h.mem.at(a));
        return s;
    };
    t.tohost_written(cmd(1, 255, addr * 256 + 255));
    CHECK(name_at() == "bcd");
    CHECK(h.fromhost.back() == cmd(1, 255, 1));
    t.tohost_written(cmd(0, 255, addr * 256 + 255));
    CHECK(name_at() == "syscall_proxy");
    t.tohost_written(cmd(2, 255, addr * 256 + 255));
    CHECK(name_at().empty());
    CHECK(h.fromhost.back() == cmd(2, 255, 1));
}
