/* Terminal input: one VM at a time gets what is typed (its emulated
 * UART's receive FIFO), as with Xen's console. Typing INPUT_SWITCH_KEY three
 * times in a row gives the input to the next running VM; one or two of them
 * followed by another key reach the guest as typed. */
#pragma once

#define INPUT_SWITCH_KEY 0x1d   /* Ctrl-] */
#define INPUT_SWITCH_COUNT 3

struct vm;

/* Reads what the firmware's console holds and hands it on. */
void input_poll(void);
/* The VM that gets the input (0 before any VM runs). */
struct vm *input_focus(void);
/* The focused VM stopped: the next running one gets the input. */
void input_vm_stopped(struct vm *vm);
