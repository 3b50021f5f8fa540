/* cmd_report.c — `crtk report`: Excel summaries of a store (not yet implemented). */
#include "commands.h"

int cmd_report(int argc, char **argv)
{
    (void)argc, (void)argv;
    crtk_cli_error("report: not implemented yet");
    return EXIT_USAGE;
}
