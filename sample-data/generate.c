/* generate.c — crtk-generate: synthetic NAACCR incidence data for demos, tests and benchmarks.
 *
 * Usage: crtk-generate [--seed N] [--patients N] [--naaccr-version V]
 *                      [--record-type A|M|C|I] [--format xml|csv|flat]
 *                      [--check] [--quiet] -o FILE
 *
 * Every patient is made up.  The output is a function of the options alone:
 * the same seed, count, version and record type give the same patients and
 * tumors (only the file's timeGenerated attribute differs between runs).
 *
 * How a patient is made:
 *   1. how many tumors (about 1.19 per patient), the first tumor's site group
 *      from rough US incidence shares, sex from the group's male share, later
 *      tumors from groups weighted for that sex;
 *   2. diagnosis dates in 2015-2025, an age from the group's age curve and a
 *      birth date (1920-2005) that gives that age;
 *   3. primary site and histology/behavior from the group's lists, kept only
 *      when the combination is on the SEER site/histology validation list
 *      (schemas/codes/site-histology.tsv, embedded in the binary);
 *   4. a stage (in situ, localized, regional, distant, unknown), survival
 *      drawn from stage-specific 5-year survival plus background mortality,
 *      first-course treatment that fits site and stage and ends before death;
 *   5. follow-up as of 2026-06-30: dead, current (contact within 12 months),
 *      due (12-15 months) or lost (over 15 months).
 * Items are set by naaccrId; an item the chosen dictionary lacks, or that the
 * record type does not carry, is left out, so any version 140-260 works.
 * Names, street addresses, telephone and Social Security numbers are written
 * only for record types A, M and C and come from made-up word lists and
 * reserved number ranges (555-01xx telephones, SSNs starting 666).
 *
 * --check verifies every value against its item's length and data type and
 * every item's level and record type while generating, and aborts at the
 * first failure.  The code lists behind the choices are summarised in
 * sample-data/README.md; values are plausible, not clinically exact.
 */
#include "naaccr_write.h"
#include "schemas.h"

#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- deterministic random numbers (splitmix64) ---------------------------- */

typedef struct { uint64_t s; } rng;

