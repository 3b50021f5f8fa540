/* test_users.c — users, roles, lockout and sessions (include/crtk/users.h), typed dates and the
 * search box (include/crtk/entry.h).  Expected values are worked by hand from the rules stated in
 * the headers and docs/serve.md. */
#define _GNU_SOURCE /* memmem */
#include "crtk/entry.h"
#include "crtk/users.h"
#include "store.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

static void date_is(const char *typed, const char *want)
{
    GError *e = NULL;
    char *got = crtk_entry_date(typed, &e);
    if (want) {
        g_assert_no_error(e);
        g_assert_cmpstr(got, ==, want);
    } else {
        g_assert_null(got);
        g_assert_nonnull(e);
        g_error_free(e);
    }
    g_free(got);
}

static void test_dates(void)
{
    date_is("03/07/2024", "20240307");
    date_is("3/7/2024", "20240307");
    date_is("2024-03-07", "20240307");
    date_is(" 20240307 ", "20240307");
    date_is("03/2024", "202403");
    date_is("2024-03", "202403");
    date_is("2024", "2024");
    date_is("", "");
    date_is("02/29/2024", "20240229");  /* leap year */
    date_is("02/29/2023", NULL);        /* common year */
    date_is("02/29/1900", NULL);        /* century, not a leap year */
    date_is("02/29/2000", "20000229");  /* divisible by 400 */
    date_is("04/31/2024", NULL);        /* April has 30 days */
    date_is("13/01/2024", NULL);
    date_is("2024-3-7", "20240307");
    date_is("07/03/24", NULL);          /* two-digit years are not guessed */
    date_is("20241301", NULL);
    date_is("yesterday", NULL);
}

static void test_query(void)
{
    crtk_patient_query q;
    char **keep;
    g_assert_true(crtk_entry_patient_query("Smith, Jo", &q, &keep));
    g_assert_cmpstr(q.name_last, ==, "Smith");
    g_assert_cmpstr(q.name_first, ==, "Jo");
    g_assert_null(q.code);
    g_strfreev(keep);
    g_assert_true(crtk_entry_patient_query("o'brien", &q, &keep));
    g_assert_cmpstr(q.name_last, ==, "o'brien");
    g_assert_null(q.name_first);
    g_strfreev(keep);
    g_assert_true(crtk_entry_patient_query("1234", &q, &keep));
    g_assert_cmpstr(q.ssn_last4, ==, "1234");
    g_assert_cmpstr(q.code, ==, "1234");
    g_assert_null(q.name_last);
    g_strfreev(keep);
    g_assert_true(crtk_entry_patient_query("123-45-6789", &q, &keep));
    g_assert_cmpstr(q.ssn, ==, "123456789");
    g_strfreev(keep);
    g_assert_true(crtk_entry_patient_query("07/04/1950", &q, &keep));
    g_assert_cmpstr(q.birth_date, ==, "19500704");
    g_strfreev(keep);
    g_assert_false(crtk_entry_patient_query("   ", &q, &keep));
}

static void test_roles(void)
{
    crtk_item site = {.number = 400, .id = "primarySite"}, vital = {.number = 1760, .id = "vitalStatus"};
    g_assert_cmpint(crtk_role_parse("followup"), ==, CRTK_ROLE_FOLLOWUP);
    g_assert_cmpint(crtk_role_parse("root"), ==, CRTK_ROLE_NONE);
    g_assert_false(crtk_role_may_change_item(CRTK_ROLE_FOLLOWUP, &site));
    g_assert_true(crtk_role_may_change_item(CRTK_ROLE_FOLLOWUP, &vital));
    g_assert_true(crtk_role_may_change_item(CRTK_ROLE_ABSTRACTOR, &site));
    g_assert_false(crtk_role_may(CRTK_ROLE_ABSTRACTOR, CRTK_MAY_MANAGE_USERS));
    g_assert_false(crtk_role_may(CRTK_ROLE_MANAGER, CRTK_MAY_MANAGE_USERS));
    g_assert_true(crtk_role_may(CRTK_ROLE_ADMIN, CRTK_MAY_MANAGE_USERS));
    g_assert_false(crtk_role_may(CRTK_ROLE_ABSTRACTOR, CRTK_MAY_SEE_FULL_SSN));
    g_assert_true(crtk_role_may(CRTK_ROLE_MANAGER, CRTK_MAY_SUBMIT));
    g_assert_false(crtk_role_may(CRTK_ROLE_FOLLOWUP, CRTK_MAY_ADD_CASES));
    g_assert_true(crtk_role_may(CRTK_ROLE_FOLLOWUP, CRTK_MAY_POST_FOLLOWUP));
}

