#include "causes.hpp"

namespace isa {

std::string_view cause_name(uint64_t code, bool interrupt) {
    if (interrupt) {
        switch (code) {
        case irq::SSI: return "supervisor software interrupt";
        case irq::VSSI: return "virtual supervisor software interrupt";
        case irq::MSI: return "machine software interrupt";
        case irq::STI: return "supervisor timer interrupt";
        case irq::VSTI: return "virtual supervisor timer interrupt";
        case irq::MTI: return "machine timer interrupt";
        case irq::SEI: return "supervisor external interrupt";
        case irq::VSEI: return "virtual supervisor external interrupt";
        case irq::MEI: return "machine external interrupt";
        case irq::SGEI: return "supervisor guest external interrupt";
        default: return {};
        }
    }
    switch (code) {
    case MISALIGNED_FETCH: return "instruction address misaligned";
    case FETCH_ACCESS: return "instruction access fault";
    case ILLEGAL_INSTRUCTION: return "illegal instruction";
    case BREAKPOINT: return "breakpoint";
    case MISALIGNED_LOAD: return "load address misaligned";
    case LOAD_ACCESS: return "load access fault";
    case MISALIGNED_STORE: return "store/AMO address misaligned";
    case STORE_ACCESS: return "store/AMO access fault";
    case USER_ECALL: return "environment call from U-mode";
    case SUPERVISOR_ECALL: return "environment call from S-mode";
    case VIRTUAL_SUPERVISOR_ECALL: return "environment call from VS-mode";
    case MACHINE_ECALL: return "environment call from M-mode";
    case FETCH_PAGE_FAULT: return "instruction page fault";
    case LOAD_PAGE_FAULT: return "load page fault";
    case STORE_PAGE_FAULT: return "store/AMO page fault";
    case FETCH_GUEST_PAGE_FAULT: return "instruction guest-page fault";
    case LOAD_GUEST_PAGE_FAULT: return "load guest-page fault";
    case VIRTUAL_INSTRUCTION: return "virtual instruction";
    case STORE_GUEST_PAGE_FAULT: return "store/AMO guest-page fault";
    default: return {};
    }
}

}  // namespace isa
