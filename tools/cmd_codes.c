/* cmd_codes.c — `crtk codes`: look up codes of coded items (sites, histologies, ...) (not yet implemented). */
#include "commands.h"

int cmd_codes(int argc, char **argv)
{
    (void)argc, (void)argv;
    crtk_cli_error("codes: not implemented yet");
    return EXIT_USAGE;
}
