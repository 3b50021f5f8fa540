/* dictionary_private.h — the insides of dictionaries, shared by dictionary.c and dictionary_xml.c. */
#ifndef CRTK_DICTIONARY_PRIVATE_H
#define CRTK_DICTIONARY_PRIVATE_H
#include "dictionary.h"

struct crtk_dictionary {
    int refcount;
    int version;
    GPtrArray *items;       /* crtk_item*, owned */
    GStringChunk *strings;  /* ids, names, URIs */
    int *table;             /* open addressing on naaccrId: item index + 1, 0 = empty */
    size_t *id_lens;        /* strlen of each item's naaccrId */
    guint32 table_mask;
    GHashTable *by_number;  /* number -> crtk_item* */
    char *base_uri;
    char *default_user_uri;
    GPtrArray *user_uris;   /* char*, owned */
    char *user_uris_joined;
};

struct crtk_user_dictionary {
    char *uri;
    int version;            /* 0 when the dictionary names none */
    char *specification_version;
    char *description;
    GPtrArray *items;       /* crtk_item*, owned, with strings in `strings` */
    GStringChunk *strings;
};

gboolean crtk_parse_level(const char *s, crtk_level *level);
gboolean crtk_parse_data_type(const char *s, crtk_data_type *type);
gboolean crtk_parse_padding(const char *s, crtk_padding *padding);
gboolean crtk_parse_record_types(const char *s, unsigned *bits);

#endif
