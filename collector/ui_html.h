/* ui_html.h - the console's HTML (docs/console.md): the one escaper every
 * value goes through, the page frame and tables built from report JSON. */
#ifndef FC_COLLECTOR_UI_HTML_H
#define FC_COLLECTOR_UI_HTML_H

#include <stdbool.h>
#include <stddef.h>

#include <cJSON.h>

#include "buf.h"
#include "fc_rc.h"

/* Appends s to b with &, <, >, " and ' written as character references and
 * control characters (but tab and newline) as U+FFFD; the one HTML escaper
 * of the console: every value from outside goes through it. NULL is "". */
enum fc_rc ui_esc(struct buf *b, const char *s);

/* Appends the page's head, its title (escaped) and the navigation; who
 * (escaped) is the signed-in role and organisation, NULL on the login page;
 * csrf, when not NULL, makes the logout form. */
enum fc_rc ui_page_begin(struct buf *b, const char *title, const char *who, const char *csrf);
/* Closes what ui_page_begin opened. */
enum fc_rc ui_page_end(struct buf *b);

/* Appends arr (a JSON array of flat objects) as a table with caption and
 * a header from the first object's keys; "none" when the array is empty. */
enum fc_rc ui_json_table(struct buf *b, const cJSON *arr, const char *caption);
/* ui_json_table of the rows skip to skip + max - 1 only. */
enum fc_rc ui_json_table_part(struct buf *b, const cJSON *arr, const char *caption, size_t skip,
                              size_t max);

/* Takes field name from a urlencoded form (percent and '+' decoded) into
 * out (size bytes); false when absent, too long or holding a NUL. */
bool ui_form_value(const char *form, const char *name, char *out, size_t size);

/* The page's style sheet (screen and print), served as /ui/style.css. */
extern const char ui_css[];

#endif
