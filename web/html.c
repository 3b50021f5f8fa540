/* html.c — HTML text: escaping and the frame every page shares. */
#include "web.h"

#include <string.h>

void crtk_html_escape(GString *out, const char *text)
{
    for (const char *p = text ? text : ""; *p; p++) {
        switch (*p) {
        case '&': g_string_append(out, "&amp;"); break;
        case '<': g_string_append(out, "&lt;"); break;
        case '>': g_string_append(out, "&gt;"); break;
        case '"': g_string_append(out, "&quot;"); break;
        case '\'': g_string_append(out, "&#39;"); break;
        default: g_string_append_c(out, *p);
        }
    }
}

void crtk_html_printf(GString *out, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    for (const char *p = fmt; *p; p++) {
        if (*p != '%') {
            g_string_append_c(out, *p);
            continue;
        }
        p++;
        if (*p == 's')
            crtk_html_escape(out, va_arg(ap, const char *));
        else if (*p == 'd')
            g_string_append_printf(out, "%d", va_arg(ap, int));
        else if (*p == 'L')
            g_string_append_printf(out, "%" G_GINT64_FORMAT, va_arg(ap, gint64));
        else if (*p == 'R') /* raw, already HTML */
            g_string_append(out, va_arg(ap, const char *));
        else if (*p == '%')
            g_string_append_c(out, '%');
    }
    va_end(ap);
}

void crtk_html_csrf(crtk_web_req *r, GString *out)
{
    if (r->session)
        crtk_html_printf(out, "<input type=hidden name=csrf_token value=\"%s\">", r->session->csrf);
}

GString *crtk_html_page(crtk_web_req *r, const char *title)
{
    GString *o = g_string_sized_new(16384);
    crtk_html_printf(o,
        "<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>"
        "<meta name=viewport content=\"width=device-width, initial-scale=1\">"
        "<title>%s — crtk</title><link rel=stylesheet href=\"/assets/app.css\">"
        "<script src=\"/assets/app.js\" defer></script></head><body>\n", title);
    if (r->session) {
        crtk_html_printf(o,
            "<header class=top><nav aria-label=Main><a href=\"/patients\">Patients</a> "
            "<a href=\"/queues\">Work queues</a></nav>"
            "<span class=who>%s (%s)</span>"
            "<form method=post action=\"/logout\" class=logout>", r->session->user, crtk_role_name(r->session->role));
        crtk_html_csrf(r, o);
        g_string_append(o, "<button type=submit>Log out</button></form></header>\n");
    }
    g_string_append(o, "<main>\n");
    return o;
}

void crtk_html_end(GString *out)
{
    g_string_append(out, "</main></body></html>\n");
}
