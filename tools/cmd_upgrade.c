/* cmd_upgrade.c — `crtk upgrade`: move a store to a newer NAACCR version (not yet implemented). */
#include "commands.h"

int cmd_upgrade(int argc, char **argv)
{
    (void)argc, (void)argv;
    crtk_cli_error("upgrade: not implemented yet");
    return EXIT_USAGE;
}
