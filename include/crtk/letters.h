/* letters.h — follow-up letters: one letter per recipient (a physician, a patient or a
 * patient's follow-up contact) for the patients on a follow-up list, as a printable PDF (cairo +
 * pango) and a CSV of the same letters for mail merge.
 *
 * The words follow the SEER Training advice on follow-up letters: plain language for people who
 * are not physicians, never the word "cancer" in a letter to a patient or a contact (the
 * registry's name is shown without it too), a separate wording for patients whose followed
 * tumors are all in situ or benign, the registry's name and telephone number on every letter,
 * and a reply form.  Both files are made from the same blocks of text, so they say the same.
 *
 * Use: crtk_letters_new, crtk_letters_add for each patient of the list, then
 * crtk_letters_write_pdf and crtk_letters_write_csv.
 */
#ifndef CRTK_LETTERS_H
#define CRTK_LETTERS_H

#include "export.h"

#include <glib.h>
#include "followup.h"
#include "physicians.h"

typedef enum { CRTK_LETTER_PHYSICIAN, CRTK_LETTER_PATIENT, CRTK_LETTER_CONTACT } crtk_letter_to;

/* "physician", "patient", "contact"; parse gives -1 for another word. */
CRTK_API const char *crtk_letter_to_name(crtk_letter_to to);
CRTK_API int crtk_letter_to_parse(const char *word);

/* The sender, from the store's settings. */
typedef struct crtk_letter_registry {
    const char *name;          /* registryName */
    const char *phone;         /* registryPhone */
    const char *address;       /* registryAddress (lines separated by newlines or " / ") */
    const char *letter_name;   /* registryLetterName: the name used to patients and contacts; NULL =
                                  registryName without the word "cancer" */
    const char *letter_address; /* registryLetterAddress, the same for the address */
    int date;                  /* the letters' date, YYYYMMDD */
} crtk_letter_registry;

typedef struct crtk_letter_patient {
    char *patient_id_number;
    char *name;                /* "Jane Q. Smith" */
    char *sort_name;           /* "SMITH, JANE Q" */
    char *date_of_birth;       /* YYYY-MM-DD or as coded */
    char *last_contact;        /* YYYY-MM-DD or as coded */
    char *tumors;              /* "Breast, NOS: Invasive carcinoma of no special type, diagnosed 2021-03-01; ..."
                                  (site and histology names from the code tables; physician letters only) */
    char **tumor_list;         /* the same, one string a tumor, NULL-terminated (NULL for other letters):
                                  the physician's reply form asks the disease status of each */
    gboolean in_situ_or_benign_only;
} crtk_letter_patient;

typedef struct crtk_letter {
    crtk_letter_to to;
    char *key;                 /* what groups patients into this letter (NPI, patient, contact) */
    char *recipient;           /* the name on the envelope */
    char *address[3];          /* street, supplement, "City, ST 12345-6789"; NULL when unknown */
    gboolean in_situ_or_benign_only; /* every patient of the letter is */
    GPtrArray *patients;       /* crtk_letter_patient* */
    gboolean unaddressed;      /* a physician letter whose physician is in no directory: recipient NULL,
                                  left out of the PDF and CSV (key names the code to list) */
} crtk_letter;

typedef struct crtk_letters crtk_letters;

CRTK_API crtk_letters *crtk_letters_new(crtk_letter_to to, const crtk_letter_registry *reg);
CRTK_API void crtk_letters_free(crtk_letters *l);
/* Physician names and addresses: a CSV with a header naming the columns id (an NPI or physician
 * code), name, address1, address2, city, state, postalCode. */
CRTK_API gboolean crtk_letters_load_physicians(crtk_letters *l, const char *path, GError **error);
/* Adds a classified patient to the letter of its recipient (a new letter for a new recipient).
 * Returns FALSE, with the reason in *why (static words), when the patient has no recipient of
 * this kind: no follow-up physician, no mailing address, no follow-up contact. */
CRTK_API gboolean crtk_letters_add(crtk_letters *l, const crtk_followup_patient *p, const char **why);

CRTK_API guint crtk_letters_count(const crtk_letters *l);
CRTK_API const crtk_letter *crtk_letters_get(const crtk_letters *l, guint i);
/* Physician letters whose physician is in no directory: those letters are not printed (neither PDF
 * nor CSV); crtk_letters_get(...)->unaddressed marks them, and their key is the physician's code. */
CRTK_API guint crtk_letters_unaddressed(const crtk_letters *l);
/* Adds the store's physician directory (crtk_store_physicians: crtk_physician*) to the names and
 * addresses known; a physician loaded from a --physicians file first keeps that file's entry. */
CRTK_API void crtk_letters_use_directory(crtk_letters *l, const GPtrArray *physicians);
/* "Dr. Nguyen" for "Anna Nguyen, MD", "Nguyen, Anna" or "Dr. Anna Nguyen" (credentials such as MD,
 * DO, PhD dropped); NULL when name is empty.  Newly allocated. */
CRTK_API char *crtk_letter_salutation_name(const char *name);

/* The letter's text: body (salutation to signature) and reply form, as plain text with
 * paragraphs separated by blank lines. */
CRTK_API char *crtk_letter_body_text(const crtk_letters *l, const crtk_letter *letter);
CRTK_API char *crtk_letter_form_text(const crtk_letters *l, const crtk_letter *letter);

/* A printable PDF: US Letter pages, each letter on its own pages, its reply form on a new page. */
CRTK_API gboolean crtk_letters_write_pdf(const crtk_letters *l, const char *path, GError **error);
/* One CSV row per letter for mail merge: letter, to, variant, recipient, address lines, salutation,
 * patients, registry name and telephone, date, body, reply form. */
CRTK_API gboolean crtk_letters_write_csv(const crtk_letters *l, const char *path, GError **error);

#endif
