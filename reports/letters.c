/* letters.c — follow-up letters (see letters.h): collected from the due list, composed, and
 * written as CSV for mail merge (the PDF is letters_pdf.c).
 *
 * Each letter is first composed as a list of text blocks (letterhead, date, address,
 * salutation, paragraphs, signature, reply form: letter_compose); the PDF writer lays the blocks
 * out on US Letter pages with pango, the CSV writer joins the same blocks into its body and
 * reply-form columns, so the two files cannot disagree.  Letters to patients and contacts go through a
 * last check that takes out the word "cancer" wherever it would come from data (the registry's
 * name, a contact's name).
 */
#include "letters.h"
#include "letters_compose.h"
#include "crtk/output.h"
#include "csv.h"
#include "codes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct {
    char *name, *address[3];
} physician;

struct crtk_letters {
    crtk_letter_to to;
    char *reg_name, *reg_phone, *reg_address, *letter_name, *letter_address;
    int date;
    GPtrArray *letters;      /* crtk_letter* */
    GHashTable *by_key;      /* key -> crtk_letter* */
    GHashTable *physicians;  /* id -> physician* */
    guint unaddressed;
};

const char *crtk_letter_to_name(crtk_letter_to to)
{
    static const char *const n[] = {"physician", "patient", "contact"};
    return (unsigned)to < 3 ? n[to] : "?";
}

int crtk_letter_to_parse(const char *word)
{
    for (int i = 0; i < 3; i++)
        if (word && !g_ascii_strcasecmp(word, crtk_letter_to_name(i)))
            return i;
    return -1;
}

/* ---- words ---------------------------------------------------------------------------------- */

/* Takes the word "cancer" (any case, with what is glued to it by a hyphen) out of a text meant for
 * a patient or a contact. */
static char *without_cancer(const char *s)
{
    if (!s)
        return NULL;
    static GRegex *word, *spaces;
    if (g_once_init_enter(&word)) {
        GRegex *w = g_regex_new("(?i)[-\\w]*cancer[-\\w]*", 0, 0, NULL);
        spaces = g_regex_new("[ \\t]{2,}| +(?=[,.;:])", 0, 0, NULL);
        g_once_init_leave(&word, w);
    }
    char *a = g_regex_replace_literal(word, s, -1, 0, "", 0, NULL);
    char *b = g_regex_replace_literal(spaces, a, -1, 0, " ", 0, NULL);
    g_free(a);
    /* " ," left by the second pattern: remove the space */
    GString *o = g_string_new(NULL);
    for (const char *p = b; *p; p++)
        if (!(*p == ' ' && (p[1] == ',' || p[1] == '.' || p[1] == ';' || p[1] == ':')))
            g_string_append_c(o, *p);
    g_free(b);
    g_strstrip(o->str);
    return g_string_free(o, FALSE);
}

/* NAME -> Name when a name is all capitals (as registries often key them). */
static char *name_case(const char *s)
{
    if (!s || !*s)
        return g_strdup("");
    gboolean lower = FALSE;
    for (const char *p = s; *p; p++)
        if (g_ascii_islower(*p))
            lower = TRUE;
    char *o = g_strdup(s);
    if (lower)
        return o;
    gboolean start = TRUE;
    for (char *p = o; *p; p++) {
        *p = start ? g_ascii_toupper(*p) : g_ascii_tolower(*p);
        start = !g_ascii_isalpha(*p) && *p != '\'';
    }
    return o;
}

static char *pretty_date(const char *v)
{
    return crtk_followup_date_text(v, "unknown");
}

static char *long_date(int d)
{
    static const char *const months[] = {"January", "February", "March",     "April",   "May",      "June",
                                         "July",    "August",   "September", "October", "November", "December"};
    int m = d / 100 % 100;
    return g_strdup_printf("%s %d, %d", m >= 1 && m <= 12 ? months[m - 1] : "?", d % 100, d / 10000);
}

/* "City, ST 12345-6789" from the parts that are known, NULL when none is. */
static char *city_line(const char *city, const char *state, const char *postal)
{
    GString *s = g_string_new(NULL);
    if (city && *city)
        g_string_append(s, city);
    if (state && *state)
        g_string_append_printf(s, "%s%s", s->len ? ", " : "", state);
    if (postal && *postal) {
        if (strlen(postal) == 9 && strspn(postal, "0123456789") == 9)
            g_string_append_printf(s, "%s%.5s-%s", s->len ? " " : "", postal, postal + 5);
        else
            g_string_append_printf(s, "%s%s", s->len ? " " : "", postal);
    }
    if (!s->len) {
        g_string_free(s, TRUE);
        return NULL;
    }
    return g_string_free(s, FALSE);
}

static char *dup_or_null(const char *v)
{
    return v && *v ? g_strdup(v) : NULL;
}

/* ---- collecting ------------------------------------------------------------------------------- */

