/* guest-kit example: greet with the domain command line and a few start_info facts. */
#include "gk/kit.h"

void gk_main(void)
{
    const struct pv_start_info *si = gk_start_info;
    uint64_t first, end;

    gk_mm_range(&first, &end);
    gk_printf("Hello from guest-kit! Command line: \"%s\"\n", si->cmd_line);
    gk_printf("guest-kit: %.32s, %lu pages, %s\n", si->magic, si->nr_pages,
              gk_is_initdomain() ? "initial domain" : "domU");
    gk_printf("guest-kit: pt_base %#lx (%lu frames), mfn_list %#lx, start_info %p\n", si->pt_base,
              si->nr_pt_frames, si->mfn_list, (const void *)si);
    gk_printf("guest-kit: console %s, free pages %lu (pfn %lu..%lu)\n",
              gk_console_mode() == GK_CONSOLE_IO ? "console_io" : "ring", gk_pages_free(), first,
              end - 1);
}
