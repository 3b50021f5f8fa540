/* followup_rates.c — the Commission on Cancer follow-up rates: classified patients (or tumors)
 * counted into the two cohorts, lines A-E per year of diagnosis, rate, target and pass. */
#include "followup.h"
#include "followup_private.h"
#include "date.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* ---- rates -------------------------------------------------------------------------------------- */

static void cohort_init(crtk_followup_cohort *c, const char *name, const char *title, int from, int to,
                        double target)
{
    memset(c, 0, sizeof *c);
    c->name = name;
    c->title = title;
    c->from = from;
    c->to = to;
    c->target = target;
    c->years = g_array_new(FALSE, TRUE, sizeof(crtk_followup_rate_line));
    for (int y = from / 10000; from <= to && y <= to / 10000; y++) {
        crtk_followup_rate_line l = {.year = y};
        g_array_append_val(c->years, l);
    }
}

void crtk_followup_rate_init(crtk_followup_rate *rate, const crtk_followup_rules *r, gboolean per_tumor)
{
    memset(rate, 0, sizeof *rate);
    rate->rules = *r;
    rate->per_tumor = per_tumor;
    /* [SEER worksheet] run twice: all eligible analytic patients "from the cancer registry
     * reference date" (target 80 %), and those "from the last five years or since reference
     * date, whichever is shorter" (90 %).  The first cohort starts at the later of the reference
     * date and followupRequiredSince (2005-01-01: [CoC 2021]); both end with the last complete
     * diagnosis year (as-of year - 1): the cases of the current year are not yet due. */
    int to = fu_ymd(r->last_dx_year, 12, 31);
    int from1 = MAX(r->reference_date, r->required_since);
    int from2 = MAX(from1, fu_ymd(r->last_dx_year - 4, 1, 1));
    cohort_init(&rate->cohort[0], "reference", "Since the reference date", from1, to, 80.0);
    cohort_init(&rate->cohort[1], "five-year", "Last five years (or since the reference date, if shorter)", from2, to,
                90.0);
}

void crtk_followup_rate_clear(crtk_followup_rate *rate)
{
    for (int k = 0; k < 2; k++)
        if (rate->cohort[k].years)
            g_array_free(rate->cohort[k].years, TRUE);
    memset(rate, 0, sizeof *rate);
}

/* Which line a patient falls on: 'B' dead or 100+, 'D' current, 'E' lost. */
static char rate_line(const crtk_followup_rules *r, const crtk_followup_patient *p)
{
    /* [SEER worksheet] B: "Number dead (or 100 years old or older)". */
    if (p->status == CRTK_FU_DEAD || p->age >= 100)
        return 'B';
    /* D: "current: known to be alive within the last 15 months"; E = C - D. */
    if (p->last_contact && r->as_of <= p->lost_after)
        return 'D';
    return 'E';
}

static void count(crtk_followup_rate_line *l, char line)
{
    l->a++;
    if (line == 'B')
        l->b++;
    else
        l->c++;
    if (line == 'D')
        l->d++;
    else if (line == 'E')
        l->e++;
}

void crtk_followup_rate_add(crtk_followup_rate *rate, const crtk_followup_patient *p)
{
    /* Only patients followed: the worksheet takes out benign/borderline, cervix in situ, skin,
     * foreign residents and non-analytic cases; a patient past 100 stays in (line B). */
    if (p->status == CRTK_FU_EXCLUDED && p->reason != CRTK_FU_AGE_OVER_100)
        return;
    char line = rate_line(&rate->rules, p);
    for (int k = 0; k < 2; k++) {
        crtk_followup_cohort *c = &rate->cohort[k];
        int first = -1;
        for (int i = 0; i < p->n_tumors; i++) {
            const crtk_followup_tumor *t = &p->tumors[i];
            if (t->reason != CRTK_FU_FOLLOWED || !t->dx_date || t->dx_date < c->from || t->dx_date > c->to)
                continue;
            if (rate->per_tumor) {
                count(&c->total, line);
                count(&g_array_index(c->years, crtk_followup_rate_line, t->dx_date / 10000 - c->from / 10000), line);
            } else if (first < 0 || t->dx_date < p->tumors[first].dx_date) {
                first = i;
            }
        }
        /* A patient is counted once, in the year of the first diagnosis in the cohort. */
        if (!rate->per_tumor && first >= 0) {
            count(&c->total, line);
            count(&g_array_index(c->years, crtk_followup_rate_line,
                                 p->tumors[first].dx_date / 10000 - c->from / 10000),
                  line);
        }
    }
}

static int rate_one(crtk_followup_patient *p, void *user)
{
    crtk_followup_rate_add(user, p);
    return CRTK_CONTINUE;
}

gboolean crtk_followup_rate_compute(crtk_store *s, crtk_followup_rate *rate, GError **error)
{
    return crtk_followup_scan(s, &rate->rules, CRTK_FU_SCAN_RATE, rate_one, rate, error);
}

double crtk_followup_rate_percent(const crtk_followup_rate_line *l)
{
    return l->a ? 100.0 * (double)(l->b + l->d) / (double)l->a : 0.0;
}

long crtk_followup_rate_tenths(const crtk_followup_rate_line *l)
{
    /* round half up, in integers: floor(1000 n / a + 1/2) = (2000 n + a) / 2a */
    return l->a ? (2000 * (l->b + l->d) + l->a) / (2 * l->a) : 0;
}

gboolean crtk_followup_rate_pass(const crtk_followup_cohort *c, const crtk_followup_rate_line *l)
{
    /* Compared in whole hundredths of a percent, so 80.00 passes 80 whatever the rounding. */
    return !l->a || (l->b + l->d) * 10000 >= (long)(c->target * 100) * l->a;
}

