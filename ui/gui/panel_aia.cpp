// The AIA tab (RISC-V AIA specification, src/IMSIC.adoc): per hart, each
// IMSIC interrupt file (machine, supervisor, guest 1..GEILEN) with its
// delivery, threshold, pending and enabled identities and the top one; who
// holds each guest file (the VM whose G-stage maps its page, and the vCPU
// whose IMSIC page that is: hv gives vCPU k the page at 0x2800_0000 + k
// pages, as QEMU virt numbers S-level files), which one hstatus.VGEIN
// selects, hgeie and hgeip; and the last MSIs the event log holds (the
// timeline marks those into guest files with a diamond).
#include "app.hpp"
#include "devices/imsic.hpp"
#include "isa/hex.hpp"

namespace gui {

namespace {

// "1-3, 10" for the identities whose bit is set in words.
std::string identities(const uint64_t (&words)[dev::ImsicFile::kWords]) {
    std::string out;
    unsigned id = 1;
    while (id <= dev::ImsicFile::kIds) {
        auto set = [&](unsigned i) { return i <= dev::ImsicFile::kIds && (words[i / 64] >> (i % 64) & 1); };
        if (!set(id)) { ++id; continue; }
        unsigned last = id;
        while (set(last + 1)) ++last;
        if (!out.empty()) out += ", ";
        out += std::to_string(id) + (last > id ? "-" + std::to_string(last) : "");
        id = last + 1;
    }
    return out;
}

std::string file_name(unsigned index) {
    return index == 0 ? "M level" : index == 1 ? "S level" : "guest " + std::to_string(index - 1);
}

void hart_files(App& a, const dev::Imsics& im, const HartRow& hr) {
    const unsigned files = 2 + im.geilen();
    const ImGuiTableFlags f = ImGuiTableFlags_RowBg | ImGuiTableFlags_Borders | ImGuiTableFlags_SizingFixedFit;
    std::string id = "imsic" + std::to_string(hr.hart);
    if (!ImGui::BeginTable(id.c_str(), 7, f)) return;
    ImGui::TableSetupColumn("file");
    ImGui::TableSetupColumn("eidelivery");
    ImGui::TableSetupColumn("eithreshold");
    ImGui::TableSetupColumn("pending");
    ImGui::TableSetupColumn("enabled");
    ImGui::TableSetupColumn("top");
    ImGui::TableSetupColumn("held by", ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableHeadersRow();
    for (unsigned i = 0; i < files; ++i) {
        const dev::ImsicFile& file = im.file(hr.hart, i);
        const unsigned g = i >= 2 ? i - 1 : 0;
        const bool selected = g && g == hr.vgein;
        ImGui::TableNextRow();
        if (selected) ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg1, mode_color(3, 0.25f));
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(file_name(i).c_str());
        a.note_item("aia-file-" + std::to_string(hr.hart) + "-" + std::to_string(i));
        ImGui::TableNextColumn();
        ImGui::Text("%s", file.eidelivery == 1 ? "on" : "off");
        ImGui::TableNextColumn();
        ImGui::Text("%llu", (unsigned long long)file.eithreshold);
        ImGui::TableNextColumn();
        std::string p = identities(file.eip), e = identities(file.eie);
        if (p.empty()) ImGui::TextDisabled("-");
        else ImGui::TextUnformatted(p.c_str());
        ImGui::TableNextColumn();
        if (e.empty()) ImGui::TextDisabled("-");
        else ImGui::TextUnformatted(e.c_str());
        ImGui::TableNextColumn();
        if (unsigned t = file.top()) ImGui::Text("%u%s", t, file.signal() ? " (signal)" : "");
        else ImGui::TextDisabled("-");
        ImGui::TableNextColumn();
        if (i == 0) ImGui::TextDisabled("the firmware (M-mode)");
        else if (i == 1) ImGui::TextDisabled("the hypervisor or host kernel (HS)");
        else {
            auto owner = hr.file_owners.find(g);
            if (owner == hr.file_owners.end()) {
                ImGui::TextDisabled(selected ? "VGEIN selects it; no G-stage maps its page" : "free (no G-stage maps its page)");
            } else {
                const uint64_t gpa = hr.file_gpas.at(g);
                std::string who = owner->second;
                if (gpa >= emu::map::kImsicS && gpa < emu::map::kImsicS + 64 * dev::Imsics::kPage)
                    who += ": vCPU " + std::to_string((gpa - emu::map::kImsicS) / dev::Imsics::kPage);
                if (selected) who += hr.virt ? ", running (VGEIN)" : ", VGEIN";
                else if (hr.hgeie >> g & 1) who += ", waiting (hgeie)";
                ImGui::TextUnformatted(who.c_str());
            }
        }
    }
    ImGui::EndTable();
}

void last_msis(App& a) {
    const auto& hist = a.s.history();
    std::vector<const emu::Event*> msis;
    for (auto it = hist.rbegin(); it != hist.rend() && msis.size() < 8; ++it)
        if (it->kind == emu::EventKind::Msi) msis.push_back(&*it);
    ImGui::TextDisabled("the last MSIs in the event log (%llu in the run)",
                        (unsigned long long)a.s.machine().events().count(emu::EventKind::Msi));
    for (const emu::Event* e : msis) {
        ImGui::PushID(int(e->seq));
        std::string line = "#" + std::to_string(e->seq) + " cycle " + std::to_string(e->cycle) + ": identity " +
                           std::to_string(e->value) + " into hart" + std::to_string(e->target) + "'s " + file_name(e->file) +
                           " file";
        if (ImGui::Selectable(line.c_str(), a.s.selected() == e->seq)) a.s.select(e->seq);
        ImGui::PopID();
    }
}

}  // namespace

std::string aia_state_json(App& a) {
    const dev::Imsics* im = a.s.machine().imsics();
    if (!im) return "null";
    VmOverview o = read_vm_overview(a.s);
    std::string out = "[";
    for (const HartRow& hr : o.harts) {
        if (hr.hart >= im->harts()) continue;
        out += std::string(hr.hart ? ", " : "") + "{\"hart\": " + std::to_string(hr.hart) + ", \"vgein\": " +
               std::to_string(hr.vgein) + ", \"files\": [";
        for (unsigned i = 0; i < 2 + im->geilen(); ++i) {
            const dev::ImsicFile& f = im->file(hr.hart, i);
            auto owner = i >= 2 ? hr.file_owners.find(i - 1) : hr.file_owners.end();
            out += std::string(i ? ", " : "") + "{\"file\": \"" + file_name(i) + "\", \"pending\": \"" +
                   identities(f.eip) + "\", \"enabled\": \"" + identities(f.eie) + "\", \"held_by\": \"" +
                   (owner == hr.file_owners.end() ? "" : owner->second) + "\"}";
        }
        out += "]}";
    }
    return out + "]";
}

void draw_aia(App& a) {
    Session& s = a.s;
    const dev::Imsics* im = s.machine().imsics();
    if (!im) {
        ImGui::TextDisabled("This machine has no IMSICs (--aia aplic-imsic gives them).");
        return;
    }
    VmOverview o = read_vm_overview(s);
    for (const HartRow& hr : o.harts) {
        if (hr.hart >= im->harts()) continue;
        ImGui::Text("hart%u", hr.hart);
        ImGui::SameLine();
        badge(hr.mode.c_str(), mode_color(hr.mode_index));
        if (im->geilen()) {
            ImGui::SameLine();
            ImGui::Text("VGEIN %u   hgeie %s   hgeip %s", hr.vgein, isa::hex(hr.hgeie).c_str(), isa::hex(hr.hgeip).c_str());
            if (ImGui::IsItemHovered())
                ImGui::SetTooltip("hstatus.VGEIN: the guest file whose interrupt is the running guest's VSEIP;\n"
                                  "hgeip: the guest files with an interrupt; hgeie: those that interrupt HS-mode\n"
                                  "(supervisor guest external interrupt, 12), so a hypervisor wakes a waiting vCPU");
        }
        hart_files(a, *im, hr);
        ImGui::Spacing();
    }
    last_msis(a);
}

}  // namespace gui
