/* What hv does when a guest traps to it (a "VM exit"), by scause. */
#pragma once

struct vcpu;
void handle_exit(struct vcpu *v);
