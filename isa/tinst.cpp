#include "tinst.hpp"

namespace isa {

uint32_t transformed_instruction(const Decoded& d, uint64_t addr_offset) {
    const uint32_t bits = d.bits;
    const uint32_t offset = uint32_t(addr_offset & 0x1f) << 15;  // replaces rs1, bits 19:15
    uint32_t t;
    switch (info(d.op).format) {
    case Format::LOAD:
    case Format::FLOAD:
        t = (bits & 0x00007fff) | offset;  // funct3, rd, opcode kept; immediate zeroed
        break;
    case Format::STORE:
    case Format::FSTORE:
        t = (bits & 0x01f0707f) | offset;  // rs2, funct3, opcode kept; immediate zeroed
        break;
    case Format::AMO:
    case Format::LR:
    case Format::HLV:
    case Format::HSV:
        t = (bits & ~0x000f8000u) | offset;  // everything but rs1
        break;
    default:
        return 0;
    }
    if (d.len == 2) t &= ~2u;  // a compressed original: bits 1:0 read 01
    return t;
}

}  // namespace isa