static void physician_free(physician *p)
{
    g_free(p->name);
    for (int i = 0; i < 3; i++)
        g_free(p->address[i]);
    g_free(p);
}

static void letter_patient_free(crtk_letter_patient *p)
{
    g_free(p->patient_id_number), g_free(p->name), g_free(p->sort_name), g_free(p->date_of_birth);
    g_free(p->last_contact), g_free(p->tumors);
    g_strfreev(p->tumor_list);
    g_free(p);
}

static void letter_free(crtk_letter *l)
{
    g_free(l->key), g_free(l->recipient);
    for (int i = 0; i < 3; i++)
        g_free(l->address[i]);
    g_ptr_array_free(l->patients, TRUE);
    g_free(l);
}

crtk_letters *crtk_letters_new(crtk_letter_to to, const crtk_letter_registry *reg)
{
    crtk_letters *l = g_new0(crtk_letters, 1);
    l->to = to;
    l->reg_name = g_strdup(reg->name && *reg->name ? reg->name : "Tumor Registry");
    l->reg_phone = g_strdup(reg->phone && *reg->phone ? reg->phone : "");
    l->reg_address = dup_or_null(reg->address);
    l->letter_name = reg->letter_name && *reg->letter_name ? g_strdup(reg->letter_name) : without_cancer(l->reg_name);
    if (!*l->letter_name) {
        g_free(l->letter_name);
        l->letter_name = g_strdup("Hospital Registry");
    }
    l->letter_address = reg->letter_address && *reg->letter_address ? g_strdup(reg->letter_address)
                                                                      : without_cancer(l->reg_address);
    l->date = reg->date;
    l->letters = g_ptr_array_new_with_free_func((GDestroyNotify)letter_free);
    l->by_key = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    l->physicians = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)physician_free);
    return l;
}

void crtk_letters_free(crtk_letters *l)
{
    if (!l)
        return;
    g_free(l->reg_name), g_free(l->reg_phone), g_free(l->reg_address), g_free(l->letter_name);
    g_free(l->letter_address);
    g_ptr_array_free(l->letters, TRUE);
    g_hash_table_destroy(l->by_key);
    g_hash_table_destroy(l->physicians);
    g_free(l);
}

gboolean crtk_letters_load_physicians(crtk_letters *l, const char *path, GError **error)
{
    GArray *lines = NULL;
    GPtrArray *rows = crtk_csv_read_all(path, &lines, error);
    if (!rows)
        return FALSE;
    enum { ID, NAME, A1, A2, CITY, STATE, POSTAL, N };
    static const char *const names[N][4] = {{"id", "npi", "physician", NULL}, {"name", NULL},
                                            {"address1", "street", "address", NULL}, {"address2", NULL},
                                            {"city", NULL}, {"state", NULL}, {"postalCode", "zip", "postal", NULL}};
    int col[N];
    for (int i = 0; i < N; i++)
        col[i] = -1;
    gboolean ok = rows->len > 0;
    if (!ok)
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_DATA, "%s: empty file", path);
    for (int i = 0; ok && ((char **)rows->pdata[0])[i]; i++) {
        const char *h = ((char **)rows->pdata[0])[i];
        int k = -1;
        for (int j = 0; j < N && k < 0; j++)
            for (int m = 0; names[j][m]; m++)
                if (!g_ascii_strcasecmp(h, names[j][m]))
                    k = j;
        if (k < 0) {
            g_set_error(error, CRTK_ERROR, CRTK_ERROR_DATA,
                        "%s:1: unknown column \"%s\" (columns: id, name, address1, address2, city, state, postalCode)",
                        path, h);
            ok = FALSE;
        } else {
            col[k] = i;
        }
    }
    if (ok && (col[ID] < 0 || col[NAME] < 0)) {
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_DATA, "%s:1: the header needs the columns id and name", path);
        ok = FALSE;
    }
    for (guint r = 1; ok && r < rows->len; r++) {
        char **row = rows->pdata[r];
        int n = (int)g_strv_length(row);
#define F(k) (col[k] >= 0 && col[k] < n && *row[col[k]] ? row[col[k]] : NULL)
        if (!F(ID)) {
            g_set_error(error, CRTK_ERROR, CRTK_ERROR_DATA, "%s:%d: no id", path, g_array_index(lines, int, r));
            ok = FALSE;
            break;
        }
        physician *ph = g_new0(physician, 1);
        ph->name = g_strdup(F(NAME) ? F(NAME) : "");
        ph->address[0] = dup_or_null(F(A1));
        ph->address[1] = dup_or_null(F(A2));
        ph->address[2] = city_line(F(CITY), F(STATE), F(POSTAL));
        g_hash_table_replace(l->physicians, g_strdup(F(ID)), ph);
#undef F
    }
    g_array_free(lines, TRUE);
    g_ptr_array_free(rows, TRUE);
    return ok;
}

