#include "walk.hpp"

#include <algorithm>

namespace emu {
namespace {

namespace pte = isa::pte;
namespace atp = isa::atp;

struct StageFault {
    uint64_t cause;
};

// One stage of translation: satp/vsatp (first stage) or hgatp (G-stage).
struct Stage {
    bool gstage;
    atp::Layout l;
};

bool stage_of(uint64_t atp, bool gstage, Stage& s) {
    auto l = atp::layout(atp, gstage);
    if (!l) return false;
    s = {gstage, *l};
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
    bool gstage(uint64_t gpa, Access acc, int vs_level, Leaf& leaf) {
        Stage s;
        if (!stage_of(req.hgatp, true, s)) {  // Bare: identity
            leaf = {gpa, 0xfff, pte::V | pte::R | pte::W | pte::X | pte::U | pte::A | pte::D};
            return true;
        }
        // GPA bits above the x4 width must be zero.
        if (gpa >> s.l.va_bits) return false;
        // MXR 'makes execute-only pages readable by explicit loads' (hypervisor
        // spec, vsstatus.MXR): not a VS-stage page-table read (vs_level >= 0).
        return stage_walk(s, gpa, acc, Priv::U, false, req.gmxr && vs_level < 0, vs_level, leaf);
    }

    // The spec's algorithm for one stage. Returns false with out.cause set on a fault.
    bool stage_walk(const Stage& s, uint64_t va, Access acc, Priv priv, bool sum, bool mxr, int vs_level,
                    Leaf& leaf) {
        uint64_t a = s.l.root;
        for (int i = int(s.l.levels) - 1; i >= 0; --i) {
            uint64_t pte_gpa = a + atp::vpn(s.l, va, i, s.gstage) * 8;
            uint64_t pte_pa = pte_gpa;
            if (!s.gstage && req.virt) {
                // The VS-stage table lives in guest physical memory: translate
                // the PTE's address through the G-stage (an implicit read).
                Leaf gl;
                if (!gstage(pte_gpa, Access::Read, i, gl)) {
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
            if (rec) {
                rec->reads.push_back({s.gstage, i, s.gstage ? vs_level : -1, pte_pa, pte_gpa, v});
                if (!s.gstage && req.virt && pte::valid(v) && pte::leaf(v))
                    rec->gpa = (pte::addr(v) & ~(pte::page_size(i) - 1)) | (va & (pte::page_size(i) - 1));
            }
            const PteFeatures& f = s.gstage ? req.g : req.first;
            if (!(v & pte::V) || (!(v & pte::R) && (v & pte::W)) || (v & pte::RESERVED))
                return fault(s);
            if (((v & pte::N) && !f.napot) || (pte::pbmt(v) && !f.pbmt) || pte::pbmt(v) == 3)
                return fault(s);
            if (!(v & (pte::R | pte::X))) {  // pointer to the next level
                // A, D, U, N and PBMT are reserved in non-leaf PTEs.
                if (v & (pte::A | pte::D | pte::U | pte::N | pte::PBMT)) return fault(s);
                a = pte::addr(v);
                continue;
            }
            // Leaf: permissions.
            bool user = v & pte::U;
            if (s.gstage) {
                if (!user) return fault(s);
            } else if (priv == Priv::U) {
                if (!user) return fault(s);
            } else {  // S-mode
                if (user && (acc == Access::Fetch || !sum)) return fault(s);
            }
            bool r = (v & pte::R) || (mxr && (v & pte::X));
            if (acc == Access::Read && req.hlvx) r = v & pte::X;  // both stages
            bool ok = acc == Access::Fetch ? bool(v & pte::X) : acc == Access::Write ? bool(v & pte::W) : r;
            if (!ok) return fault(s);
            uint64_t ppn = pte::ppn(v);
            uint64_t low = (1ull << (9 * i)) - 1;
            if (v & pte::N) {
                // Svnapot: only the 64 KiB encoding at level 0 is defined; the
                // page's PPN[3:0] come from the address.
                if (i != 0 || (ppn & 0xf) != pte::NAPOT64K_PPN_LOW) return fault(s);
                ppn = (ppn & ~0xfull) | ((va >> 12) & 0xf);
                if (rec && !s.gstage && req.virt) rec->gpa = (ppn << 12) | (va & 0xfff);
            }
            // Misaligned superpage.
            if (ppn & low) return fault(s);
            // A/D: set by the walker with Svadu's ADUE, else Svade: a page fault.
            bool store = acc == Access::Write;
            if (!(v & pte::A) || (store && !(v & pte::D))) {
                if (!f.adue) return fault(s);
                uint64_t nv = v | pte::A | (store ? pte::D : 0);
                if (req.update_ad) {
                    if (!s.gstage && req.virt) {
                        // The update is a store to guest physical memory: the
                        // G-stage must permit writing the PTE.
                        Leaf gl;
                        if (!gstage(pte_gpa, Access::Write, i, gl)) {
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
            return true;
        }
        return fault(s);
    }

    bool fault(const Stage& s) {
        if (s.gstage) {
            out.cause = guest_page_fault_cause(req.access);
            out.guest_fault = true;
        } else {
            out.cause = page_fault_cause(req.access);
        }
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
    bool first_stage = stage_of(req.atp, false, s);
    if (first_stage) {
        if (!canonical(req.va, s.l.va_bits)) {
            out.cause = page_fault_cause(req.access);
            return out;
        }
        Leaf leaf;
        if (!w.stage_walk(s, req.va, req.access, req.priv, req.sum, req.mxr, -1, leaf)) return out;
        gpa = leaf.pa;
        mask = leaf.mask;
    }
    uint64_t pa = gpa;
    if (req.virt) {
        Leaf gl;
        if (!w.gstage(gpa, req.access, -1, gl)) {
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
    return out;
}

WalkRequest gstage_request(uint64_t gpa, uint64_t hgatp, Access acc) {
    WalkRequest req;
    req.va = gpa;
    req.access = acc;
    req.priv = Priv::S;
    req.virt = true;
    req.atp = 0;  // VS-stage Bare: the address is a guest-physical one
    req.hgatp = hgatp;
    req.update_ad = false;
    return req;
}

}  // namespace emu
