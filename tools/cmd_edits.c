/* cmd_edits.c — `crtk edits`: run the edits on a store or a file (not yet implemented). */
#include "commands.h"

int cmd_edits(int argc, char **argv)
{
    (void)argc, (void)argv;
    crtk_cli_error("edits: not implemented yet");
    return EXIT_USAGE;
}
