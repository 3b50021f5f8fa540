/* cmd_submit.c — `crtk submit`: make a state/national submission with its QA summary (not yet implemented). */
#include "commands.h"

int cmd_submit(int argc, char **argv)
{
    (void)argc, (void)argv;
    crtk_cli_error("submit: not implemented yet");
    return EXIT_USAGE;
}
