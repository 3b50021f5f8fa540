/* cmd_convert.c — `crtk convert IN OUT`: placeholder until the converter lands. */
#include "commands.h"
int cmd_convert(int argc, char **argv)
{
    (void)argc, (void)argv;
    crtk_cli_error("convert: not yet available");
    return EXIT_USAGE;
}
