// The VM overview tab: the VMs (hv's, or any hypervisor's as the hardware
// shows them) with their share asked and got and their exits, their vCPUs,
// and each hart with the vCPU it runs and its guest interrupt file.
#include "app.hpp"
#include "isa/hex.hpp"

namespace gui {

namespace {

// A table of `rows` rows and a header, with room for its horizontal scroll bar.
float table_height(size_t rows) {
    const ImGuiStyle& st = ImGui::GetStyle();
    return (ImGui::GetFrameHeight() + st.CellPadding.y * 2) * float(rows + 1) + st.ScrollbarSize + 2;
}

// The VM and vCPU tables' heights in `avail`: their rows' when both fit; else
// the one needing at most half keeps its height and the other scrolls in the
// rest, or each scrolls in half; at least a header and one row each.
std::pair<float, float> split_heights(float vm_h, float vcpu_h, float avail) {
    if (vm_h + vcpu_h <= avail) return {vm_h, vcpu_h};
    const float half = avail / 2, least = table_height(1);
    if (vm_h <= half) return {vm_h, std::max(least, avail - vm_h)};
    if (vcpu_h <= half) return {std::max(least, avail - vcpu_h), vcpu_h};
    return {std::max(least, half), std::max(least, half)};
}

// Scrolled sideways when the panel is narrow (presentation mode), so no
// column is squeezed, and down when shorter than its rows; the header row
// and the first column stay.
const ImGuiTableFlags kScrolled = ImGuiTableFlags_RowBg | ImGuiTableFlags_Borders | ImGuiTableFlags_SizingFixedFit |
                                  ImGuiTableFlags_ScrollX | ImGuiTableFlags_ScrollY;

void vm_table(App& a, const VmOverview& o, float height) {
    if (!ImGui::BeginTable("vms", 8, kScrolled, ImVec2(0, height))) return;
    ImGui::TableSetupScrollFreeze(1, 1);
    ImGui::TableSetupColumn("VM");
    ImGui::TableSetupColumn("VMID");
    ImGui::TableSetupColumn("state");
    ImGui::TableSetupColumn("vCPUs x share");
    ImGui::TableSetupColumn("share got");
    ImGui::TableSetupColumn("exits");
    ImGui::TableSetupColumn("exits/s");
    ImGui::TableSetupColumn("", ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableHeadersRow();
    for (size_t i = 0; i < o.vms.size(); ++i) {
        const VmRow& v = o.vms[i];
        ImGui::PushID(int(i));
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(v.title().c_str());
        a.note_item("vm-row-" + std::to_string(i));
        if (ImGui::IsItemHovered())
            ImGui::SetTooltip("hgatp %s: %s, G-stage root at %s%s", isa::hex(v.hgatp).c_str(), v.mode.c_str(),
                              isa::hex(v.root).c_str(),
                              v.ram_kib ? (", " + std::to_string(v.ram_kib) + " KiB RAM at host " + isa::hex(v.ram_host)).c_str() : "");
        ImGui::TableNextColumn();
        ImGui::Text("%llu", (unsigned long long)v.vmid);
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(v.state().c_str());
        if (v.stopped && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", v.stop_reason.c_str());
        ImGui::TableNextColumn();
        if (v.vcpus) ImGui::Text("%u x %u%%", v.vcpus, v.share_asked);
        else ImGui::TextDisabled("-");
        ImGui::TableNextColumn();
        if (v.share_got >= 0) {
            const float asked = float(v.vcpus * v.share_asked);
            char label[32];
            std::snprintf(label, sizeof label, "%.0f%%", v.share_got);
            ImGui::ProgressBar(float(v.share_got) / std::max(100.0f, asked), ImVec2(ImGui::GetFontSize() * 4, 0), label);
        } else {
            ImGui::TextDisabled("-");
        }
        ImGui::TableNextColumn();
        ImGui::Text("%llu", (unsigned long long)v.exits);
        if (ImGui::IsItemHovered())
            ImGui::SetTooltip("%llu into the hypervisor (HS), %llu to the firmware (M); %llu entries",
                              (unsigned long long)v.to_hypervisor, (unsigned long long)(v.exits - v.to_hypervisor),
                              (unsigned long long)v.entries);
        ImGui::TableNextColumn();
        if (v.exits_per_s >= 0) ImGui::Text("%.0f", v.exits_per_s);
        else ImGui::TextDisabled("-");
        ImGui::TableNextColumn();
        if (ImGui::SmallButton("map")) {
            a.map_hgatp = v.hgatp;
            a.show_tab("Memory map");
        }
        a.note_item("vm-map-" + std::to_string(i));
        ImGui::PopID();
    }
    ImGui::EndTable();
}

// Each VM's vCPUs: which hart runs it, its state, its share and exits, its guest interrupt file.
void vcpu_table(App& a, const VmOverview& o, float height) {
    if (!ImGui::BeginTable("vcpus", 8, kScrolled, ImVec2(0, height))) return;
    ImGui::TableSetupScrollFreeze(1, 1);
    ImGui::TableSetupColumn("vCPU");
    ImGui::TableSetupColumn("hart");
    ImGui::TableSetupColumn("state");
    ImGui::TableSetupColumn("share asked");
    ImGui::TableSetupColumn("share got");
    ImGui::TableSetupColumn("exits");
    ImGui::TableSetupColumn("exits/s");
    ImGui::TableSetupColumn("guest file (VGEIN)", ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableHeadersRow();
    for (size_t i = 0; i < o.vcpus.size(); ++i) {
        const VcpuRow& c = o.vcpus[i];
        const VmRow& v = o.vms[c.vm];
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(c.name(v).c_str());
        a.note_item("vcpu-row-" + std::to_string(i));
        if (ImGui::IsItemHovered())
            ImGui::SetTooltip("%s: context %s, the sscratch its hart holds while it runs%s", v.title().c_str(),
                              isa::hex(c.context).c_str(), c.id ? " (hv named it when it created the VM)" : "");
        ImGui::TableNextColumn();
        if (c.hart) ImGui::TextUnformatted(c.where().c_str());
        else ImGui::TextDisabled("%s", c.where().c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(c.state(v).c_str());
        ImGui::TableNextColumn();
        if (v.share_asked) ImGui::Text("%u%%", v.share_asked);
        else ImGui::TextDisabled("-");
        ImGui::TableNextColumn();
        if (c.share_got >= 0) {
            char label[32];
            std::snprintf(label, sizeof label, "%.0f%%", c.share_got);
            ImGui::ProgressBar(float(c.share_got) / 100.0f, ImVec2(ImGui::GetFontSize() * 4, 0), label);
        } else {
            ImGui::TextDisabled("-");
        }
        ImGui::TableNextColumn();
        ImGui::Text("%llu", (unsigned long long)c.exits);
        ImGui::TableNextColumn();
        if (c.exits_per_s >= 0) ImGui::Text("%.0f", c.exits_per_s);
        else ImGui::TextDisabled("-");
        ImGui::TableNextColumn();
        const unsigned geilen = c.hart ? o.harts[*c.hart].geilen : 0;
        if (c.hart && c.vgein) ImGui::Text("file %u of hart%u", c.vgein, *c.hart);
        else if (c.hart && geilen) ImGui::TextDisabled("none (VGEIN 0)");
        else ImGui::TextDisabled("-");
    }
    ImGui::EndTable();
}

void hart_table(const VmOverview& o) {
    bool aia = false;
    for (const auto& h : o.harts) aia = aia || h.geilen;
    const ImGuiTableFlags f = kScrolled & ~ImGuiTableFlags_ScrollY;  // as tall as its rows
    if (!ImGui::BeginTable("vmharts", aia ? 7 : 4, f, ImVec2(0, table_height(o.harts.size())))) return;
    ImGui::TableSetupColumn("hart");
    ImGui::TableSetupColumn("mode");
    ImGui::TableSetupColumn("runs");
    ImGui::TableSetupColumn("sscratch");
    if (aia) {
        ImGui::TableSetupColumn("VGEIN");
        ImGui::TableSetupColumn("hgeie / hgeip");
        ImGui::TableSetupColumn("that file mapped in", ImGuiTableColumnFlags_WidthStretch);
    }
    ImGui::TableHeadersRow();
    for (const auto& h : o.harts) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::Text("hart%u", h.hart);
        ImGui::TableNextColumn();
        badge(h.mode.c_str(), mode_color(h.mode_index));
        ImGui::TableNextColumn();
        if (h.vcpu) ImGui::TextUnformatted(o.vcpus[*h.vcpu].name(o.vms[*h.vm]).c_str());
        else if (h.vm) ImGui::TextUnformatted(o.vms[*h.vm].title().c_str());
        else if (h.stall) ImGui::TextDisabled("idle (%s)", h.stall);
        else if (h.mode_index == 4) ImGui::TextDisabled("the firmware");
        else if (h.mode_index == 0) ImGui::TextDisabled("a host process (U)");
        else ImGui::TextDisabled("the hypervisor");
        ImGui::TableNextColumn();
        if (h.virt) ImGui::Text("%s", isa::hex(h.sscratch).c_str());
        else ImGui::TextDisabled("-");
        if (h.virt && ImGui::IsItemHovered())
            ImGui::SetTooltip("the vCPU's context: hv and KVM keep its address in sscratch while the guest runs");
        if (aia) {
            ImGui::TableNextColumn();
            if (!h.geilen) ImGui::TextDisabled("no files");
            else if (h.vgein) ImGui::Text("%u of %u", h.vgein, h.geilen);
            else ImGui::TextDisabled("0 (none)");
            ImGui::TableNextColumn();
            ImGui::Text("%s / %s", isa::hex(h.hgeie).c_str(), isa::hex(h.hgeip).c_str());
            ImGui::TableNextColumn();
            if (h.file_owner.empty()) ImGui::TextDisabled("-");
            else ImGui::TextUnformatted(h.file_owner.c_str());
            if (!h.file_owners.empty() && ImGui::IsItemHovered()) {
                std::string all = "guest files of hart" + std::to_string(h.hart) + " mapped into a VM's G-stage:";
                for (const auto& [g, who] : h.file_owners) all += "\n  file " + std::to_string(g) + ": " + who;
                ImGui::SetTooltip("%s", all.c_str());
            }
        }
    }
    ImGui::EndTable();
}

}  // namespace

void draw_vm_overview(App& a) {
    Session& s = a.s;
    if (!s.h_enabled()) {
        ImGui::TextDisabled("This machine has no H extension: no VMs.");
        return;
    }
    VmOverview o = read_vm_overview(s);
    a.vm_rates.sample(s);
    a.vm_rates.apply(o);
    if (o.vms.empty()) {
        ImGui::TextDisabled("No VM entered yet (no xRET into V=1 in the event log).");
    } else {
        if (o.from_hv)
            ImGui::TextDisabled("hv's VMs (its console), the harts under their hgatp (event log)");
        else
            ImGui::TextDisabled("each G-stage (hgatp) the harts entered");
        if (ImGui::IsItemHovered())
            ImGui::SetTooltip("share got: time in V=1 under its hgatp, in %% of one hart; exits/s: per second of machine time.\n"
                              "vCPUs and the share asked are what hv announced (per vCPU); a vCPU is the stays its\n"
                              "hart entered with the same sscratch, where hv and KVM keep the vCPU while it runs.");
        if (o.window_s > 0) {
            ImGui::SameLine();
            ImGui::TextDisabled("| rates over the last %.1f ms", o.window_s * 1e3);
        }
        // Both tables in sight without scrolling (a lecture hall); the harts'
        // table after them, where it fits.
        const float gap = ImGui::GetStyle().ItemSpacing.y * 2;
        const float vcpu_h = o.vcpus.empty() ? 0 : table_height(o.vcpus.size());
        const auto [vm_fit, vcpu_fit] =
            split_heights(table_height(o.vms.size()), vcpu_h, ImGui::GetContentRegionAvail().y - (vcpu_h ? gap : 0));
        vm_table(a, o, vm_fit);
        if (!o.vcpus.empty()) {
            ImGui::Spacing();
            vcpu_table(a, o, vcpu_fit);
        }
    }
    ImGui::Spacing();
    hart_table(o);
}

}  // namespace gui
