/* version.c — crtk_version(): the version of the library that is linked. */
#include "version.h"

const char *crtk_version(void)
{
    return CRTK_VERSION_STRING;
}
