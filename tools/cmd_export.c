/* cmd_export.c — `crtk export`: write cases from a store as NAACCR XML, flat or CSV (not yet implemented). */
#include "commands.h"

int cmd_export(int argc, char **argv)
{
    (void)argc, (void)argv;
    crtk_cli_error("export: not implemented yet");
    return EXIT_USAGE;
}
