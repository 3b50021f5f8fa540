/* fuzz_xml_reader.c — libFuzzer target: the NAACCR XML reader (and so the XML scanner) on any bytes.
 * The first byte picks the read options; when its bit 16 (no_grouping, which means nothing to XML)
 * is set, a small user dictionary is offered, so that userDictionaryUri="urn:fuzz" and its items
 * are explored too. */
#include "fuzz_common.h"
#include "io.h"

static const char user_dictionary[] =
    "<NaaccrDictionary dictionaryUri=\"urn:fuzz\" specificationVersion=\"1.8\" xmlns=\"http://naaccr.org/naaccrxml\">"
    "<ItemDefs>"
    "<ItemDef naaccrId=\"fuzzText\" naaccrNum=\"9990\" parentXmlElement=\"Tumor\" length=\"5\" recordTypes=\"A,M,C,I\"/>"
    "<ItemDef naaccrId=\"fuzzDate\" naaccrNum=\"9991\" parentXmlElement=\"Patient\" length=\"8\" dataType=\"date\"/>"
    "<ItemDef naaccrId=\"fuzzRoot\" naaccrNum=\"9992\" parentXmlElement=\"NaaccrData\" length=\"2\" dataType=\"digits\"/>"
    "</ItemDefs></NaaccrDictionary>";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static crtk_user_dictionary *ud;
    static GPtrArray *dicts;
    if (!ud) {
        ud = crtk_user_dictionary_parse(user_dictionary, sizeof user_dictionary - 1, "fuzz", NULL, NULL, NULL);
        if (!ud)
            __builtin_trap();
        dicts = g_ptr_array_new();
        g_ptr_array_add(dicts, ud);
    }
    crtk_read_options o;
    data = fuzz_options(data, &size, &o);
    if (o.no_grouping)
        o.user_dictionaries = dicts;
    crtk_in *in = crtk_in_open_memory((const char *)data, size);
    crtk_read_handlers h = {fuzz_on_header, fuzz_on_patient, fuzz_on_problem};
    crtk_read_stats st;
    int rc = crtk_naaccr_xml_read(in, "fuzz.xml", &o, &h, NULL, &st);
    if ((rc == -1) != (st.fatal != 0))
        __builtin_trap(); /* the result and the statistics must agree */
    crtk_in_close(in);
    return 0;
}
