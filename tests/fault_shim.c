/* fault_shim.c — test-only LD_PRELOAD library that makes SQLite fail on purpose
 * (tests/cli/t35-store-fault-injection.sh).  Nothing of it is in libcrtk or the crtk command: it
 * sits between crtk and libsqlite3 and is loaded only by that test.
 *
 *   CRTK_FAULT_STEP=N     the Nth sqlite3_step call of the process returns SQLITE_IOERR without
 *                         running the statement (N counts every step crtk makes, reads included;
 *                         steps SQLite makes inside sqlite3_exec are not counted)
 *   CRTK_FAULT_COMMIT=1   every COMMIT run through sqlite3_exec returns SQLITE_IOERR unrun
 *   CRTK_FAULT_SQL=TEXT   every step of a statement whose SQL contains TEXT returns SQLITE_IOERR
 *                         unrun (a long-running process, e.g. crtk serve, failing one kind of
 *                         statement each time it runs)
 *   CRTK_FAULT_REPORT=F   at exit, "STEPS INJECTED" is written to F: how many steps were called and
 *                         whether a fault was injected (1) or not (0); then a line with the SQL of
 *                         the statement whose step was failed
 * After a fault, sqlite3_errmsg/errcode/extended_errcode of that connection say "disk I/O error
 * (injected fault)" / SQLITE_IOERR, as SQLite does after a real I/O error, so crtk's own error path
 * (SQLite's message) is what the test sees.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static long steps, fail_at = -1;
static int fail_commit, injected;
static sqlite3 *faulted_db;
static char faulted_sql[200];
static const char *report, *fail_sql;

static void *next(const char *name)
{
    void *f = dlsym(RTLD_NEXT, name);
    if (!f) {
        fprintf(stderr, "fault_shim: %s not found\n", name);
        abort();
    }
    return f;
}

__attribute__((constructor)) static void shim_init(void)
{
    const char *n = getenv("CRTK_FAULT_STEP");
    if (n && *n)
        fail_at = atol(n);
    const char *c = getenv("CRTK_FAULT_COMMIT");
    fail_commit = c && *c == '1';
    report = getenv("CRTK_FAULT_REPORT");
    fail_sql = getenv("CRTK_FAULT_SQL");
    if (fail_sql && !*fail_sql)
        fail_sql = NULL;
}

__attribute__((destructor)) static void shim_report(void)
{
    if (!report)
        return;
    FILE *f = fopen(report, "w");
    if (f) {
        fprintf(f, "%ld %d\n%s\n", steps, injected, faulted_sql);
        fclose(f);
    }
}

int sqlite3_step(sqlite3_stmt *st)
{
    static int (*real)(sqlite3_stmt *);
    if (!real)
        real = (int (*)(sqlite3_stmt *))next("sqlite3_step");
    /* Steps SQLite makes itself (sqlite3_exec's loop, reading the schema) are not crtk's: a fault
     * there would be swallowed by sqlite3_exec's finalize, which no real I/O error is. */
    Dl_info caller;
    if (dladdr(__builtin_return_address(0), &caller) && caller.dli_fname && strstr(caller.dli_fname, "libsqlite3"))
        return real(st);
    const char *sql = sqlite3_sql(st);
    if (++steps == fail_at || (fail_sql && sql && strstr(sql, fail_sql))) {
        injected = 1;
        faulted_db = sqlite3_db_handle(st);
        snprintf(faulted_sql, sizeof faulted_sql, "%s", sql ? sql : "");
        return SQLITE_IOERR;
    }
    if (fail_sql) /* a process that goes on: the injected error is only that statement's */
        injected = 0;
    return real(st);
}

int sqlite3_exec(sqlite3 *db, const char *sql, int (*cb)(void *, int, char **, char **), void *arg, char **errmsg)
{
    static int (*real)(sqlite3 *, const char *, int (*)(void *, int, char **, char **), void *, char **);
    if (!real)
        real = (int (*)(sqlite3 *, const char *, int (*)(void *, int, char **, char **), void *, char **))next(
            "sqlite3_exec");
    if (fail_commit && sql && !strncmp(sql, "COMMIT", 6)) {
        injected = 1;
        faulted_db = db;
        if (errmsg)
            *errmsg = sqlite3_mprintf("disk I/O error (injected fault)");
        return SQLITE_IOERR;
    }
    return real(db, sql, cb, arg, errmsg);
}

const char *sqlite3_errmsg(sqlite3 *db)
{
    static const char *(*real)(sqlite3 *);
    if (!real)
        real = (const char *(*)(sqlite3 *))next("sqlite3_errmsg");
    return injected && db == faulted_db ? "disk I/O error (injected fault)" : real(db);
}

int sqlite3_errcode(sqlite3 *db)
{
    static int (*real)(sqlite3 *);
    if (!real)
        real = (int (*)(sqlite3 *))next("sqlite3_errcode");
    return injected && db == faulted_db ? SQLITE_IOERR : real(db);
}

int sqlite3_extended_errcode(sqlite3 *db)
{
    static int (*real)(sqlite3 *);
    if (!real)
        real = (int (*)(sqlite3 *))next("sqlite3_extended_errcode");
    return injected && db == faulted_db ? SQLITE_IOERR : real(db);
}
