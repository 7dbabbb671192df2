#include "input.h"
#include "console.h"
#include "sbi.h"
#include "vm.h"

static unsigned focus;         /* index into vms[] */
static unsigned switch_keys;   /* INPUT_SWITCH_KEYs typed in a row, held back */

struct vm *input_focus(void) { return nr_vms ? &vms[focus] : 0; }

static void move_focus(void) {
    for (unsigned i = 1; i <= nr_vms; i++) {
        unsigned k = (focus + i) % nr_vms;
        if (vms[k].stopped) continue;
        focus = k;
        kprintf("hv: input -> %s '%s' (Ctrl-] three times: the next VM)\n", vms[k].label, vms[k].config->name);
        guest_console_show_partial(&vms[k].console);   /* its prompt, if it shows one */
        return;
    }
}

void input_vm_stopped(struct vm *vm) {
    if (nr_vms && vm == &vms[focus]) move_focus();
}

static void deliver(char c) {
    struct vm *vm = input_focus();
    if (vm && !vm->stopped) vuart_push_input(vm, (uint8_t)c);
}

void input_poll(void) {
    struct vm *vm = input_focus();
    /* Leave it in the firmware while the guest's FIFO is full. */
    while (vm && vm->dev.uart.rx_len < sizeof vm->dev.uart.rx - INPUT_SWITCH_COUNT) {
        int c = sbi_console_getchar();
        if (c < 0) return;
        if (c == INPUT_SWITCH_KEY) {
            if (++switch_keys == INPUT_SWITCH_COUNT) {
                switch_keys = 0;
                move_focus();
                vm = input_focus();
            }
            continue;
        }
        for (; switch_keys; switch_keys--) deliver(INPUT_SWITCH_KEY);
        deliver((char)c);
    }
}
