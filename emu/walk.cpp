#include "walk.hpp"

#include <algorithm>

namespace emu {
namespace {

namespace pte {
constexpr uint64_t V = 1, R = 2, W = 4, X = 8, U = 16, G = 32, A = 64, D = 128;
constexpr uint64_t PPN_MASK = ((1ull << 44) - 1) << 10;
constexpr uint64_t RESERVED = 0xffc0000000000000ull;  // bits 63:54: N, PBMT, reserved (not implemented here)
}  // namespace pte

struct StageFault {
    uint64_t cause;
};

// One stage of translation: satp/vsatp (first stage) or hgatp (G-stage).
struct Stage {
    bool gstage;
    unsigned levels;      // 3 for Sv39/Sv39x4, 4 for Sv48/Sv48x4
    uint64_t root;        // physical address of the root table
    unsigned va_bits;     // 39/48, or 41/50 for the x4 G-stage
};

bool stage_of(uint64_t atp, bool gstage, Stage& s) {
    const uint64_t mode = atp >> 60;
    const uint64_t ppn = atp & ((1ull << 44) - 1);
    if (mode == uint64_t(AtpMode::Sv39)) s = {gstage, 3, 0, 39};
    else if (mode == uint64_t(AtpMode::Sv48)) s = {gstage, 4, 0, 48};
    else return false;
    if (gstage) {
        s.va_bits += 2;
        s.root = (ppn & ~3ull) << 12;  // the x4 root is 16 KiB aligned
    } else {
        s.root = ppn << 12;
    }
    return true;
}

struct Leaf {
    uint64_t pa, mask, pte;
};

}  // namespace

uint64_t page_fault_cause(Access a) {
    return a == Access::Fetch ? FETCH_PAGE_FAULT : a == Access::Write ? STORE_PAGE_FAULT : LOAD_PAGE_FAULT;
}
uint64_t access_fault_cause(Access a) {
    return a == Access::Fetch ? FETCH_ACCESS : a == Access::Write ? STORE_ACCESS : LOAD_ACCESS;
}
uint64_t guest_page_fault_cause(Access a) {
    return a == Access::Fetch ? FETCH_GUEST_PAGE_FAULT : a == Access::Write ? STORE_GUEST_PAGE_FAULT
                                                                          : LOAD_GUEST_PAGE_FAULT;
}

namespace {

class Walker {
public:
    Walker(const WalkRequest& q, const WalkMemory& m, WalkRecord* r, WalkResult& res)
        : req(q), mem(m), rec(r), out(res) {}

    // G-stage: guest physical -> host physical. `vs_level` says which VS-stage
    // PTE this serves (-1: the final guest physical address). Permission is
    // checked for `acc` as a U-mode access.
    bool gstage(uint64_t gpa, Access acc, int vs_level, bool need_write_for_ad, Leaf& leaf) {
        Stage s;
        if (!stage_of(req.hgatp, true, s)) {  // Bare: identity
            leaf = {gpa, 0xfff, pte::V | pte::R | pte::W | pte::X | pte::U | pte::A | pte::D};
            return true;
        }
        // GPA bits above the x4 width must be zero.
        if (gpa >> s.va_bits) return false;
        return stage_walk(s, gpa, acc, Priv::U, false, req.gmxr, vs_level, need_write_for_ad, leaf);
    }

