/* Guest images (raw binaries from firmware/guests), built into hv. The
 * build passes their directory to the assembler with -I. */
    .section .rodata.guests, "a"

    .balign 16
    .globl guest_ticker, guest_ticker_end
guest_ticker:
    .incbin "ticker.bin"
guest_ticker_end:

    .balign 16
    .globl guest_hello, guest_hello_end
guest_hello:
    .incbin "hello.bin"
guest_hello_end:

    .balign 16
    .globl guest_rogue, guest_rogue_end
guest_rogue:
    .incbin "rogue.bin"
guest_rogue_end:

    .balign 16
    .globl guest_uart, guest_uart_end
guest_uart:
    .incbin "uart.bin"
guest_uart_end:

    .balign 16
    .globl guest_smp, guest_smp_end
guest_smp:
    .incbin "smp.bin"
guest_smp_end:

    .balign 16
    .globl guest_pvcon, guest_pvcon_end
guest_pvcon:
    .incbin "pvcon.bin"
guest_pvcon_end:

    .balign 16
    .globl guest_irq, guest_irq_end
guest_irq:
    .incbin "irq.bin"
guest_irq_end:

    .balign 16
    .globl guest_paging, guest_paging_end
guest_paging:
    .incbin "paging.bin"
guest_paging_end:
