/* cmd_backup.c — `crtk backup`: make a consistent copy of a store (not yet implemented). */
#include "commands.h"

int cmd_backup(int argc, char **argv)
{
    (void)argc, (void)argv;
    crtk_cli_error("backup: not implemented yet");
    return EXIT_USAGE;
}
