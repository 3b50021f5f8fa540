/* xml_scan.h — a streaming, checking XML 1.0 tokenizer for NAACCR files.
 *
 * The scanner pulls bytes from a crtk_in through a sliding buffer and hands
 * out one token at a time: start tag (with attributes and resolved namespace),
 * end tag, or character data.  Comments, processing instructions, the XML
 * declaration and a DOCTYPE are checked and skipped.  It checks the
 * well-formedness rules of XML 1.0 and Namespaces in XML 1.0: names, nesting,
 * attribute syntax and uniqueness, character references, the five predefined
 * entities, legal characters and UTF-8.  A well-formedness error is fatal;
 * an undeclared namespace prefix is only flagged on the token, since NAACCR's
 * "relaxed" mode accepts it.
 *
 * Memory: the buffer holds at least one whole token, so it grows only for a
 * token larger than its initial size (256 KiB); memory does not grow with the
 * file.  Tokens (names, values, text) point into the buffer or a scratch area
 * and are valid until the next call.
 *
 * Encoding: UTF-8 (with or without BOM) and US-ASCII; ISO-8859-1 and
 * windows-1252 declared in the XML declaration are converted to UTF-8 as read.
 * Line and column numbers count bytes of the UTF-8 text, starting at 1.
 */
#ifndef CRTK_XML_SCAN_H
#define CRTK_XML_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include "io.h"

typedef enum { CRTK_XML_EOF, CRTK_XML_START, CRTK_XML_END, CRTK_XML_TEXT, CRTK_XML_ERROR } crtk_xml_kind;

typedef struct crtk_xml_attr {
    const char *qname;  size_t qname_len;
    const char *local;  size_t local_len;
    const char *ns;     /* namespace URI, NUL-terminated, or NULL (none / unbound) */
    bool ns_unbound;    /* has a prefix that no xmlns declares */
    bool is_xmlns;      /* a namespace declaration (xmlns or xmlns:p) */
    const char *value;  size_t value_len; /* decoded value */
    long line, column;
} crtk_xml_attr;

typedef struct crtk_xml_token {
    crtk_xml_kind kind;
    long line, column;            /* where the token starts */
    long long offset;             /* absolute byte offset of the token start */
    int depth;                    /* element depth: root element is 1 */
    /* START and END */
    const char *qname;  size_t qname_len;
    const char *local;  size_t local_len;
    const char *ns;               /* element namespace URI or NULL */
    bool ns_unbound;
    bool empty;                   /* <x/>: an END without bytes follows */
    crtk_xml_attr *attrs; int n_attrs;
    /* TEXT: decoded character data (CDATA sections come as TEXT too) */
    const char *text; size_t text_len;
    bool cdata;
    /* The raw bytes of the token in the file (for keeping extension elements). */
    const char *raw; size_t raw_len;
} crtk_xml_token;

typedef struct crtk_xml_scanner crtk_xml_scanner;

crtk_xml_scanner *crtk_xml_scanner_new(crtk_in *in);
void crtk_xml_scanner_free(crtk_xml_scanner *sc);

/* Next token.  On CRTK_XML_ERROR, crtk_xml_scanner_error() tells what and where;
 * every later call returns CRTK_XML_ERROR again. */
crtk_xml_kind crtk_xml_next(crtk_xml_scanner *sc, crtk_xml_token *tok);
const char *crtk_xml_scanner_error(const crtk_xml_scanner *sc, long *line, long *column);

/* When true, character data made only of white space is not reported as a
 * token (the reader sets it inside elements whose text does not matter). */
void crtk_xml_scanner_skip_space(crtk_xml_scanner *sc, bool skip);

/* True when the token's text is only white space. */
bool crtk_xml_text_is_space(const crtk_xml_token *tok);

/* The "version" and "encoding" of the XML declaration, NULL when absent. */
const char *crtk_xml_scanner_encoding(const crtk_xml_scanner *sc);

/* The fast path for the commonest NAACCR element: when the next bytes are exactly
 * <Item naaccrId="ID">VALUE</Item> (VALUE plain text on one line, no references),
 * consumes them and returns true with ID and VALUE pointing into the buffer
 * (valid until the next call) and the place of the '<'.  Otherwise consumes
 * nothing but skippable white space and returns false: use crtk_xml_next().
 * The element's namespace is the default one (crtk_xml_scanner_default_ns()).
 * expect (expect_len bytes, may be NULL): the id the caller guesses comes next; *expected says
 * whether it did (then ID is that id, compared at once instead of scanned). */
bool crtk_xml_simple_item(crtk_xml_scanner *sc, const char *expect, size_t expect_len, bool *expected,
                          const char **id, size_t *id_len, const char **value, size_t *value_len, long *line,
                          long *column);
const char *crtk_xml_scanner_default_ns(const crtk_xml_scanner *sc);

/* Bytes consumed so far (for progress and speed figures). */
long long crtk_xml_scanner_offset(const crtk_xml_scanner *sc);

#endif
