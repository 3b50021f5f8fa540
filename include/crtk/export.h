/* export.h — CRTK_API marks the functions libcrtk and libcrtk-reports export.
 *
 * The libraries are built with -fvisibility=hidden: a function is part of the
 * public ABI only when its declaration in include/crtk/ carries CRTK_API.
 * Everything exported is named crtk_*.
 */
#ifndef CRTK_EXPORT_H
#define CRTK_EXPORT_H

#if defined(__GNUC__) || defined(__clang__)
#define CRTK_API __attribute__((visibility("default")))
#else
#define CRTK_API
#endif

#endif