static char *patient_name(const crtk_followup_patient *p, gboolean sort)
{
    const char *f = p->item[CRTK_FU_NAME_FIRST], *m = p->item[CRTK_FU_NAME_MIDDLE], *la = p->item[CRTK_FU_NAME_LAST];
    if (!(la && *la) && !(f && *f))
        return NULL;
    if (sort)
        return g_strdup_printf("%s, %s%s%s", la ? la : "", f ? f : "", m && *m ? " " : "", m && *m ? m : "");
    char *cf = name_case(f), *cm = name_case(m), *cl = name_case(la);
    char *s = g_strdup_printf("%s%s%s%s%s%s", cf, *cf ? " " : "", cm, *cm ? (strlen(cm) == 1 ? ". " : " ") : "",
                              cl, "");
    g_free(cf), g_free(cm), g_free(cl);
    g_strstrip(s);
    return s;
}

/* The morphology's preferred term without its notes ("Infiltrating duct carcinoma, NOS"). */
static char *morphology_words(const char *h, const char *b)
{
    if (!h)
        return NULL;
    const crtk_morphology *m = crtk_morphology_find(atoi(h), b ? atoi(b) : 3);
    if (!m || !m->label)
        return NULL;
    const char *cut = strpbrk(m->label, "([");
    char *w = cut ? g_strndup(m->label, (gsize)(cut - m->label)) : g_strdup(m->label);
    return g_strstrip(w);
}

/* The patient's followed tumors in words, as a physician reads them: "Breast, upper outer quadrant:
 * Invasive carcinoma of no special type, diagnosed 2021-03-01" — the code tables' names, not codes. */
static char *tumor_lines(const crtk_followup_patient *p, char ***list)
{
    GString *s = g_string_new(NULL);
    GPtrArray *each = g_ptr_array_new();
    for (int i = 0; i < p->n_tumors; i++) {
        const crtk_followup_tumor *t = &p->tumors[i];
        if (t->reason != CRTK_FU_FOLLOWED)
            continue;
        const char *site = t->item[CRTK_FU_PRIMARY_SITE], *h = t->item[CRTK_FU_HISTOLOGY], *b = t->item[CRTK_FU_BEHAVIOR];
        const char *label = site ? crtk_topography_label(site) : NULL;
        char *morph = morphology_words(h, b);
        char *dx = pretty_date(t->item[CRTK_FU_DATE_OF_DIAGNOSIS]);
        GString *one = g_string_new(label ? label : site ? "site not in the code tables" : "site unknown");
        if (morph)
            g_string_append_printf(one, ": %s", morph);
        g_string_append_printf(one, ", diagnosed %s", dx);
        g_string_append_printf(s, "%s%s", s->len ? "; " : "", one->str);
        g_ptr_array_add(each, g_string_free(one, FALSE));
        g_free(morph);
        g_free(dx);
    }
    g_ptr_array_add(each, NULL);
    *list = (char **)g_ptr_array_free(each, FALSE);
    return g_string_free(s, FALSE);
}

