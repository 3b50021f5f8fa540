/* page_queues.c — work queues (abstracts not complete) and the new-patient form with its
 * duplicate check. */
#include "web.h"

#include <string.h>

void crtk_page_queues(crtk_web_req *r)
{
    if (!crtk_web_require(r, CRTK_MAY_READ_CASES))
        return;
    GString *o = crtk_html_page(r, "Work queues");
    g_string_append(o, "<h1>Work queues</h1><p>Not written yet: incomplete abstracts, failing edits, timeliness and "
                       "follow-up due/lost lists are on the command line (crtk edits, crtk followup due).</p>");
    crtk_html_end(o);
    crtk_web_send(r, 200, "text/html; charset=utf-8", o);
}

void crtk_page_new_patient(crtk_web_req *r)
{
    if (!crtk_web_require(r, CRTK_MAY_ADD_CASES))
        return;
    GString *o = crtk_html_page(r, "New patient");
    g_string_append(o, "<h1>New patient</h1><p>Not written yet in the workspace: use crtk case new.</p>");
    crtk_html_end(o);
    crtk_web_send(r, 200, "text/html; charset=utf-8", o);
}
