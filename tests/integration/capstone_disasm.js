// Disassembles instructions with Capstone 5 (npm @alexaltea/capstone-js):
// reads "ADDR HEX" lines (one instruction each: 8 hex digits or 4) on
// standard input, prints "ADDR\tHEX\tTEXT" for each, TEXT empty when
// Capstone does not decode it. usage: node capstone_disasm.js MODULE_DIR
const path = require("path");
const MCapstone = require(path.join(process.argv[2], "dist", "capstone.js"));
let input = "";
process.stdin.on("data", (d) => { input += d; });
process.stdin.on("end", () => {
    MCapstone().then((cs) => {
        const d = new cs.Capstone(cs.ARCH_RISCV, cs.MODE_RISCV64 | cs.MODE_RISCVC);
        const out = [];
        for (const line of input.split("\n")) {
            if (!line.trim()) continue;
            const [addrText, hex] = line.trim().split(/\s+/);
            const word = parseInt(hex, 16);
            const bytes = [];
            for (let i = 0; i < hex.length / 2; i++) bytes.push((word >>> (8 * i)) & 0xff);
            let text = "";
            try {
                const insns = d.disasm(bytes, parseInt(addrText, 16), 1);
                if (insns.length === 1 && insns[0].size === bytes.length)
                    text = (insns[0].mnemonic + " " + insns[0].op_str).trim();
            } catch (e) {
                text = "";
            }
            out.push(addrText + "\t" + hex + "\t" + text);
        }
        d.close();
        process.stdout.write(out.join("\n") + "\n");
    });
});