gboolean crtk_letters_add(crtk_letters *l, const crtk_followup_patient *p, const char **why)
{
    char *key = NULL, *recipient = NULL, *addr[3] = {NULL, NULL, NULL};
    const char *pid = p->item[CRTK_FU_PATIENT_ID_NUMBER];
    const crtk_followup_tumor *pt = p->principal >= 0 ? &p->tumors[p->principal] : NULL;
    *why = NULL;
    switch (l->to) {
    case CRTK_LETTER_PHYSICIAN: {
        const char *ph = crtk_followup_physician(p);
        if (!ph) {
            *why = "no follow-up physician (npiPhysicianFollowUp, physicianFollowUp)";
            return FALSE;
        }
        key = g_strdup(ph);
        break;
    }
    case CRTK_LETTER_PATIENT: {
        recipient = patient_name(p, FALSE);
        addr[0] = dup_or_null(p->item[CRTK_FU_ADDR_CURRENT_STREET]);
        addr[1] = dup_or_null(p->item[CRTK_FU_ADDR_CURRENT_SUPPL]);
        addr[2] = city_line(p->item[CRTK_FU_ADDR_CURRENT_CITY], p->item[CRTK_FU_ADDR_CURRENT_STATE],
                            p->item[CRTK_FU_ADDR_CURRENT_POSTAL]);
        if (!recipient || !addr[0] || !addr[2]) {
            *why = !recipient ? "no name (nameLast, nameFirst)"
                              : "no mailing address (addrCurrentNoStreet, addrCurrentCity, addrCurrentPostalCode)";
            g_free(recipient);
            for (int i = 0; i < 3; i++)
                g_free(addr[i]);
            return FALSE;
        }
        key = g_strdup_printf("%s#%" G_GINT64_FORMAT, pid ? pid : "", p->patient_id);
        break;
    }
    case CRTK_LETTER_CONTACT: {
        /* The contact is the same for all tumors; take the principal tumor's, else any tumor's. */
        const crtk_followup_tumor *t = pt && pt->item[CRTK_FU_CONTACT_NAME] ? pt : NULL;
        for (int i = 0; !t && i < p->n_tumors; i++)
            if (p->tumors[i].item[CRTK_FU_CONTACT_NAME])
                t = &p->tumors[i];
        if (!t) {
            *why = "no follow-up contact (followUpContactName)";
            return FALSE;
        }
        recipient = g_strdup(t->item[CRTK_FU_CONTACT_NAME]);
        addr[0] = dup_or_null(t->item[CRTK_FU_CONTACT_STREET]);
        addr[1] = dup_or_null(t->item[CRTK_FU_CONTACT_SUPPL]);
        addr[2] = city_line(t->item[CRTK_FU_CONTACT_CITY], t->item[CRTK_FU_CONTACT_STATE],
                            t->item[CRTK_FU_CONTACT_POSTAL]);
        if (!addr[0] || !addr[2]) {
            *why = "no mailing address for the follow-up contact (followUpContactNost, followUpContactCity)";
            g_free(recipient);
            for (int i = 0; i < 3; i++)
                g_free(addr[i]);
            return FALSE;
        }
        /* One letter per contact: a nursing home may be the contact of several patients. */
        key = g_ascii_strup(recipient, -1);
        char *k2 = g_strdup_printf("%s|%s|%s", key, addr[0], addr[2]);
        g_free(key);
        key = k2;
        break;
    }
    }
    crtk_letter *letter = g_hash_table_lookup(l->by_key, key);
    if (!letter) {
        letter = g_new0(crtk_letter, 1);
        letter->to = l->to;
        letter->key = g_strdup(key);
        letter->in_situ_or_benign_only = TRUE;
        letter->patients = g_ptr_array_new_with_free_func((GDestroyNotify)letter_patient_free);
        if (l->to == CRTK_LETTER_PHYSICIAN) {
            physician *ph = g_hash_table_lookup(l->physicians, key);
            if (ph) {
                letter->recipient = g_strdup(ph->name);
                for (int i = 0; i < 3; i++)
                    letter->address[i] = g_strdup(ph->address[i]);
            } else {
                /* not in the directory: no letter is printed; the command lists the code */
                letter->unaddressed = TRUE;
                l->unaddressed++;
            }
        } else {
            letter->recipient = recipient;
            recipient = NULL;
            memcpy(letter->address, addr, sizeof addr);
            memset(addr, 0, sizeof addr);
        }
        g_ptr_array_add(l->letters, letter);
        g_hash_table_insert(l->by_key, g_strdup(key), letter);
    }
    crtk_letter_patient *lp = g_new0(crtk_letter_patient, 1);
    lp->patient_id_number = g_strdup(pid ? pid : "");
    lp->name = patient_name(p, FALSE);
    if (!lp->name)
        lp->name = g_strdup_printf("patient %s", pid ? pid : "");
    lp->sort_name = patient_name(p, TRUE);
    lp->date_of_birth = pretty_date(p->item[CRTK_FU_DATE_OF_BIRTH]);
    lp->last_contact = pretty_date(p->item[CRTK_FU_DATE_OF_LAST_CONTACT]);
    lp->tumors = l->to == CRTK_LETTER_PHYSICIAN ? tumor_lines(p, &lp->tumor_list) : NULL;
    lp->in_situ_or_benign_only = p->in_situ_or_benign_only;
    if (!lp->in_situ_or_benign_only)
        letter->in_situ_or_benign_only = FALSE;
    g_ptr_array_add(letter->patients, lp);
    g_free(key);
    g_free(recipient);
    for (int i = 0; i < 3; i++)
        g_free(addr[i]);
    return TRUE;
}

guint crtk_letters_count(const crtk_letters *l)
{
    return l->letters->len;
}

const crtk_letter *crtk_letters_get(const crtk_letters *l, guint i)
{
    return i < l->letters->len ? l->letters->pdata[i] : NULL;
}

guint crtk_letters_unaddressed(const crtk_letters *l)
{
    return l->unaddressed;
}

void crtk_letters_use_directory(crtk_letters *l, const GPtrArray *physicians)
{
    for (guint i = 0; physicians && i < physicians->len; i++) {
        const crtk_physician *p = physicians->pdata[i];
        if (!p->code || g_hash_table_contains(l->physicians, p->code))
            continue; /* a --physicians file given too wins */
        physician *ph = g_new0(physician, 1);
        ph->name = g_strdup(p->name ? p->name : "");
        ph->address[0] = dup_or_null(p->address1);
        ph->address[1] = dup_or_null(p->address2);
        ph->address[2] = city_line(p->city, p->state, p->postal_code);
        g_hash_table_replace(l->physicians, g_strdup(p->code), ph);
    }
}