static void test_users_and_lockout(void)
{
    char *dir = g_dir_make_tmp("crtk-users-XXXXXX", NULL);
    char *path = g_build_filename(dir, "r.db", NULL);
    GError *e = NULL;
    crtk_store *s = crtk_store_create(path, 260, NULL, &e);
    g_assert_no_error(e);
    g_assert_false(crtk_users_exist(s));
    g_assert_false(crtk_user_add(s, "bad name", CRTK_ROLE_ADMIN, "long-enough", &e));
    g_clear_error(&e);
    g_assert_false(crtk_user_add(s, "ann", CRTK_ROLE_ADMIN, "short", &e)); /* < 8 characters */
    g_clear_error(&e);
    g_assert_true(crtk_user_add(s, "ann", CRTK_ROLE_ADMIN, "right-password", &e));
    g_assert_no_error(e);
    g_assert_false(crtk_user_add(s, "ann", CRTK_ROLE_ADMIN, "right-password", &e)); /* exists */
    g_clear_error(&e);
    g_assert_true(crtk_users_exist(s));
    crtk_role role = CRTK_ROLE_NONE;
    g_assert_cmpint(crtk_user_login(s, "ann", "right-password", &role), ==, CRTK_LOGIN_OK);
    g_assert_cmpint(role, ==, CRTK_ROLE_ADMIN);
    g_assert_cmpint(crtk_user_login(s, "nobody", "right-password", &role), ==, CRTK_LOGIN_WRONG);
    /* four wrong, then right: the count starts again */
    for (int i = 0; i < 4; i++)
        g_assert_cmpint(crtk_user_login(s, "ann", "wrong", &role), ==, CRTK_LOGIN_WRONG);
    g_assert_cmpint(crtk_user_login(s, "ann", "right-password", &role), ==, CRTK_LOGIN_OK);
    /* five wrong in a row lock the account, even for the right password */
    for (int i = 0; i < 5; i++)
        g_assert_cmpint(crtk_user_login(s, "ann", "wrong", &role), ==, CRTK_LOGIN_WRONG);
    g_assert_cmpint(crtk_user_login(s, "ann", "right-password", &role), ==, CRTK_LOGIN_LOCKED);
    /* a new password (by an admin) unlocks */
    g_assert_true(crtk_user_set_password(s, "ann", "another-password", &e));
    g_assert_cmpint(crtk_user_login(s, "ann", "another-password", &role), ==, CRTK_LOGIN_OK);
    /* the hash is Argon2id, not the password */
    GPtrArray *list = crtk_user_list(s, &e);
    g_assert_cmpuint(list->len, ==, 1);
    g_ptr_array_free(list, TRUE);
    /* disabled: cannot log in, cannot be the CLI's actor */
    g_assert_true(crtk_user_set_active(s, "ann", FALSE, &e));
    g_assert_cmpint(crtk_user_login(s, "ann", "another-password", &role), ==, CRTK_LOGIN_WRONG);
    g_assert_false(crtk_user_set_actor(s, "ann", "case set", &e));
    g_clear_error(&e);
    g_assert_false(crtk_user_set_actor(s, NULL, "case set", &e));
    g_clear_error(&e);
    crtk_store_close(s);
    /* the password is nowhere in the file */
    char *bytes = NULL;
    gsize n = 0;
    g_assert_true(g_file_get_contents(path, &bytes, &n, NULL));
    g_assert_null(memmem(bytes, n, "another-password", 16));
    g_assert_nonnull(memmem(bytes, n, "$argon2id$", 10));
    g_free(bytes);
    g_unlink(path);
    char *wal = g_strconcat(path, "-wal", NULL), *shm = g_strconcat(path, "-shm", NULL);
    g_unlink(wal), g_unlink(shm);
    g_free(wal), g_free(shm);
    g_rmdir(dir);
    g_free(path);
    g_free(dir);
}

static void test_sessions(void)
{
    crtk_sessions *ss = crtk_sessions_new(200 * 1000); /* 0.2 s idle */
    const crtk_session *a = crtk_session_start(ss, "ann", CRTK_ROLE_ADMIN);
    char token[65], csrf[65];
    memcpy(token, a->token, 65);
    memcpy(csrf, a->csrf, 65);
    g_assert_cmpuint(strlen(token), ==, 64);
    g_assert_cmpstr(token, !=, csrf);
    const crtk_session *b = crtk_session_start(ss, "ann", CRTK_ROLE_ADMIN);
    g_assert_cmpstr(b->token, !=, token); /* random, not derived from the user */
    g_assert_true(crtk_session_find(ss, token) == a);
    g_assert_true(crtk_session_csrf_ok(a, csrf));
    g_assert_false(crtk_session_csrf_ok(a, b->csrf));
    g_assert_false(crtk_session_csrf_ok(a, ""));
    g_assert_false(crtk_session_csrf_ok(a, NULL));
    g_assert_null(crtk_session_find(ss, "0000"));
    g_usleep(300 * 1000);
    g_assert_null(crtk_session_find(ss, token)); /* idle too long */
    crtk_session_end(ss, b->token);
    crtk_sessions_free(ss);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/entry/dates", test_dates);
    g_test_add_func("/entry/query", test_query);
    g_test_add_func("/users/roles", test_roles);
    g_test_add_func("/users/add-login-lockout", test_users_and_lockout);
    g_test_add_func("/users/sessions", test_sessions);
    return g_test_run();
}
