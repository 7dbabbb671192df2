#include "devices/bootrom.hpp"

#include <utility>

namespace dev {

BootRom::BootRom(std::vector<uint8_t> bytes) : bytes_(std::move(bytes)) {}

bool BootRom::read(uint64_t offset, unsigned size, uint64_t& value) {
    if (size != 1 && size != 2 && size != 4 && size != 8) return false;
    if (offset >= bytes_.size() || size > bytes_.size() - offset) return false;
    uint64_t v = 0;
    for (unsigned i = 0; i < size; ++i) v |= uint64_t(bytes_[offset + i]) << (8 * i);
    value = v;
    return true;
}

bool BootRom::write(uint64_t, unsigned, uint64_t) { return false; }

// The reset stub, in the shape of QEMU's riscv_setup_rom_reset_vec():
//
//   off  encoding    instruction
//   0x00 0x00000297  auipc t0, 0          t0 = address of the stub
//   0x04 0xf1402573  csrr  a0, mhartid    (csrrs a0, 0xf14, x0)
//   0x08 0x0202b583  ld    a1, 32(t0)     dtb address     (data word 0x20)
//   0x0c 0x0282b603  ld    a2, 40(t0)     a2 value        (data word 0x28)
//   0x10 0x0182b283  ld    t0, 24(t0)     jump target     (data word 0x18)
//   0x14 0x00028067  jr    t0             (jalr x0, 0(t0))
//   0x18 .dword jump_to
//   0x20 .dword dtb_addr
//   0x28 .dword a2_value
//
// I-type: imm[11:0]<<20 | rs1<<15 | funct3<<12 | rd<<7 | opcode.
//   ld (opcode 0x03, funct3 3), t0 = x5, a0 = x10, a1 = x11, a2 = x12:
//   ld a1,32(t0) = 32<<20 | 5<<15 | 3<<12 | 11<<7 | 0x03 = 0x0202b583
//   ld a2,40(t0) = 40<<20 | 5<<15 | 3<<12 | 12<<7 | 0x03 = 0x0282b603
//   ld t0,24(t0) = 24<<20 | 5<<15 | 3<<12 |  5<<7 | 0x03 = 0x0182b283
//   jalr x0,0(t0) =          5<<15 | 0<<12 |  0<<7 | 0x67 = 0x00028067
//   csrrs a0,mhartid,x0 = 0xf14<<20 | 0<<15 | 2<<12 | 10<<7 | 0x73 = 0xf1402573
// U-type: auipc t0,0 = 0<<12 | 5<<7 | 0x17 = 0x00000297
std::vector<uint8_t> BootRom::reset_stub(uint64_t dtb_addr, uint64_t jump_to,
                                         uint64_t a2_value) {
    static constexpr uint32_t code[] = {
        0x00000297u,  // auipc t0, 0
        0xf1402573u,  // csrr  a0, mhartid
        0x0202b583u,  // ld    a1, 32(t0)
        0x0282b603u,  // ld    a2, 40(t0)
        0x0182b283u,  // ld    t0, 24(t0)
        0x00028067u,  // jr    t0
    };
    std::vector<uint8_t> out;
    out.reserve(sizeof(code) + 24);
    auto put = [&](uint64_t v, unsigned n) {
        for (unsigned i = 0; i < n; ++i) out.push_back(uint8_t(v >> (8 * i)));
    };
    for (uint32_t w : code) put(w, 4);
    put(jump_to, 8);   // 0x18
    put(dtb_addr, 8);  // 0x20
    put(a2_value, 8);  // 0x28
    return out;
}

}  // namespace dev