/* Is w a credential or title written after or before a name ("MD", "M.D.", "PhD", "Dr.")? */
static gboolean is_credential(const char *w)
{
    static const char *const creds[] = {"MD", "DO", "PHD", "MBBS", "FACS", "FACP", "NP", "PA", "PA-C", "RN", "DR",
                                        "JR", "SR", "II", "III", "MPH", "MS", "DDS", NULL};
    char *u = g_ascii_strup(w, -1);
    char *o = u;
    for (char *i = u; *i; i++)
        if (*i != '.' && *i != ',')
            *o++ = *i;
    *o = 0;
    gboolean yes = g_strv_contains(creds, u);
    g_free(u);
    return yes;
}

char *crtk_letter_salutation_name(const char *name)
{
    if (!name || !*name)
        return NULL;
    /* "Nguyen, Anna, MD" (sort form) or "Anna Nguyen, MD" or "Dr. Anna Nguyen" */
    gchar **words = g_strsplit_set(name, " ,", -1);
    const char *last = NULL;
    gboolean sort_form = FALSE;
    const char *comma = strchr(name, ',');
    if (comma) {
        /* a comma after the first word with a non-credential after it: "Nguyen, Anna" */
        char *first_part = g_strstrip(g_strndup(name, (gsize)(comma - name)));
        char *rest = g_strstrip(g_strdup(comma + 1));
        char *rest_first = g_strndup(rest, strcspn(rest, " ,"));
        sort_form = !strchr(first_part, ' ') && *rest_first && !is_credential(rest_first);
        if (sort_form)
            last = NULL;
        g_free(rest_first);
        g_free(rest);
        if (sort_form) {
            char *r = g_strdup_printf("Dr. %s", first_part);
            g_free(first_part);
            g_strfreev(words);
            return r;
        }
        g_free(first_part);
    }
    for (gchar **w = words; *w; w++)
        if (**w && !is_credential(*w))
            last = *w;
    char *r = last ? g_strdup_printf("Dr. %s", last) : NULL;
    g_strfreev(words);
    return r;
}

/* ---- composing ------------------------------------------------------------------------------- */

static void add(GArray *a, block_kind k, char *text)
{
    block b = {k, text};
    g_array_append_val(a, b);
}

void letter_blocks_free(GArray *a)
{
    for (guint i = 0; i < a->len; i++)
        g_free(g_array_index(a, block, i).text);
    g_array_free(a, TRUE);
}

static const char *sender(const crtk_letters *l)
{
    return l->to == CRTK_LETTER_PHYSICIAN ? l->reg_name : l->letter_name;
}

static const char *sender_address(const crtk_letters *l)
{
    return l->to == CRTK_LETTER_PHYSICIAN ? l->reg_address : l->letter_address;
}

/* The registry's telephone as people write it, or NULL when the store has none (then no sentence of
 * a letter asks the reader to call). */
static char *phone_words(const crtk_letters *l)
{
    const char *p = l->reg_phone;
    if (!p || !*p)
        return NULL;
    if (strlen(p) == 10 && strspn(p, "0123456789") == 10)
        return g_strdup_printf("(%.3s) %.3s-%s", p, p + 3, p + 6);
    return g_strdup(p);
}

static char *address_lines(const char *a)
{
    if (!a)
        return NULL;
    char **parts = g_strsplit(a, " / ", -1);
    char *s = g_strjoinv("\n", parts);
    g_strfreev(parts);
    return s;
}

/* The letter from the salutation to the signature. */
/* One patient of a physician letter: name, registry number, birth, last contact and tumors. */
static void add_patient_lines(GArray *b, const crtk_letter_patient *p)
{
    add(b, B_TEXT,
        g_strdup_printf("%s (registry number %s), born %s. Last contact: %s.\n%s%s", p->name, p->patient_id_number,
                        p->date_of_birth, p->last_contact, p->tumors && *p->tumors ? "Tumors: " : "",
                        p->tumors ? p->tumors : ""));
}

/* The letter's body.  list_apart (a physician letter whose list of patients would not fit on the
 * letter's page at a readable size): the letter speaks of the attached list, which follows the
 * signature on pages of its own. */
