/* cmd_import.c — `crtk import`: load NAACCR files into a store (not yet implemented). */
#include "commands.h"

int cmd_import(int argc, char **argv)
{
    (void)argc, (void)argv;
    crtk_cli_error("import: not implemented yet");
    return EXIT_USAGE;
}
