/* cmd_followup.c — `crtk followup`: the annual follow-up: due lists, posting, letters, rates (not yet implemented). */
#include "commands.h"

int cmd_followup(int argc, char **argv)
{
    (void)argc, (void)argv;
    crtk_cli_error("followup: not implemented yet");
    return EXIT_USAGE;
}