static void compose_body(const crtk_letters *l, const crtk_letter *letter, GArray *b, gboolean list_apart)
{
    char *phone = phone_words(l);
    const char *reg = sender(l);
    guint n = letter->patients->len;
    const crtk_letter_patient *first = letter->patients->pdata[0];
    switch (letter->to) {
    case CRTK_LETTER_PHYSICIAN: {
        char *dear = crtk_letter_salutation_name(letter->recipient);
        add(b, B_TEXT, g_strdup_printf("Dear %s:", dear ? dear : "Doctor"));
        g_free(dear);
        add(b, B_BOLD, g_strdup_printf("Re: annual follow-up of %s under your care", n == 1 ? "a patient" : "patients"));
        add(b, B_TEXT,
            g_strdup_printf("The %s follows every patient diagnosed or treated for cancer at our facility once a year, "
                            "as the Commission on Cancer requires. Our records show that %s%s %s under your "
                            "care, and we have had no news of %s for a year or more.",
                            reg, n == 1 ? "the patient" : "the patients",
                            list_apart ? " listed on the attached pages" : " listed below", n == 1 ? "is" : "are",
                            n == 1 ? "this patient" : "them"));
        if (list_apart) {
            char *count = g_strdup_printf("%u patients: their names, registry numbers and tumors are on the "
                                          "attached list, and the reply form after it has a part for each.", n);
            add(b, B_BOLD, count);
        } else {
            for (guint i = 0; i < n; i++)
                add_patient_lines(b, letter->patients->pdata[i]);
        }
        add(b, B_TEXT,
            g_strdup_printf("Please complete the enclosed reply form for %s: the date last seen, whether the patient "
                            "is alive, and whether there is evidence of the disease. Return it in the enclosed "
                            "envelope%s%s. If you no longer follow %s, please tell us who does.",
                            n == 1 ? "this patient" : "each patient", phone ? ", or call us at " : "",
                            phone ? phone : "", n == 1 ? "this patient" : "a patient"));
        break;
    }
    case CRTK_LETTER_PATIENT:
        add(b, B_TEXT, g_strdup_printf("Dear %s:", letter->recipient));
        if (letter->in_situ_or_benign_only)
            add(b, B_TEXT,
                g_strdup_printf("Some time ago you had a test or treatment at our hospital for a condition that was "
                                "found early. Each year the %s writes to the people we have cared for, to ask how "
                                "they are doing. This helps doctors learn how well early treatment works.", reg));
        else
            add(b, B_TEXT,
                g_strdup_printf("Each year the %s writes to the people who were treated at our hospital, to learn how "
                                "they are doing. What you tell us helps doctors improve care for future patients.",
                                reg));
        add(b, B_TEXT, g_strdup_printf("Please take a few minutes to fill in the short form that comes with this "
                                       "letter, and return it in the enclosed envelope.%s%s%s Your answers are kept "
                                       "confidential.", phone ? " If it is easier, call us at " : "",
                                       phone ? phone : "", phone ? "." : ""));
        add(b, B_TEXT, g_strdup("If you have seen your doctor recently, just tell us the date and the doctor's name. "
                                "If this letter has reached the family of someone who has died, we are sorry for "
                                "your loss; please let us know the date, so that we do not write again."));
        break;
    case CRTK_LETTER_CONTACT:
        add(b, B_TEXT, g_strdup_printf("Dear %s:", letter->recipient));
        for (guint i = 0; i < n; i++) {
            const crtk_letter_patient *p = letter->patients->pdata[i];
            if (p->in_situ_or_benign_only)
                add(b, B_TEXT,
                    g_strdup_printf("%s (born %s) had a test or treatment at our hospital some time ago and named you "
                                    "as someone who could help us stay in touch.", p->name, p->date_of_birth));
            else
                add(b, B_TEXT,
                    g_strdup_printf("%s (born %s) was cared for at our hospital and named you as someone who could "
                                    "help us stay in touch.", p->name, p->date_of_birth));
        }
        add(b, B_TEXT,
            g_strdup_printf("Each year the %s asks the people we have cared for how they are doing, to help doctors "
                            "improve care. We have not been able to reach %s. Could you tell us how %s, or how we can "
                            "reach %s? Please fill in the enclosed form and return it in the envelope provided%s%s.",
                            reg, n == 1 ? first->name : "them", n == 1 ? "this person is" : "they are",
                            n == 1 ? "this person" : "them", phone ? ", or call us at " : "", phone ? phone : ""));
        break;
    }
    add(b, B_TEXT, g_strdup("Thank you for your help."));
    add(b, B_TEXT, g_strdup_printf("Sincerely,\n\nFollow-up staff\n%s%s%s", reg, phone ? "\nTelephone " : "",
                                   phone ? phone : ""));
    if (list_apart && letter->to == CRTK_LETTER_PHYSICIAN) {
        char *date = long_date(l->date);
        add(b, B_PAGE, NULL);
        add(b, B_BOLD, g_strdup_printf("Patients under your care: annual follow-up (%u)", n));
        add(b, B_SMALL, g_strdup_printf("Attached to the letter of %s from the %s to %s.", date, reg,
                                        letter->recipient));
        add(b, B_GAP, NULL);
        for (guint i = 0; i < n; i++)
            add_patient_lines(b, letter->patients->pdata[i]);
        g_free(date);
    }
    g_free(phone);
}