    // The spec's algorithm for one stage. Returns false with out.cause set on a fault.
    bool stage_walk(const Stage& s, uint64_t va, Access acc, Priv priv, bool sum, bool mxr, int vs_level,
                    bool ad_as_store, Leaf& leaf) {
        uint64_t a = s.root;
        for (int i = int(s.levels) - 1; i >= 0; --i) {
            // vpn[i]: 9 bits, the top level of an x4 G-stage has 11.
            unsigned bits = (s.gstage && i == int(s.levels) - 1) ? 11 : 9;
            uint64_t vpn = (va >> (12 + 9 * i)) & ((1ull << bits) - 1);
            uint64_t pte_gpa = a + vpn * 8;
            uint64_t pte_pa = pte_gpa;
            if (!s.gstage && req.virt) {
                // The VS-stage table lives in guest physical memory: translate
                // the PTE's address through the G-stage (an implicit read).
                Leaf gl;
                if (!gstage(pte_gpa, Access::Read, i, false, gl)) {
                    if (!out.cause) out.cause = guest_page_fault_cause(req.access);
                    out.guest_fault = out.cause == guest_page_fault_cause(req.access);
                    out.gpa = pte_gpa;
                    out.implicit = true;
                    return false;
                }
                pte_pa = gl.pa;
            }
            uint64_t v = 0;
            ++out.mem_reads;
            if (!mem.read_pte(pte_pa, v)) {
                out.cause = access_fault_cause(req.access);
                return false;
            }
            if (rec) rec->reads.push_back({s.gstage, i, s.gstage ? vs_level : -1, pte_pa, v});
            if (!(v & pte::V) || (!(v & pte::R) && (v & pte::W)) || (v & pte::RESERVED))
                return fault(s, va);
            if (!(v & (pte::R | pte::X))) {  // pointer to the next level
                if (v & (pte::A | pte::D | pte::U)) return fault(s, va);  // reserved in non-leaf PTEs
                a = ((v & pte::PPN_MASK) >> 10) << 12;
                continue;
            }
            // Leaf: permissions.
            bool user = v & pte::U;
            if (s.gstage) {
                if (!user) return fault(s, va);
            } else if (priv == Priv::U) {
                if (!user) return fault(s, va);
            } else {  // S-mode
                if (user && (acc == Access::Fetch || !sum)) return fault(s, va);
            }
            bool r = (v & pte::R) || (mxr && (v & pte::X));
            if (acc == Access::Read && req.hlvx && !s.gstage) r = v & pte::X;
            if (acc == Access::Read && req.hlvx && s.gstage) r = v & pte::X;
            bool ok = acc == Access::Fetch ? bool(v & pte::X) : acc == Access::Write ? bool(v & pte::W) : r;
            if (!ok) return fault(s, va);
            // Misaligned superpage.
            uint64_t ppn = (v & pte::PPN_MASK) >> 10;
            uint64_t low = (1ull << (9 * i)) - 1;
            if (ppn & low) return fault(s, va);
            // A/D: updated by hardware (the walker sets A, and D on a store).
            bool store = acc == Access::Write;
            if (!(v & pte::A) || (store && !(v & pte::D))) {
                uint64_t nv = v | pte::A | (store ? pte::D : 0);
                if (req.update_ad) {
                    if (!s.gstage && req.virt) {
                        // The update is a store to guest physical memory: the
                        // G-stage must permit writing the PTE.
                        Leaf gl;
                        if (!gstage(pte_gpa, Access::Write, i, true, gl)) {
                            // Checked as a store, reported for the original access.
                            if (out.cause == guest_page_fault_cause(req.access)) {
                                out.guest_fault = true;
                                out.gpa = pte_gpa;
                                out.implicit = true;
                                out.implicit_write = true;
                            }
                            return false;
                        }
                    }
                    if (!mem.write_pte(pte_pa, nv)) {
                        out.cause = access_fault_cause(Access::Write);
                        return false;
                    }
                }
                v = nv;
            }
            uint64_t mask = (low << 12) | 0xfff;
            leaf = {((ppn << 12) & ~mask) | (va & mask), mask, v};
            (void)ad_as_store;
            return true;
        }
        return fault(s, va);
    }

    bool fault(const Stage& s, uint64_t va) {
        if (s.gstage) {
            out.cause = guest_page_fault_cause(req.access);
            out.guest_fault = true;
        } else {
            out.cause = page_fault_cause(req.access);
        }
        (void)va;
        return false;
    }

    const WalkRequest& req;
    const WalkMemory& mem;
    WalkRecord* rec;
    WalkResult& out;
};

bool canonical(uint64_t va, unsigned bits) {
    int64_t s = int64_t(va) << (64 - bits) >> (64 - bits);
    return uint64_t(s) == va;
}

}  // namespace

WalkResult walk(const WalkRequest& req, const WalkMemory& mem, WalkRecord* rec) {
    WalkResult out;
    Walker w(req, mem, rec, out);
    Stage s;
    uint64_t gpa = req.va;
    uint64_t mask = ~0ull;
    uint64_t first_pte = 0;
    bool first_stage = stage_of(req.atp, false, s);
    if (first_stage) {
        if (!canonical(req.va, s.va_bits)) {
            out.cause = page_fault_cause(req.access);
            return out;
        }
        Leaf leaf;
        if (!w.stage_walk(s, req.va, req.access, req.priv, req.sum, req.mxr, -1, false, leaf)) return out;
        gpa = leaf.pa;
        mask = leaf.mask;
        first_pte = leaf.pte;
    }
    uint64_t pa = gpa;
    if (req.virt) {
        Leaf gl;
        if (!w.gstage(gpa, req.access, -1, false, gl)) {
            if (!out.cause) out.cause = guest_page_fault_cause(req.access);
            if (out.cause == guest_page_fault_cause(req.access)) out.guest_fault = true;
            out.gpa = gpa;
            return out;
        }
        pa = gl.pa;
        mask = std::min(mask, gl.mask);
    } else if (!first_stage) {
        mask = 0xfff;
    }
    out.ok = true;
    out.pa = pa;
    out.page_mask = mask;
    out.global = first_stage && (first_pte & pte::G);
    // Permissions of this mapping for later TLB hits: the access that walked
    // is known to be allowed; write is cached only when D is already set so a
    // first store still walks to set it.
    out.can_read = req.access == Access::Read;
    out.can_write = req.access == Access::Write;
    out.can_exec = req.access == Access::Fetch;
    return out;
}

}  // namespace emu
