/* cmd_init.c — `crtk init`: create a registry store (SQLite) (not yet implemented). */
#include "commands.h"

int cmd_init(int argc, char **argv)
{
    (void)argc, (void)argv;
    crtk_cli_error("init: not implemented yet");
    return EXIT_USAGE;
}