static void form_lines(GArray *b, const char *const *lines)
{
    for (int i = 0; lines[i]; i++)
        add(b, B_FORM, g_strdup(lines[i]));
}

static void compose_form(const crtk_letters *l, const crtk_letter *letter, GArray *b)
{
    char *phone = phone_words(l);
    const char *reg = sender(l);
    char *addr = NULL;
    if (sender_address(l)) {
        char **parts = g_strsplit(sender_address(l), " / ", -1);
        addr = g_strjoinv(", ", parts);
        g_strfreev(parts);
    }
    add(b, B_HEAD, g_strdup("Reply form"));
    add(b, B_SMALL, g_strdup_printf("Please return this form in the enclosed envelope to: %s%s%s.%s%s%s", reg,
                                    addr ? ", " : "", addr ? addr : "", phone ? " Telephone " : "",
                                    phone ? phone : "", phone ? "." : ""));
    add(b, B_GAP, NULL);
    g_free(addr);
    for (guint i = 0; i < letter->patients->len; i++) {
        const crtk_letter_patient *p = letter->patients->pdata[i];
        switch (letter->to) {
        case CRTK_LETTER_PHYSICIAN: {
            add(b, B_BOLD, g_strdup_printf("Patient: %s, born %s (registry number %s)", p->name, p->date_of_birth,
                                           p->patient_id_number));
            add(b, B_FORM, g_strdup("Date last seen: ____________________"));
            add(b, B_FORM, g_strdup("[ ] Alive        [ ] Dead, date of death: ____________________"));
            guint nt = p->tumor_list ? g_strv_length(p->tumor_list) : 0;
            if (nt <= 1) {
                add(b, B_FORM, g_strdup("[ ] No evidence of disease    [ ] Evidence of disease    [ ] Unknown"));
            } else { /* the status of each tumor: one may be in remission while another is not */
                for (guint k = 0; k < nt; k++) {
                    add(b, B_FORM, g_strdup_printf("Tumor %u: %s", k + 1, p->tumor_list[k]));
                    add(b, B_FORM, g_strdup("      [ ] No evidence of this tumor    [ ] Evidence of this tumor    "
                                            "[ ] Unknown"));
                }
            }
            add(b, B_FORM, g_strdup("Physician now following the patient, if not you: ________________________"));
            break;
        }
        case CRTK_LETTER_PATIENT: {
            add(b, B_BOLD, g_strdup_printf("%s (reference %s)", p->name, p->patient_id_number));
            static const char *const lines[] = {
                "Date of your last visit to a doctor: ____________________",
                "Doctor's name: ______________________________",
                "Has a doctor told you that the condition has come back?",
                "      [ ] No      [ ] Yes      [ ] I don't know",
                "New address or telephone, if they have changed:",
                "____________________________________________________________",
                "Writing for someone who has died? Date of death: ____________________", NULL};
            form_lines(b, lines);
            break;
        }
        case CRTK_LETTER_CONTACT: {
            add(b, B_BOLD, g_strdup_printf("%s, born %s (reference %s)", p->name, p->date_of_birth,
                                           p->patient_id_number));
            static const char *const lines[] = {
                "[ ] This person is living. Date you last heard from them: ____________________",
                "      Their address or telephone, if you know it:",
                "      ______________________________________________________",
                "[ ] This person has died. Date of death: ____________________",
                "      Place of death: ______________________________", NULL};
            form_lines(b, lines);
            break;
        }
        }
        add(b, B_GAP, NULL);
    }
    add(b, B_FORM, g_strdup_printf("%s: ______________________________", letter->to == CRTK_LETTER_PHYSICIAN
                                                                             ? "Signature"
                                                                             : "Your name"));
    add(b, B_FORM, g_strdup("Date: ____________________     Telephone: ____________________"));
    g_free(phone);
}

/* The words a patient or contact reads must not name the disease. */
static void guard(const crtk_letter *letter, GArray *b)
{
    if (letter->to == CRTK_LETTER_PHYSICIAN)
        return;
    for (guint i = 0; i < b->len; i++) {
        block *x = &g_array_index(b, block, i);
        if (x->text && g_strrstr_len(x->text, -1, "ancer")) {
            char *lower = g_ascii_strdown(x->text, -1);
            if (strstr(lower, "cancer")) {
                char *t = without_cancer(x->text);
                g_free(x->text);
                x->text = t;
            }
            g_free(lower);
        }
    }
}

static char *join(GArray *b)
{
    GString *s = g_string_new(NULL);
    block_kind last = B_GAP;
    for (guint i = 0; i < b->len; i++) {
        block *x = &g_array_index(b, block, i);
        if (!x->text)
            continue;
        g_string_append_printf(s, "%s%s", !s->len ? "" : x->kind == B_FORM && last == B_FORM ? "\n" : "\n\n",
                               x->text);
        last = x->kind;
    }
    return g_string_free(s, FALSE);
}

