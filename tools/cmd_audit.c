/* cmd_audit.c — `crtk audit`: list or verify the audit trail of a store (not yet implemented). */
#include "commands.h"

int cmd_audit(int argc, char **argv)
{
    (void)argc, (void)argv;
    crtk_cli_error("audit: not implemented yet");
    return EXIT_USAGE;
}
