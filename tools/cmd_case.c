/* cmd_case.c — `crtk case`: show, create, change and delete patients and tumors (not yet implemented). */
#include "commands.h"

int cmd_case(int argc, char **argv)
{
    (void)argc, (void)argv;
    crtk_cli_error("case: not implemented yet");
    return EXIT_USAGE;
}
