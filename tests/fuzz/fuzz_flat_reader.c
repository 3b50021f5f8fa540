/* fuzz_flat_reader.c — libFuzzer target: the legacy fixed-width (flat) NAACCR reader on any bytes.
 * The first byte picks the read options (version, record type, grouping, value checks). */
#include "fuzz_common.h"
#include "io.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    crtk_read_options o;
    data = fuzz_options(data, &size, &o);
    crtk_in *in = crtk_in_open_memory((const char *)data, size);
    crtk_read_handlers h = {fuzz_on_header, fuzz_on_patient, fuzz_on_problem};
    crtk_read_stats st;
    crtk_naaccr_flat_read(in, "fuzz.txt", &o, &h, NULL, &st);
    crtk_in_close(in);
    return 0;
}