char *crtk_letter_body_text(const crtk_letters *l, const crtk_letter *letter)
{
    GArray *b = g_array_new(FALSE, FALSE, sizeof(block));
    compose_body(l, letter, b, FALSE); /* mail merge: the whole list in the body */
    guard(letter, b);
    char *s = join(b);
    letter_blocks_free(b);
    return s;
}

char *crtk_letter_form_text(const crtk_letters *l, const crtk_letter *letter)
{
    GArray *b = g_array_new(FALSE, FALSE, sizeof(block));
    compose_form(l, letter, b);
    guard(letter, b);
    char *s = join(b);
    letter_blocks_free(b);
    return s;
}

static char *recipient_block(const crtk_letter *letter)
{
    GString *s = g_string_new(letter->recipient);
    for (int i = 0; i < 3; i++)
        if (letter->address[i])
            g_string_append_printf(s, "\n%s", letter->address[i]);
    return g_string_free(s, FALSE);
}

/* The whole letter: letterhead, date, address, body (list_apart: then the list of patients on
 * pages of its own), then the reply form on a new page. */
GArray *letter_compose(const crtk_letters *l, const crtk_letter *letter, gboolean list_apart)
{
    GArray *b = g_array_new(FALSE, FALSE, sizeof(block));
    char *phone = phone_words(l);
    add(b, B_HEAD, g_strdup(sender(l)));
    char *addr = address_lines(sender_address(l));
    if (addr)
        add(b, B_SMALL, addr);
    if (phone)
        add(b, B_SMALL, g_strdup_printf("Telephone %s", phone));
    add(b, B_GAP, NULL);
    add(b, B_TEXT, long_date(l->date));
    add(b, B_GAP, NULL);
    add(b, B_TEXT, recipient_block(letter));
    add(b, B_GAP, NULL);
    compose_body(l, letter, b, list_apart);
    add(b, B_PAGE, NULL);
    compose_form(l, letter, b);
    guard(letter, b);
    g_free(phone);
    return b;
}

/* ---- CSV ----------------------------------------------------------------------------------------- */

gboolean crtk_letters_write_csv(const crtk_letters *l, const char *path, GError **error)
{
    GString *s = g_string_new("letter,to,variant,recipient,address1,address2,cityStateZip,salutation,"
                              "patientIdNumbers,patientNames,registryName,registryPhone,date,body,replyForm\r\n");
    char *date = long_date(l->date);
    guint written = 0;
    for (guint i = 0; i < l->letters->len; i++) {
        const crtk_letter *letter = l->letters->pdata[i];
        if (letter->unaddressed)
            continue; /* listed by the command instead */
        char num[16];
        g_snprintf(num, sizeof num, "%u", ++written);
        GString *ids = g_string_new(NULL), *names = g_string_new(NULL);
        for (guint k = 0; k < letter->patients->len; k++) {
            const crtk_letter_patient *p = letter->patients->pdata[k];
            g_string_append_printf(ids, "%s%s", k ? ";" : "", p->patient_id_number);
            g_string_append_printf(names, "%s%s", k ? "; " : "", p->name);
        }
        char *body = crtk_letter_body_text(l, letter), *form = crtk_letter_form_text(l, letter);
        char *nl = strstr(body, "\n\n");
        char *salutation = nl ? g_strndup(body, nl - body) : g_strdup(body);
        crtk_csv_append_for_people(s, num, TRUE);
        crtk_csv_append_for_people(s, crtk_letter_to_name(letter->to), FALSE);
        crtk_csv_append_for_people(s, letter->to == CRTK_LETTER_PHYSICIAN ? "physician"
                                   : letter->in_situ_or_benign_only ? "in-situ-or-benign" : "standard", FALSE);
        crtk_csv_append_for_people(s, letter->recipient, FALSE);
        crtk_csv_append_for_people(s, letter->address[0], FALSE);
        crtk_csv_append_for_people(s, letter->address[1], FALSE);
        crtk_csv_append_for_people(s, letter->address[2], FALSE);
        crtk_csv_append_for_people(s, salutation, FALSE);
        crtk_csv_append_for_people(s, ids->str, FALSE);
        crtk_csv_append_for_people(s, names->str, FALSE);
        crtk_csv_append_for_people(s, sender(l), FALSE);
        crtk_csv_append_for_people(s, l->reg_phone, FALSE);
        crtk_csv_append_for_people(s, date, FALSE);
        crtk_csv_append_for_people(s, body, FALSE);
        crtk_csv_append_for_people(s, form, FALSE);
        g_string_append(s, "\r\n");
        g_free(body), g_free(form), g_free(salutation);
        g_string_free(ids, TRUE);
        g_string_free(names, TRUE);
    }
    g_free(date);
    gboolean ok = crtk_output_write_file(path, s->str, s->len, error);
    g_string_free(s, TRUE);
    return ok;
}
