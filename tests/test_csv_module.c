/* test_csv_module.c — the CSV module (include/crtk/csv.h): RFC 4180 reading with line numbers
 * (quoted commas, doubled quotes, line breaks inside fields, CRLF, BOM, blank lines), the problems
 * it reports with their place, whole small files (all or nothing), and the field writer, exact
 * and for people (formula cells escaped).  Expected values are worked out by hand from RFC 4180. */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include "csv.h"
#include "test_util.h"

typedef struct {
    GString *log;
} problems;

static void on_problem(long line, long column, const char *message, void *user)
{
    problems *p = user;
    g_string_append_printf(p->log, "%ld:%ld %s\n", line, column, message);
}

/* Reads text and returns the rows as "line|f1|f2..." lines. */
static char *read_text(const char *text, size_t len, problems *p, int *rc)
{
    crtk_in *in = crtk_in_open_memory(text, len);
    crtk_csv_reader *r = crtk_csv_reader_new(in, "mem.csv");
    if (p)
        crtk_csv_reader_set_problem_fn(r, on_problem, p);
    GString *out = g_string_new(NULL);
    GError *err = NULL;
    int got;
    while ((got = crtk_csv_reader_next(r, &err)) > 0) {
        g_string_append_printf(out, "%ld", crtk_csv_reader_line(r));
        for (guint i = 0; i < crtk_csv_reader_n_fields(r); i++)
            g_string_append_printf(out, "|%s", crtk_csv_reader_field(r, i, NULL));
        g_string_append_c(out, '\n');
    }
    if (got < 0) {
        g_string_append_printf(out, "ERROR %s\n", err->message);
        g_error_free(err);
    }
    *rc = got;
    crtk_csv_reader_free(r);
    crtk_in_close(in);
    return g_string_free(out, FALSE);
}

static void test_read(void)
{
    int rc;
    const char *text = "\xEF\xBB\xBF" "a,b,c\r\n"
                       "1,\"x, y\",\"say \"\"hi\"\"\"\r\n"
                       "\n"
                       "2,\"two\nlines\",\r\n"
                       "3,,\n";
    char *got = read_text(text, strlen(text), NULL, &rc);
    g_assert_cmpint(rc, ==, 0);
    g_assert_cmpstr(got, ==, "1|a|b|c\n2|1|x, y|say \"hi\"\n4|2|two\nlines|\n6|3||\n");
    g_free(got);
}

static void test_problems(void)
{
    int rc;
    problems p = {g_string_new(NULL)};
    const char *text = "a,b\"c\n\"d\"e,f\n";
    char *got = read_text(text, strlen(text), &p, &rc);
    g_assert_cmpstr(got, ==, "1|a|b\"c\n2|de|f\n");
    g_assert_cmpstr(p.log->str, ==,
                    "1:4 a double quote inside a field that does not start with one (field 2); quote the field and "
                    "double its quotes\n"
                    "2:4 text after the closing quote of field 1 (a quote inside a quoted field must be doubled)\n");
    g_free(got);
    g_string_truncate(p.log, 0);
    const char nul[] = "a,b\nc,d\0e\n";
    got = read_text(nul, sizeof nul - 1, &p, &rc);
    g_assert_cmpstr(p.log->str, ==, "2:4 a NUL byte (binary data) in the text\n");
    g_free(got);
    got = read_text("a,\"open\nnever closed\n", 22, NULL, &rc);
    g_assert_cmpint(rc, ==, -1);
    g_assert_nonnull(strstr(got, "ERROR mem.csv: line 1: a quoted field that starts on line 1 is never closed"));
    g_free(got);
    g_string_free(p.log, TRUE);
}

static void test_read_all(void)
{
    char *path = tu_tmp_path("post.csv"); /* the directory is removed at exit */
    g_assert_true(g_file_set_contents(path, "id,date\n 001 ,20260101\n\n002,\"2026-02-01\"\n", -1, NULL));
    GArray *lines = NULL;
    GError *err = NULL;
    GPtrArray *rows = crtk_csv_read_all(path, &lines, &err);
    g_assert_no_error(err);
    g_assert_cmpuint(rows->len, ==, 3);
    g_assert_cmpstr(((char **)rows->pdata[1])[0], ==, "001");
    g_assert_cmpstr(((char **)rows->pdata[2])[1], ==, "2026-02-01");
    g_assert_cmpint(g_array_index(lines, int, 2), ==, 4);
    g_ptr_array_unref(rows);
    g_array_unref(lines);
    /* a NUL byte makes the whole file an error naming its line */
    g_assert_true(g_file_set_contents(path, "id,date\n001,2026\0" "0101\n", 18, NULL));
    rows = crtk_csv_read_all(path, NULL, &err);
    g_assert_null(rows);
    g_assert_nonnull(err);
    g_assert_nonnull(strstr(err->message, "post.csv:2:"));
    g_assert_nonnull(strstr(err->message, "NUL"));
    g_error_free(err);
    g_free(path);
}

static void test_write(void)
{
    GString *s = g_string_new(NULL);
    crtk_csv_append_field(s, "plain", TRUE);
    crtk_csv_append_field(s, "a,b", FALSE);
    crtk_csv_append_field(s, "say \"hi\"", FALSE);
    crtk_csv_append_field(s, NULL, FALSE);
    crtk_csv_append_field(s, "=1+1", FALSE);   /* data files keep values exactly */
    crtk_csv_append_field(s, "two\nlines", FALSE);
    g_assert_cmpstr(s->str, ==, "plain,\"a,b\",\"say \"\"hi\"\"\",,=1+1,\"two\nlines\"");
    g_string_truncate(s, 0);
    crtk_csv_append_for_people(s, "=HYPERLINK(\"http://x\")", TRUE);
    crtk_csv_append_for_people(s, "+cmd|' /C calc'!A0", FALSE);
    crtk_csv_append_for_people(s, "-5", FALSE);
    crtk_csv_append_for_people(s, "@SUM(1)", FALSE);
    crtk_csv_append_for_people(s, "Smith", FALSE);
    crtk_csv_append_for_people(s, " 00123", FALSE);
    g_assert_cmpstr(s->str, ==, "\"'=HYPERLINK(\"\"http://x\"\")\",'+cmd|' /C calc'!A0,'-5,'@SUM(1),Smith,\" 00123\"");
    g_string_free(s, TRUE);
}

int main(int argc, char **argv)
{
    tu_init(&argc, &argv);
    g_test_add_func("/csv-module/read", test_read);
    g_test_add_func("/csv-module/problems", test_problems);
    g_test_add_func("/csv-module/read-all", test_read_all);
    g_test_add_func("/csv-module/write", test_write);
    return tu_finish(g_test_run());
}
