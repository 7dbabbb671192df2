// F and D: not implemented yet; every F/D instruction is illegal until this
// file implements them (misa.F and misa.D are clear).
#include "hart.hpp"

namespace emu {
bool Hart::exec_fp(const isa::Decoded& d) {
    illegal(d);
    return false;
}
}  // namespace emu