static uint64_t rng_next(rng *r)
{
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static double rng_unit(rng *r) /* [0, 1) */
{
    return (double)(rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

static int rng_int(rng *r, int lo, int hi) /* lo..hi inclusive */
{
    if (hi <= lo)
        return lo;
    return lo + (int)(rng_next(r) % (uint64_t)(hi - lo + 1));
}

static bool rng_chance(rng *r, double p)
{
    return rng_unit(r) < p;
}

static double rng_normal(rng *r)
{
    double u = rng_unit(r), v = rng_unit(r);
    if (u < 1e-300)
        u = 1e-300;
    return sqrt(-2.0 * log(u)) * cos(2.0 * 3.14159265358979323846 * v);
}

static double rng_exp(rng *r, double rate) /* rate per unit; returns units */
{
    double u = rng_unit(r);
    return -log(1.0 - u) / rate;
}

/* ---- dates as day numbers (days since 1970-01-01) ------------------------ */

static int days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int z, int *y, int *m, int *d)
{
    z += 719468;
    int era = (z >= 0 ? z : z - 146096) / 146097;
    int doe = z - era * 146097;
    int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp + (mp < 10 ? 3 : -9);
    *y = yoe + era * 400 + (*m <= 2);
}

static int year_of(int day)
{
    int y, m, d;
    civil_from_days(day, &y, &m, &d);
    return y;
}

static void fmt_date(char *buf, int day)
{
    int y, m, d;
    civil_from_days(day, &y, &m, &d);
    /* the generator's dates lie in 1900-2099: the parts are cut to their widths for the compiler's sake */
    snprintf(buf, 9, "%04d%02d%02d", (unsigned)y % 10000u, (unsigned)m % 100u, (unsigned)d % 100u);
}

/* Whole years from birth to day. */
static int age_at(int birth, int day)
{
    int by, bm, bd, y, m, d;
    civil_from_days(birth, &by, &bm, &bd);
    civil_from_days(day, &y, &m, &d);
    int a = y - by;
    if (m < bm || (m == bm && d < bd))
        a--;
    return a;
}

/* Whole months from a to b (b >= a). */
static int months_between(int a, int b)
{
    int ay, am, ad, by, bm, bd;
    civil_from_days(a, &ay, &am, &ad);
    civil_from_days(b, &by, &bm, &bd);
    int mo = (by - ay) * 12 + (bm - am);
    if (bd < ad)
        mo--;
    return mo < 0 ? 0 : mo;
}

#define FIRST_DX_YEAR 2015
#define LAST_DX_YEAR 2025

static int AS_OF;        /* 2026-06-30: "today" for follow-up; no date is later */
static int STUDY_CUTOFF; /* 2025-12-31: cutoff of the survival (presumed alive) items */

/* ---- weighted choices: "code:weight code:weight ..." --------------------- */

typedef struct {
    int n;
    char **codes;
    double *cum;
} choice;

typedef struct gen gen;

static struct crtk_writer *the_writer; /* abandoned (its file removed) by die() */

static void die(const char *fmt, ...) G_GNUC_PRINTF(1, 2) G_GNUC_NORETURN;
static void die(const char *fmt, ...)
{
    if (the_writer)
        crtk_writer_abandon(the_writer);
    va_list ap;
    va_start(ap, fmt);
    fputs("crtk-generate: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(2);
}

static choice *choice_parse(const char *spec)
{
    choice *c = g_new0(choice, 1);
    char **tok = g_strsplit_set(spec, " ", -1);
    int n = 0;
    for (int i = 0; tok[i]; i++)
        if (*tok[i])
            n++;
    c->codes = g_new0(char *, n + 1);
    c->cum = g_new0(double, n ? n : 1);
    double total = 0;
    for (int i = 0; tok[i]; i++) {
        if (!*tok[i])
            continue;
        char *colon = strrchr(tok[i], ':');
        double w = 1;
        if (colon) {
            *colon = 0;
            char *end;
            w = g_ascii_strtod(colon + 1, &end);
            if (*end || w < 0)
                die("bad weight in choice \"%s\"", spec);
        }
        total += w;
        c->codes[c->n] = g_strdup(tok[i]);
        c->cum[c->n] = total;
        c->n++;
    }
    g_strfreev(tok);
    if (c->n == 0 || total <= 0)
        die("empty choice \"%s\"", spec);
    return c;
}

/* ---- the site/histology list --------------------------------------------- */

typedef struct {
    char hist[5];
    char beh;
    char *label;
    char **lo, **hi; /* inclusive site ranges */
    int n_ranges;
} sitehist;

static bool sitehist_valid_at(const sitehist *h, const char *site)
{
    for (int i = 0; i < h->n_ranges; i++)
        if (strcmp(site, h->lo[i]) >= 0 && strcmp(site, h->hi[i]) <= 0)
            return true;
    return false;
}

/* ---- site groups ---------------------------------------------------------- */

typedef enum {
    K_BREAST, K_PROSTATE, K_LUNG, K_COLON, K_RECTUM, K_MELANOMA, K_BLADDER, K_KIDNEY, K_CORPUS,
    K_PANCREAS, K_THYROID, K_NHL, K_HODGKIN, K_LEUKEMIA, K_MYELOMA, K_MPN, K_LIVER, K_IHBD, K_ORAL,
    K_PHARYNX, K_SALIVARY, K_STOMACH, K_ESOPHAGUS, K_BRAIN, K_CNS_BENIGN, K_OVARY, K_CERVIX,
    K_LARYNX, K_SOFT_TISSUE, K_TESTIS, K_SMALL_INTESTINE, K_ANUS, K_BILIARY, K_UNKNOWN, K_VULVA,
    K_RENAL_PELVIS
} kind;

enum { ST_LOCAL, ST_REGIONAL, ST_DISTANT };

typedef struct {
    const char *name;
    kind k;
    double weight;          /* relative share of all reportable tumors */
    double male;            /* share of male patients */
    double age_mean, age_sd;
    const char *sites;      /* choice of primary sites */
    const char *hists;      /* choice of histology/behavior */
    const char *stages;     /* choice of L R D U (I in situ and B benign come from the behavior) */
    double s5[3];           /* 5-year survival: localized, regional, distant */
    const char *schema;     /* Schema ID (2018+), refined by histology in schema_of() */
    const char *ajcc;       /* AJCC ID */
    const char *surgery;    /* choice of 2-digit surgery codes when surgery is done ("" = 98 special code) */
    const char *rad_volume; /* choice of Phase I primary treatment volume */
    double surg[3], rad[3], chemo[3];
    double hormone, brm;
} site_group;

static const site_group GROUPS[] = {
    {"Breast", K_BREAST, 15.5, 0.01, 62, 13,
     "C504:35 C509:22 C502:10 C508:10 C501:8 C505:7 C503:5 C500:2 C506:1",
     "8500/3:58 8520/3:9 8522/3:6 8523/3:2 8480/3:1.5 8507/3:0.5 8211/3:0.5 8140/3:1 8575/3:0.3 "
     "8510/3:0.3 8500/2:15 8522/2:1 8507/2:0.5 8201/2:1",
     "L:64 R:28 D:6 U:2", {0.99, 0.86, 0.31}, "00480", "48.2",
     "19:1 20:8 22:30 23:5 24:8 30:3 41:18 42:4 51:15 52:2 76:4 90:2", "40:70 41:15 42:15",
     {0.96, 0.90, 0.35}, {0.55, 0.65, 0.30}, {0.20, 0.60, 0.70}, 0.75, 0.02},
    {"Prostate", K_PROSTATE, 14.0, 1.0, 67, 8, "C619:1",
     "8140/3:96 8550/3:1 8500/3:0.5 8041/3:0.5 8010/3:1 8000/3:1",
     "L:72 R:13 D:8 U:7", {0.999, 0.99, 0.34}, "00580", "58", "50:90 30:5 21:5", "64:85 65:15",
     {0.35, 0.35, 0.05}, {0.30, 0.45, 0.30}, {0.0, 0.05, 0.40}, 0.35, 0.01},
    {"Lung and bronchus", K_LUNG, 11.5, 0.50, 70, 9,
     "C341:45 C343:25 C349:14 C342:5 C340:4 C348:7",
     "8140/3:33 8070/3:19 8041/3:12 8046/3:7 8010/3:4 8012/3:2 8250/3:2 8255/3:3 8240/3:2 8249/3:1 "
     "8071/3:2 8000/3:5 8480/3:1 8551/3:1 8560/3:1",
     "L:27 R:22 D:46 U:5", {0.63, 0.35, 0.08}, "00360", "36",
     "21:10 22:5 23:5 30:15 33:60 45:5", "30:90 39:10",
     {0.60, 0.25, 0.05}, {0.25, 0.60, 0.50}, {0.20, 0.65, 0.65}, 0.0, 0.30},
    {"Colon", K_COLON, 7.0, 0.52, 68, 13,
     "C180:20 C182:17 C183:5 C184:8 C185:3 C186:4 C187:22 C188:2 C189:6 C199:9",
     "8140/3:78 8480/3:8 8263/3:3 8210/3:2 8261/3:1 8490/3:1 8240/3:2 8010/3:1 8020/3:0.5 "
     "8510/3:0.5 8140/2:2 8210/2:1",
     "L:37 R:36 D:22 U:5", {0.91, 0.73, 0.15}, "00200", "20",
     "20:5 26:5 27:10 30:30 40:40 50:3 70:4 80:3", "53:100",
     {0.95, 0.92, 0.55}, {0.01, 0.04, 0.08}, {0.05, 0.60, 0.65}, 0.0, 0.15},
    {"Rectum", K_RECTUM, 2.6, 0.58, 63, 13, "C209:1",
     "8140/3:82 8480/3:5 8263/3:2 8240/3:5 8010/3:1 8490/3:1 8140/2:3 8210/2:1",
     "L:40 R:36 D:19 U:5", {0.90, 0.74, 0.17}, "00200", "20",
     "20:5 27:10 30:45 40:30 50:5 60:5", "54:100",
     {0.90, 0.85, 0.40}, {0.10, 0.60, 0.30}, {0.10, 0.75, 0.70}, 0.0, 0.10},
    {"Melanoma of the skin", K_MELANOMA, 5.0, 0.58, 63, 15,
     "C445:30 C446:18 C447:18 C443:13 C444:10 C442:3 C441:1 C449:3 C448:1 C440:1",
     "8720/3:40 8743/3:18 8742/3:4 8721/3:5 8772/3:1 8745/3:1 8744/3:1 8720/2:18 8742/2:6 8743/2:3",
     "L:80 R:9 D:4 U:7", {0.995, 0.74, 0.35}, "00470", "47",
     "20:5 27:15 30:10 45:60 46:5 47:5", "90:100",
     {0.98, 0.95, 0.50}, {0.01, 0.10, 0.30}, {0.0, 0.02, 0.05}, 0.0, 0.35},
    {"Urinary bladder", K_BLADDER, 4.6, 0.76, 72, 11,
     "C679:35 C672:20 C674:10 C673:5 C670:7 C675:4 C676:4 C678:13 C671:2",
     "8120/3:40 8130/3:30 8130/2:18 8120/2:6 8070/3:2 8140/3:1 8010/3:1 8020/3:0.5 8122/3:0.5 8041/3:1",
     "L:60 R:25 D:10 U:5", {0.85, 0.39, 0.08}, "00620", "62.1",
     "20:10 27:70 30:3 50:5 60:10 80:2", "60:70 61:30",
     {0.98, 0.90, 0.40}, {0.01, 0.10, 0.20}, {0.30, 0.50, 0.60}, 0.0, 0.25},
    {"Kidney", K_KIDNEY, 4.2, 0.64, 64, 12, "C649:1",
     "8312/3:45 8310/3:30 8260/3:10 8317/3:5 8000/3:2 8010/3:1 8316/3:1 8319/3:1",
     "L:66 R:16 D:15 U:3", {0.93, 0.74, 0.17}, "00600", "60",
     "20:5 30:45 40:5 50:40 70:5", "62:100",
     {0.90, 0.85, 0.35}, {0.01, 0.05, 0.25}, {0.0, 0.05, 0.30}, 0.0, 0.30},
    {"Corpus uteri", K_CORPUS, 3.7, 0.0, 63, 10,
     "C541:82 C549:10 C540:3 C542:1 C543:1 C548:3",
     "8380/3:65 8441/3:7 8140/3:7 8323/3:3 8950/3:2 8980/3:2 8890/3:2 8310/3:2 8020/3:1 8570/3:2",
     "L:67 R:21 D:9 U:3", {0.95, 0.70, 0.18}, "00530", "53",
     "30:5 40:60 50:25 60:10", "71:100",
     {0.95, 0.85, 0.40}, {0.20, 0.60, 0.30}, {0.05, 0.50, 0.70}, 0.05, 0.02},
    {"Pancreas", K_PANCREAS, 3.3, 0.52, 70, 10,
     "C250:55 C251:10 C252:10 C259:18 C257:3 C258:3 C253:1",
     "8140/3:48 8500/3:25 8000/3:5 8010/3:4 8240/3:4 8246/3:3 8480/3:2 8453/3:1 8150/3:2 8020/3:1",
     "L:13 R:29 D:52 U:6", {0.44, 0.16, 0.03}, "00280", "28",
     "25:5 30:10 35:50 40:15 60:10 90:10", "58:100",
     {0.55, 0.35, 0.03}, {0.05, 0.20, 0.10}, {0.50, 0.75, 0.60}, 0.0, 0.02},
    {"Thyroid", K_THYROID, 2.4, 0.27, 51, 15, "C739:1",
     "8260/3:60 8340/3:20 8330/3:6 8290/3:2 8345/3:2 8020/3:1 8341/3:5 8344/3:2",
     "L:65 R:28 D:4 U:3", {0.999, 0.98, 0.55}, "00730", "73.1", "30:5 40:20 50:75", "26:100",
     {0.98, 0.97, 0.80}, {0.35, 0.55, 0.60}, {0.0, 0.0, 0.05}, 0.0, 0.0},
    {"Non-Hodgkin lymphoma (nodal)", K_NHL, 4.0, 0.56, 66, 15,
     "C770:20 C771:10 C772:12 C773:7 C774:6 C775:3 C778:24 C779:18",
     "9680/3:35 9690/3:18 9699/3:7 9673/3:6 9591/3:10 9702/3:3 9671/3:2 9823/3:8 9687/3:1 9698/3:2 "
     "9695/3:2 9691/3:2 9714/3:1",
     "L:25 R:14 D:52 U:9", {0.85, 0.85, 0.70}, "00790", "79.0", "19:20 25:50 30:30", "09:100",
     {0.15, 0.10, 0.05}, {0.25, 0.15, 0.05}, {0.70, 0.80, 0.85}, 0.0, 0.10},
    {"Hodgkin lymphoma", K_HODGKIN, 0.45, 0.55, 40, 18,
     "C770:35 C771:30 C772:5 C773:5 C778:20 C779:5",
     "9663/3:60 9652/3:15 9650/3:12 9659/3:6 9651/3:4 9653/3:3",
     "L:20 R:40 D:35 U:5", {0.93, 0.93, 0.85}, "00790", "79.7", "19:20 25:50 30:30", "03:60 09:40",
     {0.10, 0.10, 0.05}, {0.30, 0.30, 0.10}, {0.90, 0.90, 0.90}, 0.0, 0.05},
    {"Leukemia", K_LEUKEMIA, 3.3, 0.58, 66, 18, "C421:1",
     "9823/3:33 9861/3:20 9875/3:8 9863/3:3 9811/3:4 9837/3:1 9866/3:3 9800/3:2 9835/3:2 9945/3:5 "
     "9940/3:2 9920/3:2 9895/3:3 9865/3:1",
     "D:100", {0.65, 0.65, 0.65}, "00830", "83.0", "", "92:100",
     {0, 0, 0}, {0.03, 0.03, 0.03}, {0.65, 0.65, 0.65}, 0.0, 0.05},
    {"Plasma cell myeloma", K_MYELOMA, 1.9, 0.56, 69, 10, "C421:1", "9732/3:100",
     "D:100", {0.60, 0.60, 0.60}, "00821", "82.1", "", "81:100",
     {0, 0, 0}, {0.10, 0.10, 0.10}, {0.85, 0.85, 0.85}, 0.0, 0.10},
    {"Myeloproliferative and myelodysplastic", K_MPN, 2.0, 0.55, 71, 12, "C421:1",
     "9989/3:22 9950/3:14 9962/3:20 9961/3:6 9975/3:6 9980/3:4 9985/3:6 9986/3:6 9983/3:6",
     "D:100", {0.80, 0.80, 0.80}, "00830", "XX", "", "92:100",
     {0, 0, 0}, {0.0, 0.0, 0.0}, {0.40, 0.40, 0.40}, 0.0, 0.03},
    {"Liver", K_LIVER, 1.5, 0.72, 65, 10, "C220:1",
     "8170/3:82 8000/3:6 8010/3:3 8171/3:1 8180/3:2 8140/3:4",
     "L:44 R:27 D:19 U:10", {0.37, 0.13, 0.03}, "00220", "22",
     "16:25 20:20 30:25 50:10 75:15 90:5", "56:100",
     {0.45, 0.20, 0.05}, {0.15, 0.20, 0.10}, {0.15, 0.40, 0.50}, 0.0, 0.30},
    {"Intrahepatic bile ducts", K_IHBD, 0.5, 0.50, 67, 11, "C221:1",
     "8160/3:82 8140/3:15 8000/3:3",
     "L:25 R:30 D:40 U:5", {0.25, 0.09, 0.03}, "00230", "23", "20:20 30:50 50:30", "57:100",
     {0.60, 0.35, 0.05}, {0.05, 0.20, 0.10}, {0.40, 0.60, 0.70}, 0.0, 0.10},
    {"Oral cavity", K_ORAL, 1.7, 0.66, 63, 12,
     "C021:30 C020:3 C022:5 C023:3 C029:12 C040:5 C041:2 C049:3 C030:3 C031:3 C039:2 C060:4 C062:2 "
     "C050:2 C069:5",
     "8070/3:82 8071/3:6 8072/3:3 8083/3:1 8051/3:1 8010/3:2 8000/3:2 8140/3:1 8200/3:1 8430/3:1",
     "L:30 R:47 D:17 U:6", {0.86, 0.69, 0.40}, "00072", "7",
     "22:10 27:15 30:35 40:30 50:10", "21:100",
     {0.90, 0.80, 0.30}, {0.30, 0.70, 0.40}, {0.05, 0.50, 0.60}, 0.0, 0.05},
    {"Pharynx", K_PHARYNX, 1.4, 0.78, 61, 10,
     "C019:25 C090:5 C091:2 C099:35 C098:3 C109:10 C102:2 C103:2 C139:6 C129:3 C119:5 C111:2",
     "8070/3:65 8085/3:15 8086/3:3 8071/3:5 8072/3:4 8083/3:3 8010/3:2 8020/3:1 8000/3:2",
     "L:12 R:58 D:25 U:5", {0.70, 0.60, 0.35}, "00111", "11.1",
     "27:20 30:40 40:30 50:10", "22:100",
     {0.40, 0.35, 0.10}, {0.60, 0.85, 0.50}, {0.15, 0.70, 0.70}, 0.0, 0.10},
    {"Salivary glands", K_SALIVARY, 0.3, 0.55, 62, 15, "C079:80 C080:15 C081:1 C088:2 C089:2",
     "8430/3:25 8550/3:15 8200/3:12 8941/3:10 8140/3:12 8070/3:12 8562/3:4 8525/3:3 8500/3:3 8982/3:2",
     "L:55 R:30 D:10 U:5", {0.94, 0.76, 0.40}, "00080", "8", "30:40 40:40 50:20", "25:100",
     {0.95, 0.90, 0.40}, {0.40, 0.70, 0.40}, {0.02, 0.20, 0.50}, 0.0, 0.05},
    {"Stomach", K_STOMACH, 1.4, 0.62, 68, 12,
     "C160:28 C169:22 C163:12 C162:8 C161:3 C165:6 C166:3 C168:6 C164:2",
     "8140/3:52 8490/3:12 8145/3:9 8144/3:7 8936/3:7 8240/3:4 8480/3:2 8010/3:2 8000/3:3 8211/3:1",
     "L:28 R:25 D:37 U:10", {0.75, 0.35, 0.07}, "00170", "17",
     "20:10 27:10 30:35 40:25 50:10 60:5 80:5", "51:100",
     {0.75, 0.55, 0.10}, {0.05, 0.25, 0.15}, {0.15, 0.60, 0.65}, 0.0, 0.10},
    {"Esophagus", K_ESOPHAGUS, 1.0, 0.78, 68, 10, "C155:60 C154:15 C159:12 C153:5 C158:5",
     "8140/3:64 8070/3:25 8071/3:3 8010/3:3 8000/3:4 8480/3:1",
     "L:20 R:33 D:39 U:8", {0.48, 0.27, 0.06}, "00169", "16.2", "20:10 30:10 40:30 50:40 80:10", "50:100",
     {0.40, 0.35, 0.05}, {0.35, 0.70, 0.40}, {0.35, 0.80, 0.70}, 0.0, 0.15},
    {"Brain", K_BRAIN, 1.1, 0.56, 58, 18,
     "C711:25 C712:20 C713:15 C714:5 C710:5 C719:14 C718:8 C716:4 C715:2 C717:2",
     "9440/3:55 9400/3:6 9401/3:5 9450/3:5 9451/3:3 9380/3:10 9382/3:2 9391/3:2 9445/3:3",
     "L:88 R:5 D:2 U:5", {0.35, 0.25, 0.10}, "00721", "72", "20:25 21:25 30:40 40:5 90:5", "12:80 13:20",
     {0.85, 0.80, 0.50}, {0.70, 0.70, 0.50}, {0.60, 0.60, 0.50}, 0.0, 0.02},
    {"Meninges and cranial nerves (benign/borderline)", K_CNS_BENIGN, 2.5, 0.28, 63, 15,
     "C700:78 C701:5 C709:5 C724:12",
     "9530/0:70 9531/0:5 9532/0:3 9537/0:3 9539/1:5 9560/0:14",
     "L:100", {0.99, 0.99, 0.99}, "00722", "XX", "20:25 21:25 30:50", "12:80 13:20",
     {0.40, 0.40, 0.40}, {0.10, 0.10, 0.10}, {0, 0, 0}, 0.0, 0.0},
    {"Ovary", K_OVARY, 1.1, 0.0, 63, 12, "C569:1",
     "8441/3:35 8461/3:15 8460/3:4 8380/3:10 8310/3:6 8480/3:4 8140/3:8 8000/3:4 8010/3:2 8620/3:1",
     "L:17 R:21 D:56 U:6", {0.93, 0.74, 0.31}, "00551", "55", "35:10 50:20 55:20 60:40 80:10", "70:100",
     {0.95, 0.90, 0.80}, {0.01, 0.02, 0.02}, {0.40, 0.85, 0.90}, 0.02, 0.10},
    {"Cervix uteri", K_CERVIX, 0.7, 0.0, 50, 14, "C539:72 C530:15 C531:8 C538:5",
     "8070/3:58 8071/3:4 8072/3:4 8140/3:20 8560/3:3 8380/3:2 8010/3:3 8000/3:2 8041/3:1",
     "L:43 R:36 D:17 U:4", {0.91, 0.60, 0.19}, "00520", "52", "26:15 27:10 40:40 60:30 90:5", "71:100",
     {0.75, 0.30, 0.05}, {0.30, 0.80, 0.50}, {0.10, 0.80, 0.60}, 0.0, 0.05},
    {"Larynx", K_LARYNX, 0.6, 0.80, 65, 10, "C320:60 C321:30 C322:2 C329:8",
     "8070/3:86 8071/3:5 8072/3:4 8010/3:2 8083/3:1 8000/3:2",
     "L:48 R:32 D:16 U:4", {0.78, 0.47, 0.34}, "00132", "13.2", "20:10 27:15 30:30 40:25 50:20", "23:100",
     {0.50, 0.45, 0.10}, {0.60, 0.80, 0.50}, {0.10, 0.60, 0.60}, 0.0, 0.05},
    {"Soft tissue", K_SOFT_TISSUE, 0.6, 0.55, 58, 18,
     "C492:35 C494:12 C493:10 C491:12 C495:8 C490:5 C496:5 C499:13",
     "8890/3:16 8850/3:8 8851/3:8 8852/3:5 8858/3:6 8805/3:10 8802/3:12 8800/3:10 9120/3:5 8815/3:3 "
     "9040/3:4 8810/3:3 8832/3:5",
     "L:58 R:18 D:16 U:8", {0.81, 0.58, 0.16}, "00410", "41", "25:10 30:30 40:40 50:10 60:5 90:5",
     "91:100", {0.90, 0.85, 0.40}, {0.40, 0.60, 0.30}, {0.10, 0.30, 0.60}, 0.0, 0.02},
    {"Testis", K_TESTIS, 0.55, 1.0, 33, 9, "C629:94 C621:3 C620:3",
     "9061/3:50 9085/3:28 9070/3:10 9065/3:5 9071/3:2 9080/3:3 9100/3:1 9081/3:1",
     "L:68 R:18 D:12 U:2", {0.99, 0.96, 0.73}, "00590", "59", "30:80 40:15 80:5", "06:100",
     {0.97, 0.97, 0.95}, {0.10, 0.20, 0.05}, {0.25, 0.80, 0.95}, 0.0, 0.0},
    {"Small intestine", K_SMALL_INTESTINE, 0.6, 0.52, 64, 12, "C172:40 C170:35 C171:10 C179:12 C178:3",
     "8240/3:40 8140/3:35 8936/3:10 8246/3:6 8010/3:2 8480/3:2 8000/3:3 8249/3:2",
     "L:35 R:30 D:30 U:5", {0.85, 0.75, 0.45}, "00180", "18.1", "20:10 30:50 40:30 90:10", "52:100",
     {0.85, 0.80, 0.40}, {0.01, 0.02, 0.05}, {0.05, 0.30, 0.50}, 0.0, 0.05},
    {"Anus", K_ANUS, 0.55, 0.35, 62, 12, "C210:40 C211:40 C218:10 C212:5",
     "8070/3:68 8071/3:5 8072/3:5 8140/3:8 8077/2:12 8720/3:2",
     "L:45 R:35 D:13 U:7", {0.82, 0.67, 0.36}, "00210", "21", "20:30 27:40 60:20 90:10", "55:100",
     {0.30, 0.20, 0.05}, {0.75, 0.90, 0.60}, {0.70, 0.85, 0.80}, 0.0, 0.05},
    {"Gallbladder and extrahepatic bile ducts", K_BILIARY, 0.6, 0.40, 71, 11,
     "C239:55 C240:30 C241:12 C248:1 C249:2",
     "8140/3:70 8160/3:12 8480/3:3 8010/3:4 8000/3:5 8070/3:2 8560/3:2",
     "L:22 R:38 D:35 U:5", {0.67, 0.29, 0.03}, "00241", "24", "30:30 40:30 50:20 60:10 90:10", "57:100",
     {0.85, 0.55, 0.10}, {0.02, 0.15, 0.10}, {0.30, 0.60, 0.60}, 0.0, 0.05},
    {"Unknown primary site", K_UNKNOWN, 1.5, 0.50, 71, 12, "C809:1",
     "8000/3:30 8010/3:24 8140/3:30 8070/3:10 8041/3:4 8020/3:2",
     "U:100", {0.15, 0.15, 0.15}, "99999", "XX", "", "92:100",
     {0, 0, 0}, {0.10, 0.10, 0.10}, {0.30, 0.30, 0.30}, 0.0, 0.05},
    {"Vulva", K_VULVA, 0.45, 0.0, 68, 14, "C519:75 C510:12 C511:6 C512:2 C518:5",
     "8070/3:65 8071/3:6 8072/3:3 8077/2:15 8720/3:4 8140/3:2 8542/3:2 8000/3:3",
     "L:58 R:28 D:7 U:7", {0.86, 0.53, 0.19}, "00500", "50", "20:10 27:20 30:30 40:25 60:15", "73:100",
     {0.90, 0.70, 0.20}, {0.10, 0.50, 0.30}, {0.02, 0.30, 0.40}, 0.0, 0.02},
    {"Renal pelvis and ureter", K_RENAL_PELVIS, 0.4, 0.60, 72, 10, "C659:55 C669:45",
     "8130/3:45 8120/3:45 8070/3:3 8140/3:2 8130/2:5",
     "L:45 R:30 D:20 U:5", {0.90, 0.50, 0.10}, "00610", "61.1", "27:10 30:10 40:20 50:60", "62:50 63:50",
     {0.90, 0.80, 0.30}, {0.02, 0.10, 0.15}, {0.10, 0.50, 0.60}, 0.0, 0.10},
};
#define N_GROUPS ((int)(sizeof GROUPS / sizeof GROUPS[0]))

/* Sites whose laterality must be coded, from the NAACCR/SEER laterality coding
 * rules ("sites for which laterality codes must be recorded"); C342 (middle
 * lobe) can only be right; C340 (main bronchus, carina) may be midline. */
static const char *PAIRED_SITES =
    "C079 C080 C081 C090 C091 C098 C099 C300 C301 C310 C312 C340 C341 C342 C343 C348 C349 C384 "
    "C400 C401 C402 C403 C413 C414 C441 C442 C443 C445 C446 C447 C471 C472 C491 C492 C500 C501 C502 "
    "C503 C504 C505 C506 C508 C509 C569 C570 C620 C621 C629 C630 C631 C649 C659 C669 C690 C691 C692 "
    "C693 C694 C695 C696 C698 C699 C700 C710 C711 C712 C713 C714 C722 C723 C724 C725 C740 C741 C749 C754";

/* ---- the state the patients live in ------------------------------------ */

typedef struct {
    const char *state, *county, *city, *zip;
    double weight;
} place;

/* Maryland counties (FIPS) with their county seats and rough populations in
 * thousands, and a few places in neighbouring states for the 3% of patients
 * who live outside the registry's state. */
static const place HOME[] = {
    {"MD", "001", "CUMBERLAND", "21502", 68},   {"MD", "003", "ANNAPOLIS", "21401", 588},
    {"MD", "005", "TOWSON", "21204", 854},      {"MD", "510", "BALTIMORE", "21201", 586},
    {"MD", "009", "PRINCE FREDERICK", "20678", 93}, {"MD", "011", "DENTON", "21629", 33},
    {"MD", "013", "WESTMINSTER", "21157", 173}, {"MD", "015", "ELKTON", "21921", 104},
    {"MD", "017", "LA PLATA", "20646", 166},    {"MD", "019", "CAMBRIDGE", "21613", 32},
    {"MD", "021", "FREDERICK", "21701", 271},   {"MD", "023", "OAKLAND", "21550", 29},
    {"MD", "025", "BEL AIR", "21014", 261},     {"MD", "027", "ELLICOTT CITY", "21043", 333},
    {"MD", "029", "CHESTERTOWN", "21620", 19},  {"MD", "031", "ROCKVILLE", "20850", 1062},
    {"MD", "033", "UPPER MARLBORO", "20772", 967}, {"MD", "035", "CENTREVILLE", "21617", 50},
    {"MD", "037", "LEONARDTOWN", "20650", 114}, {"MD", "039", "PRINCESS ANNE", "21853", 25},
    {"MD", "041", "EASTON", "21601", 37},       {"MD", "043", "HAGERSTOWN", "21740", 155},
    {"MD", "045", "SALISBURY", "21801", 104},   {"MD", "047", "SNOW HILL", "21863", 53},
};
static const place AWAY[] = {
    {"DE", "003", "WILMINGTON", "19801", 5}, {"DE", "005", "GEORGETOWN", "19947", 2},
    {"PA", "133", "YORK", "17401", 4},       {"PA", "055", "CHAMBERSBURG", "17201", 2},
    {"VA", "059", "FAIRFAX", "22030", 5},    {"DC", "001", "WASHINGTON", "20001", 4},
    {"WV", "003", "MARTINSBURG", "25401", 2},
};

/* Made-up words for names and streets (A, M and C records only). */
static const char *FIRST_F[] = {"ALMA", "BEATRIX", "CORA", "DELPHINE", "EDNA", "FLORA", "GWEN", "HAZEL",
                                "IRIS", "JUNE", "KAY", "LENORE", "MAVIS", "NELL", "OPAL", "PEARL",
                                "ROSALIND", "SYLVIE", "TESSA", "VERA", "WILMA", "ZELDA"};
static const char *FIRST_M[] = {"ABNER", "BASIL", "CLEMENT", "DORIAN", "EZRA", "FLETCHER", "GIDEON",
                                "HORACE", "IRVING", "JASPER", "LUCIAN", "MILO", "NORRIS", "OSWALD",
                                "PERCY", "QUINCY", "RUFUS", "SILAS", "THADDEUS", "VIRGIL", "WENDELL"};
static const char *SYLL1[] = {"BRAM", "CORN", "DALE", "FERN", "GLAD", "HOLL", "KESTR", "LARK", "MARL",
                              "NETH", "OAK", "PELL", "QUILL", "ROOK", "SORR", "THIST", "VALE", "WREN"};
static const char *SYLL2[] = {"WICK", "FORD", "BURY", "MOOR", "STEAD", "HOLM", "WORTH", "COMBE",
                              "THWAITE", "SHAW", "LOW", "HURST", "DEN", "LEIGH"};
static const char *STREET[] = {"MAPLEWISP", "CINDERBROOK", "HOLLOWAY TEST", "LANTERNFIELD", "MOSSBANK",
                               "PEBBLEMORE", "QUARRYGLEN", "SAMPLE", "TWILLSTONE", "WILLOWMERE"};
static const char *STREET_TYPE[] = {"ST", "AVE", "RD", "LN", "CT", "DR", "WAY"};

typedef struct {
    const char *text, *occ_code, *ind_code;
} occupation;
static const occupation OCCUPATIONS[] = {
    {"ELEMENTARY SCHOOL TEACHER", "2310", "7860"}, {"REGISTERED NURSE", "3255", "8190"},
    {"TRUCK DRIVER", "9130", "6170"},              {"ACCOUNTANT", "0800", "7280"},
    {"CARPENTER", "6230", "0770"},                 {"RETAIL SALES", "4760", "5790"},
    {"SOFTWARE DEVELOPER", "1020", "6490"},        {"FARM WORKER", "6050", "0170"},
    {"MACHINIST", "8030", "3990"},                 {"CASHIER", "4720", "5790"},
    {"AUTO MECHANIC", "7200", "8770"},             {"ELECTRICIAN", "6355", "0770"},
    {"BOOKKEEPER", "5120", "7280"},                {"NURSING AIDE", "3600", "8190"},
    {"RESTAURANT MANAGER", "4010", "8680"},        {"ENGINEER", "1530", "3990"},
};

static const char *FACILITIES[] = {"0000100001", "0000100002", "0000100003", "0000100004",
                                   "0000100005", "0000100006", "0000100007", "0000100008",
                                   "0000100009", "0000100010", "0000100011", "0000100012"};

/* ---- the generator ---------------------------------------------------- */

typedef struct {
    const site_group *g;
    char site[5];
    const sitehist *hb;
    int dx;
    int age;
    char stage;        /* I in situ, B benign/borderline, L R D U */
    char ss;           /* Summary Stage code: 0 1 2 3 4 7 8 9 */
    char gleason_clin[3], gleason_path[3]; /* prostate: primary and secondary pattern */
    bool dco;
    /* treatment */
    bool surg, rad, chemo, hormone, brm, transplant, other, surveillance;
    bool neoadjuvant;
    int surg_date, rad_start, rad_end, chemo_date, hormone_date, brm_date, transplant_date, other_date;
    int disch_date, decided_date;
    int last_event;
    const char *class_of_case;
    bool analytic;
} tumor;

struct gen {
    rng r;
    crtk_dictionary *dict;
    int version;
    unsigned record_type;
    bool check;
    crtk_record *rec;
    crtk_element *tum;        /* the tumor being filled, NULL while filling the patient */
    GHashTable *choices;      /* spec string -> choice* */
    GPtrArray *sitehists;     /* sitehist* */
    GHashTable *by_code;      /* "8500/3" -> sitehist* */
    GHashTable *missing;      /* naaccrIds the dictionary lacks (check mode) */
    long accession[2100 - 1900];
    long tumors_written, items_patient, items_tumor;
    const place *pl;          /* the patient's address */
    bool has_2020_geo;        /* the dictionary has ruca2020/uric2020 */
};

static const char *pick(gen *g, const char *spec)
{
    choice *c = g_hash_table_lookup(g->choices, spec);
    if (!c) {
        c = choice_parse(spec);
        g_hash_table_insert(g->choices, (gpointer)spec, c);
    }
    double x = rng_unit(&g->r) * c->cum[c->n - 1];
    int lo = 0, hi = c->n - 1;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (x < c->cum[mid])
            hi = mid;
        else
            lo = mid + 1;
    }
    return c->codes[lo];
}

#define PICK_ARRAY(g, arr) ((arr)[rng_int(&(g)->r, 0, (int)(sizeof(arr) / sizeof((arr)[0])) - 1)])

/* Sets an item of the current patient or tumor (by the item's level). */
static void put(gen *g, const char *id, const char *v)
{
    if (!v || !*v)
        return;
    const crtk_item *it = crtk_dictionary_find(g->dict, id);
    if (!it) {
        if (g->check)
            g_hash_table_add(g->missing, (gpointer)id);
        return;
    }
    if (!(it->record_types & g->record_type))
        return;
    crtk_element *e = NULL;
    if (it->level == CRTK_LEVEL_PATIENT)
        e = &g->rec->patient;
    else if (it->level == CRTK_LEVEL_TUMOR)
        e = g->tum;
    if (!e)
        die("internal error: item %s (%s level) set outside its element", id, crtk_level_name(it->level));
    size_t len = strlen(v);
    if (g->check) {
        crtk_problem_code code;
        const char *msg = crtk_item_check_value(it, v, len, &code);
        if (msg)
            die("check: %s = \"%s\": %s (patient %s)", id, v, msg, crtk_record_patient_id(g->rec));
    }
    crtk_element_set(e, it->index, v, len);
}

static void putf(gen *g, const char *id, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
static void putf(gen *g, const char *id, const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    put(g, id, buf);
}

/* Sets v, or alt when v does not fit the item in this version (older
 * dictionaries type some items differently); alt NULL leaves the item out. */
static void put_alt(gen *g, const char *id, const char *v, const char *alt)
{
    const crtk_item *it = crtk_dictionary_find(g->dict, id);
    crtk_problem_code code;
    if (it && crtk_item_check_value(it, v, strlen(v), &code))
        v = alt;
    if (v)
        put(g, id, v);
}

static void put_date(gen *g, const char *id, int day)
{
    char b[9];
    fmt_date(b, day);
    put(g, id, b);
}

static void put_pick(gen *g, const char *id, const char *spec)
{
    put(g, id, pick(g, spec));
}

/* ---- loading the site/histology table ---------------------------------- */

static void load_site_histology(gen *g)
{
    size_t len;
    const char *text = crtk_schema_text("codes/site-histology.tsv", &len);
    if (!text)
        die("codes/site-histology.tsv is not built in (re-run cmake)");
    g->sitehists = g_ptr_array_new();
    g->by_code = g_hash_table_new(g_str_hash, g_str_equal);
    char **lines = g_strsplit(text, "\n", -1);
    bool header = false;
    for (int i = 0; lines[i]; i++) {
        char *l = lines[i];
        if (!*l || *l == '#')
            continue;
        if (!header) {
            header = true;
            continue;
        }
        char **f = g_strsplit(l, "\t", 4);
        if (g_strv_length(f) != 4 || strlen(f[1]) != 4 || strlen(f[2]) != 1)
            die("codes/site-histology.tsv: bad line: %s", l);
        sitehist *h = g_new0(sitehist, 1);
        memcpy(h->hist, f[1], 5);
        h->beh = f[2][0];
        h->label = g_strdup(f[3]);
        char **ranges = g_strsplit(f[0], ",", -1);
        h->n_ranges = (int)g_strv_length(ranges);
        h->lo = g_new(char *, h->n_ranges);
        h->hi = g_new(char *, h->n_ranges);
        for (int k = 0; k < h->n_ranges; k++) {
            char *dash = strchr(ranges[k], '-');
            h->lo[k] = g_strndup(ranges[k], dash ? (size_t)(dash - ranges[k]) : strlen(ranges[k]));
            h->hi[k] = g_strdup(dash ? dash + 1 : ranges[k]);
        }
        g_strfreev(ranges);
        g_strfreev(f);
        g_ptr_array_add(g->sitehists, h);
        g_hash_table_insert(g->by_code, g_strdup_printf("%s/%c", h->hist, h->beh), h);
    }
    g_strfreev(lines);
}

/* Every group's histologies must be valid at one of its sites at least, and
 * every site must have a valid histology: a mistake here is the generator's. */
static void verify_groups(gen *g)
{
    for (int i = 0; i < N_GROUPS; i++) {
        const site_group *sg = &GROUPS[i];
        choice *sites = choice_parse(sg->sites), *hists = choice_parse(sg->hists);
        if (hists->n > 64) /* pick_histology() weighs at most 64 */
            die("group %s: more than 64 histologies", sg->name);
        for (int h = 0; h < hists->n; h++) {
            sitehist *sh = g_hash_table_lookup(g->by_code, hists->codes[h]);
            if (!sh)
                die("group %s: %s is not on the site/histology list", sg->name, hists->codes[h]);
            bool any = false;
            for (int s = 0; s < sites->n; s++)
                any = any || sitehist_valid_at(sh, sites->codes[s]);
            if (!any)
                die("group %s: %s is valid at none of its sites", sg->name, hists->codes[h]);
        }
        for (int s = 0; s < sites->n; s++) {
            bool any = false;
            for (int h = 0; h < hists->n; h++)
                any = any || sitehist_valid_at(g_hash_table_lookup(g->by_code, hists->codes[h]), sites->codes[s]);
            if (!any)
                die("group %s: no histology is valid at %s", sg->name, sites->codes[s]);
        }
        g_strfreev(sites->codes), g_free(sites->cum), g_free(sites);
        g_strfreev(hists->codes), g_free(hists->cum), g_free(hists);
    }
}

/* A histology of the group valid at site (the choice restricted to valid entries). */
static const sitehist *pick_histology(gen *g, const site_group *sg, const char *site)
{
    choice *c = g_hash_table_lookup(g->choices, sg->hists);
    if (!c) {
        c = choice_parse(sg->hists);
        g_hash_table_insert(g->choices, (gpointer)sg->hists, c);
    }
    double total = 0;
    double w[64];
    int n = c->n < 64 ? c->n : 64;
    for (int i = 0; i < n; i++) {
        const sitehist *h = g_hash_table_lookup(g->by_code, c->codes[i]);
        double wi = c->cum[i] - (i ? c->cum[i - 1] : 0);
        w[i] = sitehist_valid_at(h, site) ? wi : 0;
        total += w[i];
    }
    double x = rng_unit(&g->r) * total;
    for (int i = 0; i < n; i++) {
        if (x < w[i])
            return g_hash_table_lookup(g->by_code, c->codes[i]);
        x -= w[i];
    }
    for (int i = n - 1; i >= 0; i--)
        if (w[i] > 0)
            return g_hash_table_lookup(g->by_code, c->codes[i]);
    die("no histology for %s at %s", sg->name, site);
}

/* ---- patients and tumors ------------------------------------------------ */

static bool is_paired(const char *site)
{
    return strstr(PAIRED_SITES, site) != NULL;
}

static int hist_num(const tumor *t)
{
    return atoi(t->hb->hist);
}

static bool is_heme(const tumor *t)
{
    return t->g->k == K_LEUKEMIA || t->g->k == K_MYELOMA || t->g->k == K_MPN;
}

static bool is_lymphoma(const tumor *t)
{
    return t->g->k == K_NHL || t->g->k == K_HODGKIN;
}

static const site_group *pick_group(gen *g, int sex)
{
    double total = 0;
    for (int i = 0; i < N_GROUPS; i++)
        total += GROUPS[i].weight * (sex == 0 ? 1 : sex == 1 ? GROUPS[i].male : 1 - GROUPS[i].male);
    double x = rng_unit(&g->r) * total;
    for (int i = 0; i < N_GROUPS; i++) {
        double w = GROUPS[i].weight * (sex == 0 ? 1 : sex == 1 ? GROUPS[i].male : 1 - GROUPS[i].male);
        if (x < w)
            return &GROUPS[i];
        x -= w;
    }
    return &GROUPS[0];
}

static int pick_dx_date(gen *g)
{
    static const double w[] = {1.0, 1.0, 1.0, 1.0, 1.0, 0.9, 1.02, 1.04, 1.06, 1.08, 0.7};
    double total = 0;
    for (int i = 0; i <= LAST_DX_YEAR - FIRST_DX_YEAR; i++)
        total += w[i];
    double x = rng_unit(&g->r) * total;
    int y = FIRST_DX_YEAR;
    for (int i = 0; i <= LAST_DX_YEAR - FIRST_DX_YEAR; i++) {
        if (x < w[i]) {
            y = FIRST_DX_YEAR + i;
            break;
        }
        x -= w[i];
    }
    int start = days_from_civil(y, 1, 1), end = days_from_civil(y, 12, 31);
    return rng_int(&g->r, start, end);
}

static char pick_stage(gen *g, const tumor *t)
{
    if (t->hb->beh == '0' || t->hb->beh == '1')
        return 'B';
    if (t->hb->beh == '2')
        return 'I';
    if (t->dco)
        return 'U';
    return pick(g, t->g->stages)[0];
}

/* Yearly hazard of dying of this tumor. */
static double cancer_hazard(const tumor *t)
{
    double s5;
    switch (t->stage) {
    case 'I': s5 = 0.995; break;
    case 'B': s5 = 0.99; break;
    case 'L': s5 = t->g->s5[ST_LOCAL]; break;
    case 'R': s5 = t->g->s5[ST_REGIONAL]; break;
    case 'D': s5 = t->g->s5[ST_DISTANT]; break;
    default: s5 = sqrt(t->g->s5[ST_REGIONAL] * t->g->s5[ST_DISTANT]); break;
    }
    if (s5 > 0.999)
        s5 = 0.999;
    return -log(s5) / 5.0;
}

static const char *schema_of(const tumor *t, int year, const char **ajcc)
{
    int h = hist_num(t);
    const char *s = t->g->schema;
    *ajcc = t->g->ajcc;
    if (t->stage == 'I' && t->g->k == K_BREAST)
        *ajcc = "48.1";
    switch (t->g->k) {
    case K_LUNG:
        if (year >= 2025)
            s = "09360", *ajcc = "9014";
        break;
    case K_COLON:
    case K_RECTUM:
        if (h == 8240)
            s = year >= 2024 ? "09330" : "00330", *ajcc = year >= 2024 ? "9011" : "33";
        break;
    case K_STOMACH:
        if (h == 8936)
            s = "00430", *ajcc = "43.1";
        else if (h == 8240)
            s = year >= 2024 ? "09290" : "00290", *ajcc = year >= 2024 ? "9007" : "29";
        break;
    case K_SMALL_INTESTINE:
        if (h == 8936)
            s = "00430", *ajcc = "43.2";
        else if (h == 8240 || h == 8246 || h == 8249)
            s = year >= 2024 ? "09310" : "00310", *ajcc = year >= 2024 ? "9009" : "31";
        break;
    case K_PANCREAS:
        if (h == 8240 || h == 8246 || h == 8150)
            s = year >= 2024 ? "09340" : "00340", *ajcc = year >= 2024 ? "9012" : "34";
        break;
    case K_ESOPHAGUS:
        if (h >= 8070 && h <= 8072)
            s = "00161", *ajcc = "16.1";
        break;
    case K_THYROID:
        if (h == 8345)
            s = "00740", *ajcc = "74";
        else if (h == 8020)
            *ajcc = "73.2";
        break;
    case K_NHL:
        if (h == 9823)
            s = "00795", *ajcc = "79.5";
        else if (h == 9680)
            *ajcc = "79.1";
        else if (h == 9673)
            *ajcc = "79.2";
        else if (h == 9690 || h == 9691 || h == 9695 || h == 9698)
            *ajcc = "79.3";
        else if (h == 9699)
            *ajcc = "79.4";
        else if (h == 9702 || h == 9714)
            *ajcc = "79.6";
        break;
    case K_LEUKEMIA:
        if (h == 9823)
            s = "00795", *ajcc = "79.5";
        else if (h == 9861 || h == 9866 || h == 9895 || h == 9865)
            *ajcc = "83.1";
        else if (h == 9863 || h == 9875)
            *ajcc = "83.4";
        else if (h == 9811 || h == 9837 || h == 9835)
            *ajcc = "83.3";
        break;
    case K_BRAIN:
        if (year >= 2023)
            s = "09721";
        break;
    case K_CNS_BENIGN:
        if (year >= 2023)
            s = "09722";
        break;
    case K_CERVIX:
        if (year >= 2021)
            s = "09520", *ajcc = "9001";
        break;
    case K_ANUS:
        if (year >= 2023)
            s = "09210", *ajcc = "9003";
        break;
    case K_VULVA:
        if (year >= 2024)
            s = "09500", *ajcc = "9006";
        break;
    case K_ORAL:
        if (!strncmp(t->site, "C04", 3))
            s = "00074";
        else if (!strncmp(t->site, "C03", 3))
            s = "00073";
        else if (!strcmp(t->site, "C050"))
            s = "00075";
        else if (!strcmp(t->site, "C060"))
            s = "00076";
        else if (!strncmp(t->site, "C06", 3))
            s = "00077";
        break;
    case K_PHARYNX:
        if (!strncmp(t->site, "C11", 3))
            s = year >= 2025 ? "09090" : "00090", *ajcc = year >= 2025 ? "9016" : "9";
        else if (!strncmp(t->site, "C12", 3) || !strncmp(t->site, "C13", 3))
            s = "00112", *ajcc = "11.2";
        else if (h == 8085)
            s = year >= 2026 ? "09100" : "00100", *ajcc = year >= 2026 ? "9018" : "10";
        break;
    case K_LARYNX:
        if (!strcmp(t->site, "C321"))
            s = "00131", *ajcc = "13.1";
        else if (!strcmp(t->site, "C322"))
            s = "00133", *ajcc = "13.3";
        else if (strcmp(t->site, "C320"))
            s = "00130", *ajcc = "13.0";
        break;
    case K_SOFT_TISSUE:
        if (!strcmp(t->site, "C490"))
            s = "00400", *ajcc = "40";
        break;
    case K_BILIARY:
        if (!strcmp(t->site, "C240"))
            s = "00250", *ajcc = "25";
        else if (!strcmp(t->site, "C241"))
            s = "00270", *ajcc = "27";
        else if (strcmp(t->site, "C239"))
            s = "00278", *ajcc = "XX";
        break;
    case K_BLADDER:
        if (h == 8070 || h == 8140)
            *ajcc = "62.2";
        break;
    case K_CORPUS:
        if (h == 8890)
            s = "00541", *ajcc = "54.1";
        break;
    default:
        break;
    }
    return s;
}

/* ---- stage items ---------------------------------------------------------- */

typedef struct {
    const char *t, *n, *m, *group;       /* AJCC 8th categories without prefix, e.g. "2A", "0", "0", "2A" */
} tnm;

static tnm pick_tnm(gen *g, const tumor *t)
{
    tnm x = {"X", "X", "0", "99"};
    switch (t->stage) {
    case 'I': x = (tnm){"is", "0", "0", "0"}; break;
    case 'L': {
        const char *T = pick(g, "1:45 1a:10 1b:10 1c:10 2:20 2a:5");
        x = (tnm){T, "0", "0", T[0] == '1' ? "1" : "2"};
        if (!strcmp(T, "1a") || !strcmp(T, "1b") || !strcmp(T, "1c"))
            x.group = "1A";
        break;
    }
    case 'R': {
        /* direct extension only (2), nodes only (3), both (4) */
        const char *T = pick(g, t->ss == '2' ? "3:60 4:40" : t->ss == '3' ? "1:40 2:60" : "3:60 4:40");
        const char *N = t->ss == '2' ? "0" : pick(g, "1:60 2:33 3:7");
        x = (tnm){T, N, "0", N[0] == '0' ? (T[0] == '4' ? "3B" : "2B") : N[0] == '1' && t->ss == '3' ? "3A" : "3C"};
        break;
    }
    case 'D': x = (tnm){pick(g, "1:5 2:20 3:30 4:30 X:15"), pick(g, "0:25 1:30 2:25 3:10 X:10"), pick(g, "1:50 1a:20 1b:20 1c:10"), "4"}; break;
    default: x = (tnm){"X", "X", "0", "99"}; break;
    }
    return x;
}

static const char *ss_code(gen *g, const tumor *t)
{
    switch (t->stage) {
    case 'I': return "0";
    case 'B': return "8";
    case 'L': return "1";
    case 'R': return pick(g, "2:35 3:40 4:25");
    case 'D': return "7";
    default: return "9";
    }
}

static int grade_group(const char *pat)
{
    int a = pat[0] - '0', b = pat[1] - '0';
    return a + b <= 6 ? 1 : a + b == 7 ? (a == 3 ? 2 : 3) : a + b == 8 ? 4 : 5;
}

static void put_grade_2018(gen *g, tumor *t)
{
    const char *clin;
    if (t->g->k == K_PROSTATE) {
        g_strlcpy(t->gleason_clin, pick(g, "33:36 34:28 43:14 44:8 35:2 45:6 54:4 55:2"), 3);
        g_strlcpy(t->gleason_path, t->gleason_clin, 3);
        if (rng_chance(&g->r, 0.3)) /* upgraded or downgraded at prostatectomy */
            g_strlcpy(t->gleason_path, pick(g, "34:45 43:35 44:10 45:10"), 3);
        char c[2] = {(char)('0' + grade_group(t->gleason_clin)), 0};
        put(g, "gradeClinical", t->dco ? "9" : c);
        c[0] = (char)('0' + grade_group(t->gleason_path));
        put(g, "gradePathological", t->surg ? c : "9");
        return;
    }
    switch (t->g->k) {
    case K_BREAST: clin = t->stage == 'I' ? "L:20 M:40 H:30 9:10" : "1:20 2:40 3:30 9:10"; break;
    case K_PROSTATE: clin = "1:25 2:30 3:18 4:12 5:12 9:3"; break;
    case K_NHL: case K_HODGKIN: case K_LEUKEMIA: case K_MYELOMA: case K_MPN: clin = "8:100"; break;
    case K_BRAIN: clin = hist_num(t) == 9440 ? "4:90 9:10" : "2:40 3:45 9:15"; break;
    case K_CNS_BENIGN: clin = t->hb->beh == '1' ? "2:90 9:10" : "1:90 9:10"; break;
    case K_UNKNOWN: clin = "9:100"; break;
    case K_THYROID: clin = "9:80 1:10 2:5 3:5"; break;
    case K_MELANOMA: clin = "9:100"; break;
    default: clin = "1:12 2:40 3:25 4:3 9:20"; break;
    }
    const char *c = t->dco && strcmp(clin, "8:100") ? "9" : pick(g, clin);
    put(g, "gradeClinical", c);
    if (t->surg && strcmp(c, "8"))
        put(g, "gradePathological", t->g->k == K_PROSTATE ? pick(g, "1:15 2:40 3:25 4:10 5:10")
                                                          : (strcmp(c, "9") ? c : pick(g, clin)));
    else
        put(g, "gradePathological", strcmp(c, "8") ? "9" : "8");
    if (t->neoadjuvant && t->surg)
        put(g, "gradePostTherapy", pick(g, "1:20 2:40 3:30 9:10"));
}

static void put_grade_old(gen *g, const tumor *t)
{
    const char *spec;
    int h = hist_num(t);
    if (is_lymphoma(t))
        spec = h >= 9700 && h <= 9719 ? "5:60 9:40" : "6:60 9:40";
    else if (is_heme(t))
        spec = h == 9823 ? "6:50 9:50" : "9:100";
    else if (t->g->k == K_BRAIN)
        spec = h == 9440 ? "4:90 9:10" : "2:40 3:45 9:15";
    else if (t->g->k == K_CNS_BENIGN)
        spec = "1:80 9:20";
    else if (t->g->k == K_PROSTATE)
        spec = "1:30 2:45 3:20 9:5";
    else
        spec = "1:12 2:40 3:28 4:3 9:17";
    put_pick(g, "grade", spec);
}

static void put_sizes(gen *g, const tumor *t)
{
    double mean;
    switch (t->g->k) {
    case K_BREAST: mean = t->stage == 'I' ? 12 : 20; break;
    case K_LUNG: mean = 35; break;
    case K_COLON: case K_RECTUM: mean = 45; break;
    case K_KIDNEY: mean = 55; break;
    case K_PANCREAS: mean = 35; break;
    case K_THYROID: mean = 18; break;
    case K_BLADDER: mean = 30; break;
    case K_CNS_BENIGN: case K_BRAIN: mean = 40; break;
    case K_SOFT_TISSUE: mean = 80; break;
    case K_TESTIS: mean = 35; break;
    default: mean = 30; break;
    }
    bool no_size = is_heme(t) || is_lymphoma(t) || t->g->k == K_MELANOMA || t->g->k == K_PROSTATE ||
                   t->g->k == K_UNKNOWN || t->dco;
    if (no_size) {
        put(g, "tumorSizeClinical", "999");
        put(g, "tumorSizePathologic", "999");
        put(g, "tumorSizeSummary", "999");
        return;
    }
    int size = (int)(mean * exp(0.5 * rng_normal(&g->r)));
    if (t->stage == 'D')
        size = size * 3 / 2;
    if (size < 1)
        size = 1;
    if (size > 989)
        size = 989;
    bool unknown = rng_chance(&g->r, 0.08);
    if (unknown)
        putf(g, "tumorSizeClinical", "999");
    else
        putf(g, "tumorSizeClinical", "%03d", size);
    int path = size + rng_int(&g->r, -5, 5);
    if (path < 1)
        path = 1;
    if (t->surg)
        putf(g, "tumorSizePathologic", "%03d", path);
    else
        put(g, "tumorSizePathologic", "999");
    if (t->surg)
        putf(g, "tumorSizeSummary", "%03d", path);
    else if (unknown)
        put(g, "tumorSizeSummary", "999");
    else
        putf(g, "tumorSizeSummary", "%03d", size);
}

static void put_nodes(gen *g, const tumor *t)
{
    bool dissection = t->surg && t->g->k != K_THYROID && t->g->k != K_CNS_BENIGN && t->g->k != K_BRAIN &&
                      t->stage != 'I';
    if (is_heme(t) || is_lymphoma(t) || t->g->k == K_UNKNOWN || t->dco) {
        put(g, "regionalNodesExamined", "99");
        put(g, "regionalNodesPositive", "99");
        return;
    }
    if (!dissection) {
        put(g, "regionalNodesExamined", "00");
        put(g, "regionalNodesPositive", "98");
        return;
    }
    int ex = t->g->k == K_BREAST || t->g->k == K_MELANOMA ? rng_int(&g->r, 1, 6) : rng_int(&g->r, 4, 30);
    int pos = 0;
    if (t->stage == 'R' || t->stage == 'D')
        pos = rng_int(&g->r, 0, ex < 8 ? ex : 8);
    putf(g, "regionalNodesExamined", "%02d", ex);
    putf(g, "regionalNodesPositive", "%02d", pos);
    if (t->g->k == K_BREAST || t->g->k == K_MELANOMA) {
        int sl = ex < 4 ? ex : rng_int(&g->r, 1, 4);
        putf(g, "sentinelLymphNodesExamined", "%02d", sl);
        putf(g, "sentinelLymphNodesPositive", "%02d", pos < sl ? pos : sl);
    }
}

static void put_mets(gen *g, const tumor *t)
{
    static const char *ids[] = {"metsAtDxBone", "metsAtDxBrain", "metsAtDxDistantLn", "metsAtDxLiver",
                                "metsAtDxLung", "metsAtDxOther"};
    bool na = is_heme(t) || is_lymphoma(t) || t->stage == 'B';
    int which = t->stage == 'D' ? rng_int(&g->r, 0, 5) : -1;
    for (int i = 0; i < 6; i++) {
        if (na)
            put(g, ids[i], "8");
        else if (t->stage == 'U')
            put(g, ids[i], "9");
        else if (i == which || (t->stage == 'D' && rng_chance(&g->r, 0.15)))
            put(g, ids[i], "1");
        else
            put(g, ids[i], "0");
    }
}

static void put_stage_2018(gen *g, tumor *t, int year)
{
    const char *ajcc;
    const char *schema = schema_of(t, year, &ajcc);
    put(g, "schemaId", schema);
    static const char *versions[] = {"1.3", "1.5", "1.7", "2.0", "2.1", "3.0", "3.1", "3.2"};
    int vi = year - 2018;
    if (vi > 7)
        vi = 7;
    put(g, "schemaIdVersionOriginal", versions[vi]);
    put(g, "schemaIdVersionCurrent", g->version >= 260 ? "3.3" : g->version >= 250 ? "3.2" : "3.1");
    put(g, "ajccId", ajcc);
    bool staged = strcmp(ajcc, "XX") && !is_heme(t) && t->stage != 'B' && !t->dco;
    if (is_heme(t) && strcmp(ajcc, "XX"))
        staged = false;
    put(g, "tnmEditionNumber", staged ? (ajcc[0] == '9' && strlen(ajcc) == 4 ? "09" : "08") : "88");
    tnm x = pick_tnm(g, t);
    char b[16];
    if (staged && !is_lymphoma(t)) {
        snprintf(b, sizeof b, "cT%s", x.t), put(g, "ajccTnmClinT", b);
        snprintf(b, sizeof b, "cN%s", x.n), put(g, "ajccTnmClinN", b);
        snprintf(b, sizeof b, "cM%s", x.m), put(g, "ajccTnmClinM", b);
        put(g, "ajccTnmClinStageGroup", x.group);
        if (t->surg) {
            snprintf(b, sizeof b, "pT%s", x.t), put(g, "ajccTnmPathT", b);
            snprintf(b, sizeof b, "pN%s", strcmp(x.n, "X") ? x.n : "0"), put(g, "ajccTnmPathN", b);
            snprintf(b, sizeof b, "%cM%s", x.m[0] == '0' ? 'c' : 'p', x.m), put(g, "ajccTnmPathM", b);
            put(g, "ajccTnmPathStageGroup", x.group);
        } else {
            put(g, "ajccTnmPathStageGroup", "99");
        }
        put_alt(g, "tnmClinStagedBy", pick(g, "10:30 20:30 30:25 60:10 99:5"), NULL);
        put_alt(g, "tnmPathStagedBy", t->surg ? pick(g, "14:40 20:30 30:25 99:5") : "00", NULL);
    } else if (staged) { /* lymphoma: stage group only */
        const char *sg = t->stage == 'L' ? "1" : t->stage == 'R' ? "2" : t->stage == 'D' ? pick(g, "3:40 4:60") : "99";
        put(g, "ajccTnmClinStageGroup", sg);
        put(g, "ajccTnmPathStageGroup", "99");
        put_alt(g, "tnmClinStagedBy", pick(g, "10:40 20:30 30:30"), NULL);
    } else {
        put(g, "ajccTnmClinT", "88"), put(g, "ajccTnmClinN", "88"), put(g, "ajccTnmClinM", "88");
        put(g, "ajccTnmClinStageGroup", "88");
        put(g, "ajccTnmPathT", "88"), put(g, "ajccTnmPathN", "88"), put(g, "ajccTnmPathM", "88");
        put(g, "ajccTnmPathStageGroup", "88");
        put_alt(g, "tnmClinStagedBy", "88", NULL), put_alt(g, "tnmPathStagedBy", "88", NULL);
    }
    const char ss[2] = {t->ss, 0};
    put(g, "summaryStage2018", ss);
    /* EOD 2018 */
    const char *eodp, *eodn, *eodm;
    switch (ss[0]) {
    case '0': eodp = "000"; eodn = "000"; eodm = "00"; break;
    case '1': eodp = pick(g, "100:40 200:30 300:30"); eodn = "000"; eodm = "00"; break;
    case '2': eodp = pick(g, "400:50 500:50"); eodn = "000"; eodm = "00"; break;
    case '3': eodp = pick(g, "100:20 200:30 300:50"); eodn = pick(g, "100:40 200:30 300:30"); eodm = "00"; break;
    case '4': eodp = pick(g, "400:50 500:50"); eodn = pick(g, "100:40 200:30 300:30"); eodm = "00"; break;
    case '7': eodp = is_heme(t) || is_lymphoma(t) ? "800" : pick(g, "300:20 500:30 700:30 999:20");
        eodn = is_heme(t) || is_lymphoma(t) ? "888" : pick(g, "000:30 300:40 999:30");
        eodm = is_heme(t) || is_lymphoma(t) ? "88" : pick(g, "10:20 30:20 50:20 70:40"); break;
    case '8': eodp = "050"; eodn = "888"; eodm = "88"; break;
    default: eodp = "999"; eodn = "999"; eodm = "99"; break;
    }
    if (is_lymphoma(t)) {
        eodp = t->stage == 'L' ? "100" : t->stage == 'R' ? "200" : t->stage == 'D' ? "800" : "999";
        eodn = "888";
        eodm = "88";
    }
    put(g, "eodPrimaryTumor", eodp);
    put(g, "eodRegionalNodes", eodn);
    put(g, "eodMets", eodm);
    if (staged && !is_lymphoma(t)) {
        put(g, "derivedEod2018StageGroup", x.group);
    } else {
        put(g, "derivedEod2018StageGroup", "88");
    }
    put_grade_2018(g, t);
    put_pick(g, "lymphVascularInvasion",
             is_heme(t) || is_lymphoma(t) || t->stage == 'B' ? "8:100" : t->surg ? "0:65 1:20 9:15" : "9:80 0:10 8:10");
}

/* Stage items of 2016-2017 diagnoses: AJCC 7th edition TNM and Summary Stage 2000. */
static void put_stage_2016(gen *g, const tumor *t)
{
    tnm x = pick_tnm(g, t);
    bool staged = strcmp(t->g->ajcc, "XX") && !is_heme(t) && !is_lymphoma(t) && t->stage != 'B' && !t->dco;
    char b[16];
    if (staged) {
        char T[8];
        g_strlcpy(T, x.t, sizeof T);
        for (char *p = T; *p; p++)
            *p = g_ascii_toupper(*p);
        snprintf(b, sizeof b, "c%s", T), put(g, "tnmClinT", b);
        snprintf(b, sizeof b, "c%s", x.n), put(g, "tnmClinN", b);
        snprintf(b, sizeof b, "c%s", x.m[0] == '1' ? "1" : "0"), put(g, "tnmClinM", b);
        put(g, "tnmClinStageGroup", x.group);
        put(g, "tnmPathStageGroup", t->surg ? x.group : "99");
        if (t->surg) {
            snprintf(b, sizeof b, "p%s", T), put(g, "tnmPathT", b);
            snprintf(b, sizeof b, "p%s", strcmp(x.n, "X") ? x.n : "0"), put(g, "tnmPathN", b);
        }
        put(g, "tnmEditionNumber", "07");
        put_alt(g, "tnmClinStagedBy", pick(g, "10:30 20:30 30:30 99:10"), NULL);
    } else {
        put(g, "tnmClinT", "88"), put(g, "tnmClinN", "88"), put(g, "tnmClinM", "88");
        put(g, "tnmClinStageGroup", "88"), put(g, "tnmPathStageGroup", "88");
        put(g, "tnmEditionNumber", "88");
    }
    const char ss[2] = {t->ss, 0};
    put(g, "seerSummaryStage2000", ss);
    put_grade_old(g, t);
    put_pick(g, "lymphVascularInvasion",
             is_heme(t) || is_lymphoma(t) || t->stage == 'B' ? "8:100" : t->surg ? "0:65 1:20 9:15" : "9:80 0:10 8:10");
}

/* Collaborative Stage items of 2015 diagnoses. */
static void put_stage_cs(gen *g, const tumor *t)
{
    put(g, "csVersionInputOriginal", "020550");
    put(g, "csVersionInputCurrent", "020550");
    put(g, "csVersionDerived", "020550");
    const char *ext, *ln, *mets;
    switch (t->stage) {
    case 'I': ext = "000"; ln = "000"; mets = "00"; break;
    case 'L': ext = pick(g, "100:40 200:30 300:30"); ln = "000"; mets = "00"; break;
    case 'R': ext = t->ss == '3' ? pick(g, "100:40 200:30 300:30") : pick(g, "400:60 600:40");
        ln = t->ss == '2' ? "000" : pick(g, "100:50 200:30 300:20"); mets = "00"; break;
    case 'D': ext = pick(g, "400:30 600:30 800:20 999:20"); ln = pick(g, "000:30 100:30 999:40"); mets = pick(g, "10:20 40:40 60:40"); break;
    case 'B': ext = "050"; ln = "988"; mets = "98"; break;
    default: ext = "999"; ln = "999"; mets = "99"; break;
    }
    if (is_heme(t)) {
        ext = "800", ln = "988", mets = "98";
    }
    put(g, "csExtension", ext);
    put(g, "csLymphNodes", ln);
    put(g, "csMetsAtDx", mets);
    put(g, "csTumorSize", is_heme(t) || is_lymphoma(t) ? "988" : pick(g, "010:20 020:30 035:20 050:15 999:15"));
    put(g, "csTumorSizeExtEval", t->surg ? "3" : pick(g, "0:60 1:20 9:20"));
    put(g, "csLymphNodesEval", t->surg ? "3" : pick(g, "0:60 1:20 9:20"));
    put(g, "csMetsEval", pick(g, "0:70 1:15 9:15"));
    static const char *mets_ids[] = {"csMetsAtDxBone", "csMetsAtDxBrain", "csMetsAtDxLiver", "csMetsAtDxLung"};
    for (int i = 0; i < 4; i++)
        put(g, mets_ids[i], is_heme(t) || is_lymphoma(t) ? "8" : t->stage == 'D' ? pick(g, "0:60 1:40") : "0");
    for (int i = 1; i <= 6; i++) {
        char id[32];
        snprintf(id, sizeof id, "csSiteSpecificFactor%d", i);
        const char *v = "988";
        if (t->g->k == K_BREAST && i <= 2)
            v = pick(g, "010:80 020:18 999:2");
        else if (t->g->k == K_BREAST && i == 3)
            v = pick(g, "000:60 001:20 002:10 999:10");
        else if (t->g->k == K_PROSTATE && i == 1)
            v = pick(g, "045:20 065:30 082:20 120:15 999:15");
        put(g, id, v);
    }
    tnm x = pick_tnm(g, t);
    bool staged = strcmp(t->g->ajcc, "XX") && !is_heme(t) && t->stage != 'B' && !is_lymphoma(t);
    const char *T = "999", *N = "999", *M = "999", *G = "999";
    if (staged) {
        T = x.t[0] == 'i' ? "050" : x.t[0] == '1' ? "100" : x.t[0] == '2' ? "200" : x.t[0] == '3' ? "300" : x.t[0] == '4' ? "400" : "999";
        N = x.n[0] == '0' ? "000" : x.n[0] == '1' ? "100" : x.n[0] == '2' ? "200" : x.n[0] == '3' ? "300" : "999";
        M = x.m[0] == '0' ? "000" : "100";
        G = !strcmp(x.group, "0") ? "000" : x.group[0] == '1' ? "100" : x.group[0] == '2' ? "300" : x.group[0] == '3' ? "500" : x.group[0] == '4' ? "700" : "999";
    } else if (!staged) {
        T = N = M = G = "888";
    }
    put(g, "derivedAjcc7T", T);
    put(g, "derivedAjcc7N", N);
    put(g, "derivedAjcc7M", M);
    put(g, "derivedAjcc7StageGrp", G);
    if (staged) {
        put(g, "derivedAjcc7TDescript", t->surg ? "p" : "c");
        put(g, "derivedAjcc7NDescript", t->surg ? "p" : "c");
        put(g, "derivedAjcc7MDescript", "c");
    }
    const char ss[2] = {t->ss, 0};
    put(g, "derivedSs2000", ss);
    put(g, "derivedAjccFlag", "1");
    put(g, "derivedSs2000Flag", "1");
    put_grade_old(g, t);
    put_pick(g, "lymphVascularInvasion",
             is_heme(t) || is_lymphoma(t) || t->stage == 'B' ? "8:100" : t->surg ? "0:65 1:20 9:15" : "9:80 0:10 8:10");
}

/* Site-specific data items (2018+). */
static void put_ssdi(gen *g, const tumor *t)
{
    char b[16];
    switch (t->g->k) {
    case K_BREAST: {
        const char *er = pick(g, "1:80 0:18 9:2");
        const char *pr = er[0] == '1' ? pick(g, "1:85 0:13 9:2") : pick(g, "0:95 1:5");
        const char *her2 = pick(g, "0:84 1:14 9:2");
        put(g, "estrogenReceptorSummary", er);
        put(g, "progesteroneRecepSummary", pr);
        put(g, "her2OverallSummary", her2);
        if (er[0] == '1')
            putf(g, "estrogenReceptorPercntPosOrRange", "%03d", rng_int(&g->r, 60, 100)),
                put_pick(g, "estrogenReceptorTotalAllredScore", "06:10 07:20 08:30 X9:40");
        else
            put(g, "estrogenReceptorPercntPosOrRange", er[0] == '0' ? "000" : "XX9"),
                put(g, "estrogenReceptorTotalAllredScore", er[0] == '0' ? "00" : "X9");
        if (pr[0] == '1')
            putf(g, "progesteroneRecepPrcntPosOrRange", "%03d", rng_int(&g->r, 10, 100)),
                put_pick(g, "progesteroneRecepTotalAllredScor", "04:10 05:15 06:15 07:10 08:10 X9:40");
        else
            put(g, "progesteroneRecepPrcntPosOrRange", pr[0] == '0' ? "000" : "XX9"),
                put(g, "progesteroneRecepTotalAllredScor", pr[0] == '0' ? "00" : "X9");
        if (t->stage == 'I')
            break;
        put(g, "her2IhcSummary", her2[0] == '1' ? pick(g, "3:70 2:30") : her2[0] == '0' ? pick(g, "0:30 1:40 2:30") : "9");
        put(g, "her2IshSummary", her2[0] == '1' ? pick(g, "1:60 8:40") : pick(g, "0:40 8:55 9:5"));
        put(g, "her2IshDualProbeRatio", her2[0] == '1' ? pick(g, "2.8:30 4.1:30 XX.8:40") : pick(g, "1.2:30 1.5:20 XX.8:50"));
        put(g, "her2IshDualProbeCopyNumber", pick(g, "2.1:20 3.4:20 6.8:10 XX.8:50"));
        snprintf(b, sizeof b, "%.1f", 5 + 40 * rng_unit(&g->r));
        put(g, "ki67", rng_chance(&g->r, 0.6) ? b : "XXX.9");
        if (er[0] == '1' && her2[0] == '0' && t->stage == 'L') {
            putf(g, "oncotypeDxRecurrenceScoreInvasiv", "%03d", rng_int(&g->r, 3, 40));
            put_pick(g, "oncotypeDxRiskLevelInvasive", "0:55 1:30 2:15");
            put(g, "multigeneSignatureMethod", "2");
            put_pick(g, "multigeneSignatureResults", "01:50 02:30 03:20");
        } else {
            put(g, "oncotypeDxRecurrenceScoreInvasiv", "XX8");
            put(g, "oncotypeDxRiskLevelInvasive", "8");
            put(g, "multigeneSignatureMethod", "8");
            put(g, "multigeneSignatureResults", "X8");
        }
        put(g, "lnPositiveAxillaryLevel1To2", t->surg ? (t->stage == 'R' ? pick(g, "01:40 02:25 03:15 05:10 09:10") : "00") : "X8");
        put(g, "responseToNeoadjuvantTherapy", t->neoadjuvant ? pick(g, "1:30 2:50 3:20") : "0");
        break;
    }
    case K_PROSTATE: {
        snprintf(b, sizeof b, "%.1f", 2 + 18 * rng_unit(&g->r) * rng_unit(&g->r) + (t->stage == 'D' ? 40 : 0));
        put(g, "psaLabValue", rng_chance(&g->r, 0.9) ? b : "XXX.9");
        const char *pat = t->gleason_clin;
        put(g, "gleasonPatternsClinical", pat);
        putf(g, "gleasonScoreClinical", "%02d", (pat[0] - '0') + (pat[1] - '0'));
        put_pick(g, "numberOfCoresExamined", "12:60 13:10 14:10 10:10 X9:10");
        put_pick(g, "numberOfCoresPositive", "01:15 02:20 03:20 04:15 06:15 X9:15");
        if (t->surg) {
            const char *pp = t->gleason_path;
            put(g, "gleasonPatternsPathological", pp);
            putf(g, "gleasonScorePathological", "%02d", (pp[0] - '0') + (pp[1] - '0'));
            put_pick(g, "gleasonTertiaryPattern", "10:5 30:5 40:10 50:10 X8:70");
            put_pick(g, "prostatePathologicalExtension", "300:70 350:10 400:10 500:5 600:5");
        } else {
            put(g, "gleasonPatternsPathological", "X7");
            put(g, "gleasonScorePathological", "X7");
            put(g, "gleasonTertiaryPattern", "X7");
            put(g, "prostatePathologicalExtension", "X7");
        }
        break;
    }
    case K_LUNG:
        put_pick(g, "separateTumorNodules", t->stage == 'D' ? "0:40 1:20 2:20 3:10 9:10" : "0:80 1:10 9:10");
        put_pick(g, "visceralParietalPleuralInvasion", t->surg ? "0:60 1:15 2:10 3:5 9:10" : "9:100");
        put_pick(g, "egfrMutationalAnalysis", hist_num(t) == 8140 ? "0:60 1:20 7:5 8:10 9:5" : "7:40 8:40 9:20");
        put_pick(g, "alkRearrangement", hist_num(t) == 8140 ? "0:75 1:5 7:5 8:10 9:5" : "7:40 8:40 9:20");
        break;
    case K_COLON:
    case K_RECTUM:
        put_pick(g, "ceaPretreatmentInterpretation", "0:45 1:25 7:10 9:20");
        snprintf(b, sizeof b, "%.1f", 0.5 + 20 * rng_unit(&g->r) * rng_unit(&g->r));
        put(g, "ceaPretreatmentLabValue", rng_chance(&g->r, 0.75) ? b : "XXXX.9");
        put_pick(g, "kras", "0:50 1:15 7:5 8:20 9:10");
        put_pick(g, "microsatelliteInstability", "0:70 1:15 8:5 9:10");
        put_pick(g, "perineuralInvasion", t->surg ? "0:75 1:15 9:10" : "9:100");
        put_pick(g, "tumorDeposits", t->surg ? "00:80 01:8 02:4 X9:8" : "X9:100");
        put_pick(g, "brafMutationalAnalysis", "0:50 1:8 7:5 8:25 9:12");
        put_pick(g, "nrasMutationalAnalysis", "0:45 1:4 7:5 8:30 9:16");
        put(g, "circumferentialResectionMargin", t->surg ? pick(g, "10.0:20 XX.2:30 XX.8:30 XX.9:20") : "XX.8");
        if (t->g->k == K_RECTUM)
            put(g, "macroscopicEvalOfTheMesorectum", t->surg ? pick(g, "30:60 20:15 10:5 40:10 99:10") : "00");
        break;
    case K_MELANOMA: {
        snprintf(b, sizeof b, "%.1f", t->stage == 'I' ? 0.0 : 0.2 + 4 * rng_unit(&g->r) * rng_unit(&g->r));
        put(g, "breslowTumorThickness", t->stage == 'I' ? "0.0" : rng_chance(&g->r, 0.92) ? b : "XX.9");
        put_pick(g, "ulceration", t->stage == 'I' ? "0:100" : "0:80 1:15 9:5");
        put_pick(g, "mitoticRateMelanoma", t->stage == 'I' ? "X8:100" : "00:30 01:25 02:15 03:10 05:10 X9:10");
        put_pick(g, "ldhPretreatmentLevel", t->stage == 'D' ? "0:50 1:40 9:10" : "8:60 9:40");
        put(g, "ldhPretreatmentLabValue", t->stage == 'D' ? pick(g, "180:30 245:30 410:20 XXXXX.9:20") : "XXXXX.8");
        break;
    }
    case K_KIDNEY:
        put_pick(g, "invasionBeyondCapsule", t->surg ? "0:80 1:15 9:5" : "9:100");
        put_pick(g, "ipsilateralAdrenalGlandInvolve", t->surg ? "0:90 1:3 9:7" : "9:100");
        put_pick(g, "majorVeinInvolvement", t->stage == 'L' ? "0:95 9:5" : "0:60 1:20 2:10 9:10");
        put_pick(g, "sarcomatoidFeatures", t->surg ? "000:90 020:5 XX9:5" : "XX9:100");
        break;
    case K_CORPUS:
    case K_OVARY:
    case K_CERVIX:
    case K_VULVA: {
        const char *figo = t->stage == 'L' ? pick(g, "1:20 1A:40 1B:40") : t->stage == 'R' ? pick(g, "2:30 3A:25 3C1:25 3C:20")
                         : t->stage == 'D' ? pick(g, "4:40 4B:60") : "99";
        put_alt(g, "figoStage", t->stage == 'I' ? "97" : figo, NULL);
        if (t->g->k == K_CORPUS)
            put_pick(g, "peritonealCytology", t->surg ? "0:80 1:10 9:10" : "9:100");
        if (t->g->k == K_OVARY) {
            put_pick(g, "ca125PretreatmentInterpretation", "0:20 1:65 9:15");
            put_pick(g, "residualTumVolPostCytoreduction", t->surg ? "00:40 10:20 20:15 40:10 90:15" : "98:100");
        }
        break;
    }
    case K_LIVER:
        put_pick(g, "afpPretreatmentInterpretation", "0:35 1:45 9:20");
        put_pick(g, "fibrosisScore", "0:20 1:50 9:30");
        break;
    case K_PANCREAS:
        snprintf(b, sizeof b, "%.1f", 10 + 900 * rng_unit(&g->r) * rng_unit(&g->r));
        put(g, "ca199PretxLabValue", rng_chance(&g->r, 0.7) ? b : "XXXX.9");
        break;
    case K_MYELOMA:
        put_pick(g, "highRiskCytogenetics", "0:60 1:20 9:20");
        put_pick(g, "ldhPretreatmentLevel", "0:60 1:20 9:20");
        put_pick(g, "serumAlbuminPretreatmentLevel", "0:50 1:30 9:20");
        put_pick(g, "serumBeta2MicroglobulinPretxLvl", "0:30 1:30 2:20 9:20");
        break;
    case K_MPN:
        put(g, "jak2", hist_num(t) == 9950 || hist_num(t) == 9962 || hist_num(t) == 9961 ? pick(g, "1:80 0:15 9:5") : "8");
        break;
    case K_NHL:
    case K_HODGKIN:
        put_pick(g, "bSymptoms", "0:65 1:25 9:10");
        put_pick(g, "hivStatus", "0:75 1:3 9:22");
        if (t->g->k == K_NHL)
            put_pick(g, "nccnInternationalPrognosticIndex", "01:15 02:20 03:20 04:15 05:10 X9:20");
        if (hist_num(t) == 9823) {
            put_pick(g, "adenopathy", "0:30 1:60 9:10");
            put_pick(g, "anemia", "0:70 1:20 9:10");
            put_pick(g, "lymphocytosis", "1:90 9:10");
            put_pick(g, "organomegaly", "0:70 1:20 9:10");
            put_pick(g, "thrombocytopenia", "0:75 1:15 9:10");
        }
        break;
    case K_LEUKEMIA:
        if (hist_num(t) == 9823) {
            put_pick(g, "adenopathy", "0:40 1:50 9:10");
            put_pick(g, "anemia", "0:70 1:20 9:10");
            put_pick(g, "lymphocytosis", "1:95 9:5");
            put_pick(g, "organomegaly", "0:70 1:20 9:10");
            put_pick(g, "thrombocytopenia", "0:75 1:15 9:10");
            put_pick(g, "derivedRaiStage", "0:40 1:25 2:15 3:8 4:7 9:5");
        }
        break;
    case K_BRAIN:
        put_pick(g, "methylationOfO6MGMT", hist_num(t) == 9440 ? "0:45 1:10 2:35 9:10" : "7:50 9:50");
        put_pick(g, "chromosome1pLossHeterozygosity", hist_num(t) == 9450 || hist_num(t) == 9451 ? "1:80 9:20" : "7:60 9:40");
        put_pick(g, "chromosome19qLossHeterozygosity", hist_num(t) == 9450 || hist_num(t) == 9451 ? "1:80 9:20" : "7:60 9:40");
        break;
    case K_ESOPHAGUS:
        put_pick(g, "esophagusAndEgjTumorEpicenter", "0:15 1:20 2:55 9:10");
        break;
    case K_PHARYNX:
    case K_ORAL:
    case K_LARYNX:
        put_pick(g, "extranodalExtensionHeadNeckClin", t->stage == 'R' ? "0:60 1:10 9:30" : "0:60 8:30 9:10");
        put(g, "lnHeadAndNeckLevels1To3", t->stage == 'R' ? pick(g, "1:60 0:30 9:10") : "0");
        if (t->g->k == K_PHARYNX && strncmp(t->site, "C1", 2) && strncmp(t->site, "C11", 3))
            put(g, "p16", hist_num(t) == 8085 ? "1" : pick(g, "0:60 9:40"));
        break;
    case K_TESTIS:
        put_pick(g, "afpPreOrchiectomyRange", hist_num(t) == 9061 ? "0:90 9:10" : "0:40 1:30 2:20 9:10");
        put_pick(g, "hcgPreOrchiectomyRange", "0:60 1:25 9:15");
        put_pick(g, "ldhPreOrchiectomyRange", "0:60 1:25 9:15");
        put_pick(g, "sCategoryClinical", t->stage == 'L' ? "0:70 1:20 9:10" : "1:40 2:30 3:20 9:10");
        break;
    default:
        break;
    }
}

/* ---- treatment ------------------------------------------------------------ */

static void plan_treatment(gen *g, tumor *t, int death)
{
    int st = t->stage == 'R' ? ST_REGIONAL : t->stage == 'D' ? ST_DISTANT : ST_LOCAL;
    double f_unknown = t->stage == 'U' ? 0.6 : 1.0;
    bool no_info = t->dco || !strcmp(t->class_of_case, "43") || !strcmp(t->class_of_case, "38");
    t->last_event = t->dx;
    if (no_info)
        return;
    const site_group *sg = t->g;
    t->surg = *sg->surgery && rng_chance(&g->r, sg->surg[st] * f_unknown * (t->stage == 'I' ? 1.05 : 1.0));
    t->rad = rng_chance(&g->r, sg->rad[st] * f_unknown * (t->stage == 'I' ? 0.4 : 1.0));
    t->chemo = t->stage != 'I' && rng_chance(&g->r, sg->chemo[st] * f_unknown);
    t->hormone = rng_chance(&g->r, sg->hormone * (t->stage == 'I' ? 0.5 : 1.0));
    t->brm = t->stage != 'I' && rng_chance(&g->r, sg->brm * (st == ST_DISTANT ? 1.5 : st == ST_REGIONAL ? 1.0 : 0.4));
    if (t->g->k == K_MYELOMA)
        t->transplant = rng_chance(&g->r, 0.25);
    if (t->g->k == K_LEUKEMIA && hist_num(t) == 9861)
        t->transplant = rng_chance(&g->r, 0.15);
    if (t->g->k == K_MPN && hist_num(t) == 9950)
        t->other = rng_chance(&g->r, 0.5);
    if ((t->g->k == K_PROSTATE && st == ST_LOCAL && !t->surg && !t->rad && !t->hormone) ||
        (hist_num(t) == 9823 && !t->chemo) || (t->g->k == K_CNS_BENIGN && !t->surg && !t->rad))
        t->surveillance = rng_chance(&g->r, 0.8);
    t->neoadjuvant = t->surg && (t->chemo || t->rad) &&
                     ((t->g->k == K_BREAST && st == ST_REGIONAL && rng_chance(&g->r, 0.35)) ||
                      ((t->g->k == K_RECTUM || t->g->k == K_ESOPHAGUS) && st == ST_REGIONAL && rng_chance(&g->r, 0.8)) ||
                      (t->g->k == K_PANCREAS && rng_chance(&g->r, 0.3)));
    int day = t->dx;
    int systemic_start = 0;
    if (t->neoadjuvant) {
        systemic_start = day + rng_int(&g->r, 14, 40);
        t->surg_date = systemic_start + rng_int(&g->r, 100, 170);
    } else if (t->surg) {
        t->surg_date = day + rng_int(&g->r, 0, 50);
        systemic_start = t->surg_date + rng_int(&g->r, 25, 60);
    } else {
        systemic_start = day + rng_int(&g->r, 14, 45);
    }
    if (t->chemo)
        t->chemo_date = systemic_start;
    if (t->brm)
        t->brm_date = systemic_start + (t->chemo ? 0 : rng_int(&g->r, 0, 20));
    if (t->rad) {
        int after = t->surg && !t->neoadjuvant ? t->surg_date : day;
        t->rad_start = after + rng_int(&g->r, 20, 60);
        if (t->chemo && !t->neoadjuvant && t->surg)
            t->rad_start = t->chemo_date + rng_int(&g->r, 90, 150);
        t->rad_end = t->rad_start + rng_int(&g->r, 3, 45);
    }
    if (t->hormone) {
        int after = t->rad ? t->rad_end : t->chemo ? t->chemo_date + 120 : t->surg ? t->surg_date : day;
        t->hormone_date = after + rng_int(&g->r, 7, 40);
    }
    if (t->transplant)
        t->transplant_date = (t->chemo_date ? t->chemo_date : day) + rng_int(&g->r, 120, 200);
    if (t->other)
        t->other_date = day + rng_int(&g->r, 3, 30);
    /* Nothing after death or after "today". */
    int limit = death ? death : AS_OF - 1;
    if (limit > AS_OF - 1)
        limit = AS_OF - 1;
#define DROP_AFTER(flag, date) if ((flag) && (date) > limit) (flag) = false, (date) = 0
    DROP_AFTER(t->surg, t->surg_date);
    DROP_AFTER(t->chemo, t->chemo_date);
    DROP_AFTER(t->brm, t->brm_date);
    DROP_AFTER(t->hormone, t->hormone_date);
    DROP_AFTER(t->transplant, t->transplant_date);
    DROP_AFTER(t->other, t->other_date);
    DROP_AFTER(t->rad, t->rad_start);
#undef DROP_AFTER
    if (t->rad && t->rad_end > limit)
        t->rad_end = limit;
    if (!t->surg || !(t->chemo || t->rad))
        t->neoadjuvant = false;
    if (t->surg) {
        t->disch_date = t->surg_date + rng_int(&g->r, 0, 5);
        if (t->disch_date > limit)
            t->disch_date = t->surg_date;
    }
    if (!t->surg && !t->rad && !t->chemo && !t->brm && !t->hormone && !t->transplant && !t->other &&
        (t->surveillance || rng_chance(&g->r, 0.5))) {
        t->decided_date = t->dx + rng_int(&g->r, 5, 30);
        if (t->decided_date > limit)
            t->decided_date = t->dx;
    }
    int dates[] = {t->disch_date, t->decided_date, t->rad_end, t->chemo_date, t->brm_date, t->hormone_date, t->transplant_date, t->other_date};
    for (size_t i = 0; i < sizeof dates / sizeof dates[0]; i++)
        if (dates[i] > t->last_event)
            t->last_event = dates[i] > limit ? limit : dates[i];
}

static const char *surgery_2023(gen *g, const tumor *t, const char *code2, char *buf)
{
    if (t->g->k == K_BREAST) {
        int c = atoi(code2);
        const char *a = c == 0 ? "A000" : c == 19 ? "A190" : c < 30 ? "A200" : c < 40 ? "A300" : c < 50 ? "A400"
                      : c < 60 ? "A500" : c == 76 ? "A760" : c == 99 ? "A990" : "A900";
        (void)g;
        return strcpy(buf, a);
    }
    snprintf(buf, 5, "B%s0", code2);
    return buf;
}

static void put_treatment(gen *g, const tumor *t, int death)
{
    int year = year_of(t->dx);
    bool no_info = t->dco || !strcmp(t->class_of_case, "43") || !strcmp(t->class_of_case, "38");
    bool special = !*t->g->surgery; /* heme, unknown primary: surgery code 98 */
    bool died_early = death && death - t->dx < 60;
    bool here = t->analytic && strcmp(t->class_of_case, "00");
    char buf[8];
    const char *surg = no_info ? "99" : special ? "98" : t->surg ? pick(g, t->g->surgery) : "00";
    if (year >= 2023)
        put(g, "rxSummSurgPrimSite2023", surgery_2023(g, t, surg, buf));
    else
        put(g, "rxSummSurgPrimSite", surg);
    if (here) {
        if (year >= 2023)
            put(g, "rxHospSurgPrimSite2023", surgery_2023(g, t, surg, buf));
        else
            put(g, "rxHospSurgPrimSite", surg);
    }
    put(g, "reasonForNoSurgery", t->surg ? "0" : no_info ? "9" : special ? "1"
                               : died_early ? "5" : pick(g, "1:75 2:8 6:3 7:5 8:4 9:5"));
    const char *scope = no_info ? "9" : !t->surg || t->stage == 'I' ? "0"
                      : t->g->k == K_BREAST ? pick(g, "2:55 5:20 6:20 4:5")
                      : t->g->k == K_MELANOMA ? pick(g, "0:60 2:35 6:5")
                      : t->g->k == K_THYROID || t->g->k == K_BRAIN || t->g->k == K_CNS_BENIGN ? "0"
                      : pick(g, "5:70 4:10 0:15 9:5");
    put(g, "rxSummScopeRegLnSur", scope);
    put(g, "rxSummSurgOthRegDis", no_info ? "9" : t->surg && rng_chance(&g->r, 0.03) ? "1" : "0");
    put(g, "rxSummSurgicalMargins", no_info || special ? "9" : !t->surg ? "8" : pick(g, "0:85 1:3 2:6 3:2 7:2 9:2"));
    put(g, "rxSummDxStgProc", no_info ? "09" : pick(g, "00:15 01:8 02:62 04:3 05:7 07:2 09:3"));
    if (year >= 2023 && t->g->k == K_BREAST)
        put(g, "rxSummReconBreast", t->surg ? pick(g, "A000:70 A100:10 A200:8 A300:5 A610:4 A900:3") : "A000");
    put(g, "readmSameHosp30Days", no_info ? "9" : t->surg ? pick(g, "0:93 1:4 2:1 9:2") : "0");
    /* radiation */
    bool rad = t->rad;
    put(g, "reasonForNoRadiation", rad ? "0" : no_info ? "9" : died_early ? "5" : pick(g, "1:88 2:2 7:3 8:3 9:4"));
    put(g, "radLocationOfRx", no_info ? "9" : !rad ? "0" : pick(g, "1:55 4:35 2:5 3:5"));
    put(g, "numberPhasesOfRadTxToVolume", no_info ? "99" : !rad ? "00" : t->g->k == K_BREAST ? pick(g, "01:50 02:50") : pick(g, "01:85 02:15"));
    put(g, "radiationTxDiscontinuedEarly", no_info ? "99" : !rad ? "00" : pick(g, "01:92 02:2 04:2 06:1 07:1 99:2"));
    bool isotope = t->g->k == K_THYROID;
    bool brachy = t->g->k == K_PROSTATE && rng_chance(&g->r, 0.2);
    if (rad) {
        const char *mod = isotope ? "13" : brachy ? "10" : pick(g, "02:90 04:5 03:3 01:2");
        put(g, "phase1RadiationPrimaryTxVolume", pick(g, t->g->rad_volume));
        put(g, "phase1RadiationToDrainingLN", isotope || brachy ? "00" : pick(g, "00:65 08:10 88:25"));
        put(g, "phase1RadiationTreatmentModality", mod);
        put(g, "phase1RadiationExternalBeamTech", isotope || brachy ? "88" : pick(g, "04:30 05:50 06:12 01:3 99:5"));
        int fractions = isotope || brachy ? 1 : t->rad_end - t->rad_start > 20 ? rng_int(&g->r, 15, 35) : rng_int(&g->r, 1, 10);
        int dose = fractions > 10 ? pick(g, "180:40 200:50 250:10")[0] == '1' ? 180 : 200 : rng_int(&g->r, 300, 1200);
        if (isotope || brachy) {
            put(g, "phase1DosePerFraction", "99998");
            put(g, "phase1NumberOfFractions", "001");
            put(g, "phase1TotalDose", "999998");
            put(g, "totalDose", "999998");
        } else {
            putf(g, "phase1DosePerFraction", "%05d", dose);
            putf(g, "phase1NumberOfFractions", "%03d", fractions);
            putf(g, "phase1TotalDose", "%06d", dose * fractions);
            putf(g, "totalDose", "%06d", dose * fractions + (t->g->k == K_BREAST ? 1000 : 0));
        }
    } else {
        const char *z2 = no_info ? "99" : "00";
        put(g, "phase1RadiationPrimaryTxVolume", z2);
        put(g, "phase1RadiationToDrainingLN", z2);
        put(g, "phase1RadiationTreatmentModality", z2);
        put(g, "phase1RadiationExternalBeamTech", z2);
        put(g, "phase1DosePerFraction", no_info ? "99999" : "00000");
        put(g, "phase1NumberOfFractions", no_info ? "999" : "000");
        put(g, "phase1TotalDose", no_info ? "999999" : "000000");
        put(g, "totalDose", no_info ? "999999" : "000000");
    }
    /* Phase II: a boost for some breast patients, none otherwise. */
    if (rad && t->g->k == K_BREAST && rng_chance(&g->r, 0.5)) {
        put(g, "phase2RadiationPrimaryTxVolume", "41");
        put(g, "phase2RadiationToDrainingLN", "00");
        put(g, "phase2RadiationTreatmentModality", "04");
        put(g, "phase2RadiationExternalBeamTech", "04");
        put(g, "phase2DosePerFraction", "00200");
        put(g, "phase2NumberOfFractions", "005");
        put(g, "phase2TotalDose", "001000");
    } else if (rad) {
        put(g, "phase2RadiationPrimaryTxVolume", "00");
        put(g, "phase2RadiationToDrainingLN", "00");
        put(g, "phase2RadiationTreatmentModality", "00");
        put(g, "phase2RadiationExternalBeamTech", "00");
        put(g, "phase2DosePerFraction", "00000");
        put(g, "phase2NumberOfFractions", "000");
        put(g, "phase2TotalDose", "000000");
    }
    if (year < 2018)
        put(g, "rxSummRadiation", no_info ? "9" : rad ? (isotope ? "4" : brachy ? "2" : "1") : "0");
    /* systemic */
    const char *chemo = t->chemo ? pick(g, "01:12 02:25 03:63")
                      : no_info ? "99" : died_early ? "85" : pick(g, "00:88 82:2 86:3 87:3 88:1 99:3");
    put(g, "rxSummChemo", chemo);
    put(g, "rxSummHormone", t->hormone ? "01" : no_info ? "99" : died_early ? "85" : pick(g, "00:96 87:2 99:2"));
    put(g, "rxSummBrm", t->brm ? "01" : no_info ? "99" : pick(g, "00:97 87:1 99:2"));
    put(g, "rxSummTransplntEndocr", t->transplant ? (t->g->k == K_MYELOMA ? pick(g, "20:70 11:30") : "12") : no_info ? "99" : "00");
    put(g, "rxSummOther", t->other ? "1" : no_info ? "9" : pick(g, "0:99 2:1"));
    put(g, "rxSummPalliativeProc", no_info ? "9" : t->stage == 'D' && rng_chance(&g->r, 0.12) ? pick(g, "2:40 3:30 5:30") : "0");
    bool systemic = t->chemo || t->hormone || t->brm || t->transplant;
    put(g, "rxSummSurgRadSeq", t->surg && rad ? (t->neoadjuvant && t->g->k != K_BREAST ? "2" : "3") : no_info ? "9" : "0");
    put(g, "rxSummSystemicSurSeq", t->surg && systemic ? (t->neoadjuvant ? pick(g, "2:70 4:30") : "3") : no_info ? "9" : "0");
    bool any = t->surg || rad || systemic || t->other;
    put(g, "rxSummTreatmentStatus", any ? "1" : no_info ? "9" : t->surveillance ? "2" : "0");
    if (year >= 2018 && t->analytic)
        put(g, "neoadjuvantTherapy", t->neoadjuvant ? pick(g, "1:85 2:15") : "0");
    if (year >= 2021 && t->analytic)
        put(g, "neoadjuvTherapyClinicalResponse", t->neoadjuvant ? pick(g, "1:20 2:50 4:15 6:15") : "0");
    /* hospital-level treatment: what the reporting facility gave */
    if (here) {
        put(g, "rxHospRadiation", rad && rng_chance(&g->r, 0.7) ? "1" : "0");
        put(g, "rxHospChemo", t->chemo ? chemo : "00");
    }
    /* dates */
    if (t->surg) {
        put_date(g, "rxDateSurgery", t->surg_date);
        put_date(g, "rxDateMostDefinSurg", t->surg_date);
        put_date(g, "rxDateSurgicalDisch", t->disch_date);
    }
    if (rad) {
        put_date(g, "rxDateRadiation", t->rad_start);
        put_date(g, "rxDateRadiationEnded", t->rad_end);
    }
    if (t->chemo)
        put_date(g, "rxDateChemo", t->chemo_date);
    if (t->hormone)
        put_date(g, "rxDateHormone", t->hormone_date);
    if (t->brm)
        put_date(g, "rxDateBrm", t->brm_date);
    if (t->other)
        put_date(g, "rxDateOther", t->other_date);
    int sys = 0;
    int sysd[] = {t->chemo_date, t->hormone_date, t->brm_date, t->transplant_date};
    for (int i = 0; i < 4; i++)
        if (sysd[i] && (!sys || sysd[i] < sys))
            sys = sysd[i];
    if (sys)
        put_date(g, "rxDateSystemic", sys);
    int first = 0;
    int all[] = {t->surg_date, t->rad_start, sys, t->other_date};
    for (int i = 0; i < 4; i++)
        if (all[i] && (!first || all[i] < first))
            first = all[i];
    if (first) {
        put_date(g, "dateInitialRxSeer", first);
        put_date(g, "date1stCrsRxCoc", first);
    } else if (t->decided_date) {
        put_date(g, "date1stCrsRxCoc", t->decided_date);
    }
}

/* ---- the record ------------------------------------------------------------ */

static char *fake_surname(gen *g, char *buf, size_t n)
{
    snprintf(buf, n, "%s%s", PICK_ARRAY(g, SYLL1), PICK_ARRAY(g, SYLL2));
    return buf;
}

typedef struct {
    int sex;          /* 1 male, 2 female */
    int birth;
    int death;        /* 0 when alive on AS_OF */
    int cause;        /* tumor index that caused death, -1 other cause */
    int dlc;
    const char *race1;
    const char *hispanic;
    const char *fu_state; /* "current", "due", "lost", "dead" */
} person;

static void make_patient(gen *g, long ordinal)
{
    crtk_record *rec = g->rec;
    crtk_record_clear(rec);
    rec->ordinal = ordinal;
    g->tum = NULL;
    rng *r = &g->r;

    tumor t[4];
    memset(t, 0, sizeof t);
    int n = atoi(pick(g, "1:835 2:145 3:17 4:3"));
    bool dco = rng_chance(r, 0.012);
    if (dco)
        n = 1;
    person p = {0};
    t[0].g = pick_group(g, 0);
    p.sex = rng_chance(r, t[0].g->male) ? 1 : 2;
    /* age and dates */
    t[0].dx = pick_dx_date(g);
    for (int attempt = 0;; attempt++) {
        double a = t[0].g->age_mean + t[0].g->age_sd * rng_normal(r);
        if (a < 12)
            a = 12 + rng_unit(r) * 10;
        if (a > 99)
            a = 99;
        p.birth = t[0].dx - (int)(a * 365.25) - rng_int(r, 0, 364);
        int by = year_of(p.birth);
        if ((by >= 1920 && by <= 2005) || attempt > 30) {
            if (by < 1920)
                p.birth = days_from_civil(1920, 1, 1) + rng_int(r, 0, 364);
            if (by > 2005)
                p.birth = days_from_civil(2005, 1, 1) + rng_int(r, 0, 364);
            break;
        }
    }
    int first_day = days_from_civil(FIRST_DX_YEAR, 1, 1), last_day = days_from_civil(LAST_DX_YEAR, 12, 31);
    for (int i = 1; i < n; i++) {
        const site_group *sg = NULL;
        for (int tries = 0; tries < 20; tries++) {
            sg = pick_group(g, p.sex);
            bool dup = false;
            for (int k = 0; k < i; k++)
                if (t[k].g == sg && sg->k != K_BREAST && sg->k != K_MELANOMA && sg->k != K_COLON && sg->k != K_BLADDER)
                    dup = true;
            if (!dup)
                break;
        }
        t[i].g = sg;
        if (rng_chance(r, 0.15))
            t[i].dx = t[0].dx + rng_int(r, 0, 60);
        else
            t[i].dx = rng_int(r, first_day, last_day);
        if (t[i].dx > last_day)
            t[i].dx = last_day;
        if (t[i].dx <= p.birth)
            t[i].dx = t[0].dx;
    }
    /* tumors in diagnosis order */
    for (int i = 1; i < n; i++)
        for (int k = i; k > 0 && t[k].dx < t[k - 1].dx; k--) {
            tumor tmp = t[k];
            t[k] = t[k - 1];
            t[k - 1] = tmp;
        }
    for (int i = 0; i < n; i++) {
        tumor *x = &t[i];
        g_strlcpy(x->site, pick(g, x->g->sites), sizeof x->site);
        x->hb = pick_histology(g, x->g, x->site);
        x->dco = dco;
        if (dco) { /* a death certificate rarely says more than "cancer of this site" */
            const sitehist *nos = g_hash_table_lookup(g->by_code, "8000/3");
            if (nos && sitehist_valid_at(nos, x->site) && !is_heme(x) && !is_lymphoma(x))
                x->hb = nos;
        }
        x->age = age_at(p.birth, x->dx);
        x->stage = pick_stage(g, x);
        x->ss = ss_code(g, x)[0];
    }
    /* death */
    p.cause = -1;
    int last_dx = t[n - 1].dx;
    double best = 1e18;
    for (int i = 0; i < n; i++) {
        double d = t[i].dx + rng_exp(r, cancer_hazard(&t[i])) * 365.25;
        if (d < best)
            best = d, p.cause = i;
    }
    int age0 = t[0].age;
    double bg_rate = 5.2e-5 * exp(0.085 * age0);
    double bg = t[0].dx + rng_exp(r, bg_rate) * 365.25;
    if (bg < best)
        best = bg, p.cause = -1;
    if (best < last_dx)
        best = last_dx + rng_exp(r, cancer_hazard(&t[n - 1])) * 365.25, p.cause = n - 1;
    if (dco)
        best = t[0].dx, p.cause = 0;
    p.death = best <= AS_OF - 1 ? (int)best : 0;
    if (p.death && p.death < last_dx)
        p.death = last_dx;
    /* class of case and treatment */
    for (int i = 0; i < n; i++) {
        tumor *x = &t[i];
        x->class_of_case = dco ? "49" : pick(g, "14:30 13:10 10:8 12:3 11:2 21:8 22:10 20:5 00:10 43:4 "
                                                "30:2 31:0.5 32:1 33:1 38:0.2 41:1 42:2 99:0.3");
        x->analytic = !strcmp(x->class_of_case, "00") || (x->class_of_case[0] >= '1' && x->class_of_case[0] <= '2');
        plan_treatment(g, x, p.death);
    }
    /* follow-up */
    int last_event = 0;
    for (int i = 0; i < n; i++)
        if (t[i].last_event > last_event)
            last_event = t[i].last_event;
    if (p.death) {
        p.dlc = p.death;
        p.fu_state = "dead";
    } else {
        bool analytic = false;
        for (int i = 0; i < n; i++)
            analytic = analytic || t[i].analytic;
        p.fu_state = pick(g, analytic ? "current:78 due:8 lost:14" : "current:45 due:10 lost:45");
        int due_lo = AS_OF - 456, due_hi = AS_OF - 366, cur_lo = AS_OF - 365;
        if (!strcmp(p.fu_state, "lost") && last_event <= due_lo - 1)
            p.dlc = rng_int(r, last_event, due_lo - 1);
        else if (!strcmp(p.fu_state, "lost") || (!strcmp(p.fu_state, "due") && last_event > due_hi))
            p.fu_state = "current";
        if (!strcmp(p.fu_state, "due"))
            p.dlc = rng_int(r, last_event > due_lo ? last_event : due_lo, due_hi);
        if (!strcmp(p.fu_state, "current"))
            p.dlc = rng_int(r, last_event > cur_lo ? last_event : cur_lo, AS_OF - 1);
    }
    if (p.dlc < last_event)
        p.dlc = last_event;

    /* ---- patient items ---- */
    char b[64];
    putf(g, "patientIdNumber", "%08ld", ordinal);
    if (crtk_dictionary_find(g->dict, "sexAssignedAtBirth"))
        putf(g, "sexAssignedAtBirth", "%d", p.sex);
    else
        putf(g, "sex", "%d", p.sex);
    put_date(g, "dateOfBirth", p.birth);
    p.race1 = pick(g, "01:55 02:31 04:1.5 06:1 08:1 16:1.5 10:0.7 96:1 03:0.4 97:0.1 98:1 99:2");
    put(g, "race1", p.race1);
    bool unk = !strcmp(p.race1, "99");
    bool multi = !unk && rng_chance(r, 0.02);
    put(g, "race2", unk ? "99" : multi ? (strcmp(p.race1, "01") ? "01" : "02") : "88");
    put(g, "race3", unk ? "99" : "88");
    put(g, "race4", unk ? "99" : "88");
    put(g, "race5", unk ? "99" : "88");
    p.hispanic = pick(g, "0:89 1:2 2:1 4:3 5:1 6:1 8:1 9:2");
    put(g, "spanishHispanicOrigin", p.hispanic);
    put(g, "nhiaDerivedHispOrigin", p.hispanic[0] == '9' ? "0" : p.hispanic);
    put(g, "computedEthnicity", p.hispanic[0] == '0' || p.hispanic[0] == '9' ? pick(g, "1:60 2:30 3:10") : pick(g, "4:40 5:40 6:20"));
    put(g, "computedEthnicitySource", "6");
    if (strcmp(p.race1, "01") && strcmp(p.race1, "02") && strcmp(p.race1, "03") && strcmp(p.race1, "98") && !unk)
        put(g, "raceNapiia", p.race1);
    else
        put(g, "raceNapiia", "88");
    put(g, "ihsLink", "0");
    bool born_us = rng_chance(r, 0.88);
    put(g, "birthplaceState", born_us ? (rng_chance(r, 0.6) ? "MD" : pick(g, "PA:3 NY:3 VA:2 DC:1 NJ:1 OH:1 NC:1 FL:1 CA:1")) : "XX");
    put(g, "birthplaceCountry", born_us ? "USA" : pick(g, "MEX:20 SLV:15 IND:15 CHN:10 NGA:10 KOR:10 PHL:10 DEU:10"));
    /* residence */
    double pw = 0;
    bool home = rng_chance(r, 0.97);
    const place *list = home ? HOME : AWAY;
    int n_list = home ? (int)(sizeof HOME / sizeof HOME[0]) : (int)(sizeof AWAY / sizeof AWAY[0]);
    for (int i = 0; i < n_list; i++)
        pw += list[i].weight;
    double x = rng_unit(r) * pw;
    g->pl = &list[n_list - 1];
    for (int i = 0; i < n_list; i++) {
        if (x < list[i].weight) {
            g->pl = &list[i];
            break;
        }
        x -= list[i].weight;
    }
    put(g, "addrCurrentCity", g->pl->city);
    put(g, "addrCurrentState", g->pl->state);
    putf(g, "addrCurrentPostalCode", "%s%04d", g->pl->zip, rng_int(r, 1, 9999));
    put(g, "addrCurrentCountry", "USA");
    put(g, "countyCurrent", g->pl->county);
    /* vital status and death */
    put_date(g, "dateOfLastContact", p.dlc);
    put(g, "vitalStatus", p.death ? "0" : "1");
    put(g, "vitalStatusRecode", p.death && p.death <= STUDY_CUTOFF ? "0" : "1");
    if (p.death) {
        const char *cod;
        if (p.cause < 0)
            cod = pick(g, "I251:20 I219:8 J449:12 I639:8 G309:8 E119:6 N189:5 J189:6 I509:7 F039:6 K746:3 7777:5 7797:6");
        else {
            const tumor *ct = &t[p.cause];
            int h = hist_num(ct);
            if (ct->g->k == K_NHL)
                cod = h == 9680 ? "C833" : h == 9690 ? "C829" : h == 9823 ? "C911" : "C859";
            else if (ct->g->k == K_HODGKIN)
                cod = "C819";
            else if (ct->g->k == K_LEUKEMIA)
                cod = h == 9823 ? "C911" : h == 9861 ? "C920" : h == 9863 || h == 9875 ? "C921" : "C959";
            else if (ct->g->k == K_MYELOMA)
                cod = "C900";
            else if (ct->g->k == K_MPN)
                cod = "D469";
            else if (ct->g->k == K_MELANOMA)
                cod = "C439";
            else if (ct->g->k == K_CNS_BENIGN)
                cod = "D320";
            else if (ct->g->k == K_UNKNOWN)
                cod = "C809";
            else if (ct->g->k == K_PROSTATE)
                cod = "C61";
            else
                cod = ct->site;
        }
        put(g, "causeOfDeath", cod);
        put(g, "icdRevisionNumber", "1");
        put_pick(g, "autopsy", "2:85 1:3 9:12");
        bool at_home_state = rng_chance(r, 0.93);
        put(g, "placeOfDeathState", at_home_state ? g->pl->state : pick(g, "PA:30 VA:30 DE:20 FL:20"));
        put(g, "placeOfDeathCountry", "USA");
    } else {
        put(g, "causeOfDeath", "0000");
        put(g, "icdRevisionNumber", "0");
        put(g, "autopsy", "0");
    }
    put(g, "noPatientContactFlag", rng_chance(r, 0.03) ? "1" : "0");
    /* names, street address and contact numbers: confidential record types only */
    if (g->record_type & (CRTK_RT_A | CRTK_RT_M | CRTK_RT_C)) {
        char sur[48];
        put(g, "nameLast", fake_surname(g, sur, sizeof sur));
        put(g, "nameFirst", p.sex == 1 ? PICK_ARRAY(g, FIRST_M) : PICK_ARRAY(g, FIRST_F));
        if (rng_chance(r, 0.7))
            put(g, "nameMiddle", p.sex == 1 ? PICK_ARRAY(g, FIRST_M) : PICK_ARRAY(g, FIRST_F));
        if (p.sex == 2 && rng_chance(r, 0.6))
            put(g, "nameBirthSurname", fake_surname(g, sur, sizeof sur));
        if (p.sex == 1 && rng_chance(r, 0.04))
            put(g, "nameSuffix", pick(g, "JR:70 SR:20 III:10"));
        snprintf(b, sizeof b, "%d %s %s", rng_int(r, 1, 9899), PICK_ARRAY(g, STREET), PICK_ARRAY(g, STREET_TYPE));
        put(g, "addrCurrentNoStreet", b);
        putf(g, "telephone", "%s55501%02d", pick(g, "410:40 301:35 443:15 240:10"), rng_int(r, 0, 99));
        putf(g, "socialSecurityNumber", "666%06d", rng_int(r, 0, 999999));
    }

    /* ---- tumor items ---- */
    int n_malignant = 0, n_benign = 0;
    for (int i = 0; i < n; i++) {
        if (t[i].hb->beh == '2' || t[i].hb->beh == '3')
            n_malignant++;
        else
            n_benign++;
    }
    int i_mal = 0, i_ben = 0;
    for (int i = 0; i < n; i++) {
        tumor *tu = &t[i];
        g->tum = crtk_record_add_tumor(rec);
        int year = year_of(tu->dx);
        putf(g, "tumorRecordNumber", "%02d", i + 1);
        char seq[12];
        if (tu->hb->beh == '2' || tu->hb->beh == '3')
            snprintf(seq, sizeof seq, "%02d", n_malignant == 1 ? 0 : ++i_mal);
        else
            snprintf(seq, sizeof seq, "%02d", n_benign == 1 ? 60 : 60 + ++i_ben);
        put(g, "sequenceNumberCentral", seq);
        put(g, "sequenceNumberHospital", seq);
        /* reporting */
        int first_contact = tu->dx + (tu->class_of_case[0] == '2' ? rng_int(r, 10, 60) : rng_int(r, 0, 20));
        if (first_contact > p.dlc)
            first_contact = p.dlc;
        if (first_contact < tu->dx)
            first_contact = tu->dx;
        if (tu->dco)
            first_contact = p.death;
        int fc_year = year_of(first_contact);
        long acc = ++g->accession[fc_year - 1900];
        putf(g, "accessionNumberHosp", "%04d%05ld", fc_year, acc % 100000);
        putf(g, "patientSystemIdHosp", "%08ld", (ordinal * 7919) % 100000000);
        put(g, "reportingFacility", tu->dco ? "0000999999" : PICK_ARRAY(g, FACILITIES));
        put(g, "abstractedBy", pick(g, "AB1:20 CD2:20 EF3:20 GH4:20 IJ5:20"));
        put(g, "classOfCase", tu->class_of_case);
        const char *trs = tu->dco ? "7" : !strcmp(tu->class_of_case, "43") ? "3" : !strcmp(tu->class_of_case, "38") ? "6"
                        : tu->class_of_case[0] == '4' ? "4" : pick(g, "1:72 2:10 8:18");
        put(g, "typeOfReportingSource", trs);
        put(g, "casefindingSource", tu->dco ? "80" : trs[0] == '3' ? "50" : pick(g, "20:55 21:10 22:5 23:5 25:5 26:5 29:5 30:5 85:5"));
        put(g, "cocAccreditedFlag", tu->dco ? "" : tu->analytic ? pick(g, "1:70 0:30") : pick(g, "2:60 0:40"));
        put(g, "siteCodingSysCurrent", "5");
        put_alt(g, "morphCodingSysCurrent", year >= 2024 ? "E" : year >= 2023 ? "D" : year >= 2022 ? "C" : year >= 2021 ? "B" : "A", "8");
        put(g, "cocCodingSysCurrent", year >= 2018 ? "09" : "08");
        put(g, "rxCodingSystemCurrent", year >= 2018 ? "08" : "06");
        put_date(g, "dateOf1stContact", first_contact);
        int initiated = first_contact + rng_int(r, 5, 120);
        int completed = initiated + rng_int(r, 1, 60);
        int received = completed + rng_int(r, 1, 90);
        if (received > AS_OF - 1)
            received = AS_OF - 1;
        if (completed > received)
            completed = received;
        if (initiated > completed)
            initiated = completed;
        put_date(g, "dateCaseInitiated", initiated);
        put_date(g, "dateCaseCompleted", completed);
        int last_changed = received + rng_int(r, 0, 200);
        if (last_changed > AS_OF - 1)
            last_changed = AS_OF - 1;
        put_date(g, "dateCaseLastChanged", last_changed);
        put_date(g, "dateCaseReportReceived", received);
        put_date(g, "dateTumorRecordAvailbl", received + (received < AS_OF - 10 ? 7 : 0));
        /* address at diagnosis */
        put(g, "addrAtDxCity", g->pl->city);
        put(g, "addrAtDxState", g->pl->state);
        putf(g, "addrAtDxPostalCode", "%s%04d", g->pl->zip, rng_int(r, 1, 9999));
        put(g, "addrAtDxCountry", "USA");
        put(g, "countyAtDx", g->pl->county);
        put(g, "countyAtDxAnalysis", g->pl->county);
        bool geocoded = rng_chance(r, 0.93);
        int tract = rng_int(r, 1, 8000);
        const char *suffix = pick(g, "00:70 01:10 02:10 03:5 04:5");
        if (geocoded) {
            putf(g, "censusTract2020", "%04d%s", tract, suffix);
            put(g, "censusTractCertainty2020", pick(g, "1:90 2:5 4:5"));
            put(g, "censusTrPovertyIndictr", pick(g, "1:25 2:30 3:30 4:15"));
            put_pick(g, "ruralurbanContinuum2013", "01:60 02:15 03:10 04:5 06:6 08:4");
            put(g, g->has_2020_geo ? "ruca2020" : "ruca2010", pick(g, "1:85 2:15"));
            put(g, g->has_2020_geo ? "uric2020" : "uric2010", pick(g, "1:40 2:35 3:15 4:10"));
            put(g, "gisCoordinateQuality", pick(g, "02:60 03:20 04:5 06:10 09:5"));
            put(g, "geocodingQualityCode", "M");
        } else {
            put(g, "censusTract2020", "999999");
            put(g, "censusTractCertainty2020", "9");
            put(g, "censusTrPovertyIndictr", "9");
            put(g, "ruralurbanContinuum2013", "99");
            put(g, g->has_2020_geo ? "ruca2020" : "ruca2010", "D");
            put(g, g->has_2020_geo ? "uric2020" : "uric2010", "D");
            put(g, "gisCoordinateQuality", "99");
            put(g, "geocodingQualityCode", "F");
        }
        /* demographics at diagnosis */
        putf(g, "ageAtDiagnosis", "%03d", tu->age);
        put(g, "maritalStatusAtDx", tu->age < 25 ? pick(g, "1:90 9:10") : tu->age > 75 ? pick(g, "2:40 5:40 4:8 1:5 9:7")
                                                 : pick(g, "2:55 1:15 4:14 3:2 5:5 6:3 9:6"));
        put(g, "primaryPayerAtDx", tu->age >= 65 ? pick(g, "60:25 61:15 62:25 63:15 64:8 67:4 99:8")
                                                 : pick(g, "20:45 21:10 10:10 31:8 35:8 02:4 01:2 66:3 65:2 99:8"));
        if (tu->age >= 14) {
            const occupation *o = &PICK_ARRAY(g, OCCUPATIONS);
            bool retired = tu->age >= 66 && rng_chance(r, 0.5);
            char occ[64];
            snprintf(occ, sizeof occ, "%s%s", retired ? "RETIRED " : "", o->text);
            put(g, "textUsualOccupation", occ);
            put(g, "censusOccCode2010", o->occ_code);
            put(g, "censusIndCode2010", o->ind_code);
            put(g, "occupationSource", pick(g, "1:85 2:10 0:5"));
            put(g, "industrySource", pick(g, "1:80 2:10 0:10"));
        }
        put(g, "tobaccoUseSmokingStatus", tu->g->k == K_LUNG || tu->g->k == K_LARYNX || tu->g->k == K_BLADDER
                                              ? pick(g, "1:40 2:45 0:8 9:7") : pick(g, "0:50 1:12 2:25 3:3 9:10"));
        /* diagnosis */
        put(g, "primarySite", tu->site);
        char lat = '0';
        if (is_paired(tu->site)) {
            if (!strcmp(tu->site, "C342"))
                lat = '1';
            else if (tu->g->k == K_OVARY)
                lat = pick(g, "1:40 2:40 4:15 9:5")[0];
            else
                lat = pick(g, "1:49 2:49 9:2")[0];
        }
        putf(g, "laterality", "%c", lat);
        put(g, "histologicTypeIcdO3", tu->hb->hist);
        putf(g, "behaviorCodeIcdO3", "%c", tu->hb->beh);
        put(g, "diagnosticConfirmation", tu->dco ? "9" : is_heme(tu) ? pick(g, "1:40 3:45 2:10 5:5")
                                        : is_lymphoma(tu) ? pick(g, "3:70 1:30")
                                        : tu->g->k == K_CNS_BENIGN ? pick(g, "1:55 7:45")
                                        : pick(g, "1:90 2:4 4:1 5:1 6:1 7:2 8:1"));
        const char *amb = tu->dco ? "9" : pick(g, "0:96 1:1 2:2 9:1");
        put(g, "ambiguousTerminologyDx", amb);
        if (amb[0] == '2') {
            int conclusive = tu->dx + rng_int(r, 14, 90);
            put_date(g, "dateConclusiveDx", conclusive > p.dlc ? p.dlc : conclusive);
        }
        const char *mult = tu->dco ? "99" : pick(g, "00:90 40:5 30:3 99:2");
        put(g, "multTumRptAsOnePrim", mult);
        if (!strcmp(mult, "40") || !strcmp(mult, "30"))
            put_date(g, "dateOfMultTumors", tu->dx);
        put(g, "multiplicityCounter", !strcmp(mult, "00") ? "01" : !strcmp(mult, "99") ? "99" : pick(g, "02:70 03:20 04:10"));
        put_date(g, "dateOfDiagnosis", tu->dx);
        /* stage */
        if (year >= 2018) {
            put_stage_2018(g, tu, year);
            if (!tu->dco)
                put_ssdi(g, tu);
        } else if (year >= 2016) {
            put_stage_2016(g, tu);
        } else {
            put_stage_cs(g, tu);
        }
        if (year >= 2016) {
            put_sizes(g, tu);
            put_mets(g, tu);
        }
        put_nodes(g, tu);
        /* treatment */
        put_treatment(g, tu, p.death);
        /* follow-up */
        bool died_of_this = p.death && p.cause == i;
        const char *status = died_of_this ? "2" : tu->stage == 'D' ? pick(g, "2:75 1:10 9:15")
                           : tu->stage == 'U' ? pick(g, "1:40 2:20 9:40") : pick(g, "1:88 2:5 9:7");
        put(g, "cancerStatus", status);
        put_date(g, "dateOfLastCancerStatus", p.dlc);
        put(g, "followUpSource", p.death ? pick(g, "7:60 2:15 1:15 8:10") : pick(g, "1:30 2:40 0:10 3:5 5:5 8:5 9:5"));
        put(g, "nextFollowUpSource", p.death || !tu->analytic ? "9" : pick(g, "0:45 1:30 2:10 3:10 4:5"));
        put(g, "followUpSourceCentral", p.death ? pick(g, "05:60 04:20 07:10 64:10")
                                                : pick(g, "30:30 32:30 01:10 08:10 40:5 03:5 11:3 99:7"));
        const char *recur;
        if (tu->dco)
            recur = "99";
        else if (tu->stage == 'I' && status[0] == '2')
            recur = pick(g, "06:40 16:40 46:20");
        else if (tu->stage == 'D' || status[0] == '2')
            recur = status[0] == '2' && tu->stage != 'D' && rng_chance(r, 0.6) ? pick(g, "10:20 20:20 40:20 52:15 54:15 62:10") : "70";
        else if (status[0] == '9')
            recur = "99";
        else
            recur = "00";
        put(g, "recurrenceType1st", recur);
        if (strcmp(recur, "00") && strcmp(recur, "70") && strcmp(recur, "99") && p.dlc - tu->dx > 200)
            put_date(g, "recurrenceDate1st", rng_int(r, tu->dx + 180, p.dlc));
        /* survival (SEER algorithm outputs) */
        put_date(g, "survDateActiveFollowup", p.dlc);
        putf(g, "survMosActiveFollowup", "%04d", months_between(tu->dx, p.dlc));
        put(g, "survFlagActiveFollowup", tu->dco ? "8" : p.dlc > tu->dx ? "1" : "0");
        /* SEER cause-specific death classification: for the first malignant tumor only */
        bool first_tumor = !strcmp(seq, "00") || !strcmp(seq, "01");
        put(g, "seerCauseSpecificCod", !p.death ? "0" : !first_tumor ? "9" : died_of_this ? "1" : "0");
        put(g, "seerOtherCod", !p.death ? "0" : !first_tumor ? "9" : p.cause < 0 ? "1" : "0");
        /* confidential text and numbers */
        if (g->record_type & (CRTK_RT_A | CRTK_RT_M | CRTK_RT_C)) {
            putf(g, "medicalRecordNumber", "MRN%08ld", (ordinal * 31 + i) % 100000000);
            put(g, "physicianManaging", pick(g, "10000001:20 10000002:20 10000003:20 10000004:20 10000005:20"));
            put(g, "physicianFollowUp", pick(g, "10000001:20 10000002:20 10000003:20 10000004:20 10000005:20"));
            if (tu->surg)
                put(g, "physicianPrimarySurg", pick(g, "20000001:30 20000002:30 20000003:40"));
            char *site_title = g_ascii_strup(tu->g->name, -1);
            put(g, "textPrimarySiteTitle", site_title);
            g_free(site_title);
            char *hist_title = g_ascii_strup(tu->hb->label, -1);
            if (strlen(hist_title) > 100)
                hist_title[100] = 0;
            put(g, "textHistologyTitle", hist_title);
            char text[512];
            char *group = g_ascii_strup(tu->g->name, -1);
            if (tu->dco)
                snprintf(text, sizeof text, "%d YO %s. DEATH CERTIFICATE ONLY: %s. SYNTHETIC RECORD - NOT A REAL PERSON.",
                         tu->age, p.sex == 1 ? "MALE" : "FEMALE", group);
            else
                snprintf(text, sizeof text, "%d YO %s PRESENTED FOR WORKUP OF %s. SYNTHETIC RECORD - NOT A REAL PERSON.",
                         tu->age, p.sex == 1 ? "MALE" : "FEMALE", group);
            g_free(group);
            put(g, "textDxProcPe", text);
            if (!tu->dco && tu->stage != 'U') {
                snprintf(text, sizeof text, "%s: %s.", tu->surg ? "RESECTION" : "BIOPSY", hist_title);
                put(g, "textDxProcPath", text);
            }
            g_free(hist_title);
            snprintf(text, sizeof text, "STAGE AT DX: %s.", tu->stage == 'I' ? "IN SITU" : tu->stage == 'L' ? "LOCALIZED"
                                                        : tu->stage == 'R' ? "REGIONAL" : tu->stage == 'D' ? "DISTANT"
                                                        : tu->stage == 'B' ? "BENIGN/BORDERLINE" : "UNKNOWN");
            put(g, "textStaging", text);
        }
    }
    g->tum = NULL;
}

/* Re-checks a finished record: every item at its level, allowed for the record type, valid. */
static void audit_record(gen *g)
{
    crtk_record *rec = g->rec;
    for (int e = -1; e < rec->n_tumors; e++) {
        const crtk_element *el = e < 0 ? &rec->patient : &rec->tumors[e];
        crtk_level want = e < 0 ? CRTK_LEVEL_PATIENT : CRTK_LEVEL_TUMOR;
        for (int k = 0; k < el->n_set; k++) {
            const crtk_item *it = crtk_dictionary_item(g->dict, el->set[k]);
            size_t len;
            const char *v = crtk_element_get(el, it->index, &len);
            if (!v)
                continue;
            if (it->level != want)
                die("check: %s is a %s item but was set on a %s", it->id, crtk_level_name(it->level), crtk_level_name(want));
            if (!(it->record_types & g->record_type))
                die("check: %s is not allowed in record type %c", it->id, crtk_record_type_letter(g->record_type));
            crtk_problem_code code;
            const char *msg = crtk_item_check_value(it, v, len, &code);
            if (msg)
                die("check: %s = \"%s\": %s", it->id, v, msg);
            if (e < 0)
                g->items_patient++;
            else
                g->items_tumor++;
        }
    }
}

static void count_items(gen *g)
{
    crtk_record *rec = g->rec;
    g->items_patient += rec->patient.n_set;
    for (int e = 0; e < rec->n_tumors; e++)
        g->items_tumor += rec->tumors[e].n_set;
}

static int cmp_str(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int main(int argc, char **argv)
{
    gint64 seed = 1;
    gint patients = 1000;
    char *version_text = NULL, *record_type_text = NULL, *output = NULL, *format_text = NULL;
    gboolean check = FALSE, quiet = FALSE;
    GOptionEntry entries[] = {
        {"seed", 0, 0, G_OPTION_ARG_INT64, &seed, "random seed (default 1)", "N"},
        {"patients", 0, 0, G_OPTION_ARG_INT, &patients, "number of patients (default 1000)", "N"},
        {"naaccr-version", 0, 0, G_OPTION_ARG_STRING, &version_text, "NAACCR version, 140-260 (default 250)", "V"},
        {"record-type", 0, 0, G_OPTION_ARG_STRING, &record_type_text, "A, M, C or I (default I)", "T"},
        {"format", 0, 0, G_OPTION_ARG_STRING, &format_text, "xml (default), csv or flat (flat: versions 140-180)", "FMT"},
        {"output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "output file (a name ending .gz is compressed)", "FILE"},
        {"check", 0, 0, G_OPTION_ARG_NONE, &check, "check every value against the dictionary; abort on the first failure", NULL},
        {"quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "print no summary", NULL},
        {NULL}};
    GOptionContext *ctx = g_option_context_new("- write synthetic NAACCR records (made-up patients)");
    g_option_context_add_main_entries(ctx, entries, NULL);
    g_option_context_set_description(ctx,
        "Every patient is made up.  The same options give the same records.\n"
        "Names and street addresses appear only in record types A, M and C.");
    GError *err = NULL;
    if (!g_option_context_parse(ctx, &argc, &argv, &err)) {
        fprintf(stderr, "crtk-generate: %s\n", err->message);
        return 2;
    }
    g_option_context_free(ctx);
    if (!output || argc > 1) {
        fprintf(stderr, "crtk-generate: name the output file with -o FILE (see --help)\n");
        return 2;
    }
    if (patients < 0) {
        fprintf(stderr, "crtk-generate: --patients must be 0 or more\n");
        return 2;
    }
    int version = version_text ? crtk_naaccr_version_parse(version_text) : 250;
    if (!version) {
        fprintf(stderr, "crtk-generate: unknown NAACCR version %s\n", version_text);
        return 2;
    }
    unsigned rt = record_type_text ? crtk_record_type_parse(record_type_text) : CRTK_RT_I;
    if (!rt) {
        fprintf(stderr, "crtk-generate: --record-type must be A, M, C or I\n");
        return 2;
    }
    crtk_format format = format_text ? crtk_format_parse(format_text) : CRTK_FORMAT_XML;
    if (format == CRTK_FORMAT_UNKNOWN) {
        fprintf(stderr, "crtk-generate: --format must be xml, csv or flat\n");
        return 2;
    }
    AS_OF = days_from_civil(2026, 6, 30);
    STUDY_CUTOFF = days_from_civil(2025, 12, 31);

    gen g = {0};
    g.r.s = (uint64_t)seed;
    g.version = version;
    g.record_type = rt;
    g.check = check;
    g.choices = g_hash_table_new(g_direct_hash, g_direct_equal);
    g.missing = g_hash_table_new(g_str_hash, g_str_equal);
    g.dict = crtk_dictionary_new(version, &err);
    if (!g.dict) {
        fprintf(stderr, "crtk-generate: %s\n", err->message);
        return 2;
    }
    g.has_2020_geo = crtk_dictionary_find(g.dict, "ruca2020") != NULL;
    load_site_histology(&g);
    verify_groups(&g);

    crtk_header *h = crtk_header_new(g.dict, rt);
    const crtk_item *it;
    char vbuf[8];
    snprintf(vbuf, sizeof vbuf, "%d", version);
    if ((it = crtk_dictionary_find(g.dict, "naaccrRecordVersion")))
        crtk_element_set_str(&h->root, it->index, vbuf);
    if ((it = crtk_dictionary_find(g.dict, "registryId")))
        crtk_element_set_str(&h->root, it->index, "0000099001");
    if ((it = crtk_dictionary_find(g.dict, "registryType")))
        crtk_element_set_str(&h->root, it->index, rt == CRTK_RT_A ? "3" : "1");
    if ((it = crtk_dictionary_find(g.dict, "recordType")) && it->level == CRTK_LEVEL_ROOT) {
        char letter[2] = {crtk_record_type_letter(rt), 0};
        crtk_element_set_str(&h->root, it->index, letter);
    }
    if (check)
        for (int i = 0; i < h->root.n_set; i++) {
            const crtk_item *ri = crtk_dictionary_item(g.dict, h->root.set[i]);
            size_t len;
            const char *v = crtk_element_get(&h->root, ri->index, &len);
            crtk_problem_code code;
            const char *msg = crtk_item_check_value(ri, v, len, &code);
            if (msg || ri->level != CRTK_LEVEL_ROOT)
                die("check: header item %s = \"%s\": %s", ri->id, v, msg ? msg : "not a NaaccrData item");
        }
    crtk_write_options o;
    crtk_write_options_init(&o);
    o.record_type = rt;
    o.format = format;
    crtk_writer *w = crtk_writer_open(output, g.dict, h, &o, &err);
    if (!w) {
        fprintf(stderr, "crtk-generate: %s\n", err->message);
        return 2;
    }
    the_writer = w;
    g.rec = crtk_record_new(g.dict);
    gint64 t0 = g_get_monotonic_time();
    for (long i = 1; i <= patients; i++) {
        make_patient(&g, i);
        if (check)
            audit_record(&g);
        else
            count_items(&g);
        g.tumors_written += g.rec->n_tumors;
        if (!crtk_writer_write(w, g.rec, &err)) {
            die("%s", err->message);
        }
    }
    the_writer = NULL;
    if (!crtk_writer_close(w, &err)) {
        fprintf(stderr, "crtk-generate: %s\n", err->message);
        return 2;
    }
    double secs = (double)(g_get_monotonic_time() - t0) / 1e6;
    if (check && g_hash_table_size(g.missing)) {
        GPtrArray *ids = g_ptr_array_new();
        GHashTableIter iter;
        gpointer key;
        g_hash_table_iter_init(&iter, g.missing);
        while (g_hash_table_iter_next(&iter, &key, NULL))
            g_ptr_array_add(ids, key);
        g_ptr_array_sort(ids, cmp_str);
        fprintf(stderr, "crtk-generate: %u items not in the NAACCR %d dictionary were left out:", ids->len, version);
        for (guint i = 0; i < ids->len; i++)
            fprintf(stderr, " %s", (const char *)g_ptr_array_index(ids, i));
        fputc('\n', stderr);
        g_ptr_array_free(ids, TRUE);
    }
    if (!quiet)
        fprintf(stderr, "crtk-generate: %s: %d patients, %ld tumors (%.3f per patient), %.1f items per patient, "
                        "%.1f per tumor, NAACCR %d record type %c, seed %" G_GINT64_FORMAT ", %.1f s%s\n",
                output, patients, g.tumors_written, patients ? (double)g.tumors_written / patients : 0.0,
                patients ? (double)g.items_patient / patients : 0.0,
                g.tumors_written ? (double)g.items_tumor / g.tumors_written : 0.0, version,
                crtk_record_type_letter(rt), seed, secs, check ? ", all values checked" : "");
    crtk_record_free(g.rec);
    crtk_header_free(h);
    crtk_dictionary_unref(g.dict);
    g_free(version_text), g_free(record_type_text), g_free(output), g_free(format_text);
    return 0;
}
