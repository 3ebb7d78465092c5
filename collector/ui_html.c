/* ui_html.c - the console's one HTML escaper, its page frame and tables. */
#include "ui_html.h"

#include <stdio.h>
#include <string.h>

const char ui_css[] = "body{font-family:sans-serif;margin:0;color:#111;background:#fff}\n"
                      "header{background:#123;color:#fff;padding:.5em 1em}\n"
                      "header a{color:#fff;margin-right:1em}\n"
                      "header form{display:inline}\n"
                      "main{padding:1em}\n"
                      "table{border-collapse:collapse;margin:.5em 0}\n"
                      "th,td{border:1px solid #555;padding:.2em .5em;text-align:left}\n"
                      "th{background:#dde}\n"
                      "caption{font-weight:bold;text-align:left}\n"
                      "a:focus,button:focus,input:focus{outline:3px solid #c60}\n"
                      "label{display:inline-block;margin-right:1em}\n"
                      "main form{display:inline-block;margin:0 .5em .5em 0}\n"
                      ".err{color:#a00;font-weight:bold}\n"
                      "@media print{header,main form,nav,.noprint{display:none}body{font-size:10pt}"
                      "th{background:#fff}a{color:#000;text-decoration:none}}\n";

enum fc_rc ui_esc(struct buf *b, const char *s)
{
	enum fc_rc rc = FC_OK;
	size_t run = 0;

	if (!s)
		return FC_OK;
	for (const char *p = s; *p && !rc; p++) {
		unsigned char ch = (unsigned char)*p;
		const char *rep = NULL;

		switch (ch) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default:
			if ((ch < 0x20 && ch != '\t' && ch != '\n') || ch == 0x7f)
				rep = "\xef\xbf\xbd";
		}
		if (!rep) {
			run++;
			continue;
		}
		rc = buf_add(b, p - run, run);
		run = 0;
		if (!rc)
			rc = buf_addstr(b, rep);
	}
	if (!rc && run)
		rc = buf_add(b, s + strlen(s) - run, run);
	return rc;
}

enum fc_rc ui_page_begin(struct buf *b, const char *title, const char *who, const char *csrf)
{
	enum fc_rc rc = buf_addstr(b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta "
	                              "charset=\"utf-8\"><title>");

	if (!rc)
		rc = ui_esc(b, title);
	if (!rc)
		rc = buf_addstr(b, " - fleetcensus</title><link rel=\"stylesheet\" "
		                   "href=\"/ui/style.css\"></head><body><header>");
	if (!rc && who) {
		rc = buf_addstr(b, "<nav aria-label=\"pages\"><a href=\"/ui/\">Overview</a>"
		                   "<a href=\"/ui/tender\">Tender</a>"
		                   "<a href=\"/ui/campaigns\">Campaigns</a>"
		                   "<a href=\"/ui/burndown\">Burn-down</a>"
		                   "<a href=\"/ui/stale\">Stale</a>"
		                   "<a href=\"/ui/search\">Search</a><span>");
		if (!rc)
			rc = ui_esc(b, who);
		if (!rc)
			rc = buf_addstr(b, "</span> ");
		if (!rc && csrf) {
			rc = buf_addstr(b, "<form method=\"post\" action=\"/ui/logout\"><input "
			                   "type=\"hidden\" name=\"csrf\" value=\"");
			if (!rc)
				rc = ui_esc(b, csrf);
			if (!rc)
				rc = buf_addstr(
				    b, "\"><button type=\"submit\">Log out</button></form>");
		}
		if (!rc)
			rc = buf_addstr(b, "</nav>");
	}
	if (!rc)
		rc = buf_addstr(b, "</header><main><h1>");
	if (!rc)
		rc = ui_esc(b, title);
	if (!rc)
		rc = buf_addstr(b, "</h1>\n");
	return rc;
}

enum fc_rc ui_page_end(struct buf *b)
{
	return buf_addstr(b, "</main></body></html>\n");
}

/* Appends one cell's value: a string escaped, a number as written. */
static enum fc_rc add_value(struct buf *b, const cJSON *v)
{
	char num[64];

	if (cJSON_IsString(v))
		return ui_esc(b, v->valuestring);
	if (cJSON_IsNumber(v)) {
		if (v->valuedouble == (double)(long long)v->valuedouble)
			snprintf(num, sizeof(num), "%lld", (long long)v->valuedouble);
		else
			snprintf(num, sizeof(num), "%.2f", v->valuedouble);
		return buf_addstr(b, num);
	}
	if (cJSON_IsBool(v))
		return buf_addstr(b, cJSON_IsTrue(v) ? "yes" : "no");
	return FC_OK;
}

enum fc_rc ui_json_table(struct buf *b, const cJSON *arr, const char *caption)
{
	return ui_json_table_part(b, arr, caption, 0, (size_t)-1);
}

enum fc_rc ui_json_table_part(struct buf *b, const cJSON *arr, const char *caption, size_t skip,
                              size_t max)
{
	const cJSON *first = cJSON_IsArray(arr) ? arr->child : NULL;
	const cJSON *row, *f;
	enum fc_rc rc = buf_addstr(b, "<table><caption>");

	if (!rc)
		rc = ui_esc(b, caption);
	if (!rc)
		rc = buf_addstr(b, "</caption>");
	if (!rc && !first)
		return buf_addstr(b, "<tr><td>none</td></tr></table>\n");
	if (!rc)
		rc = buf_addstr(b, "<thead><tr>");
	for (f = first ? first->child : NULL; f && !rc; f = f->next) {
		rc = buf_addstr(b, "<th scope=\"col\">");
		if (!rc)
			rc = ui_esc(b, f->string);
		if (!rc)
			rc = buf_addstr(b, "</th>");
	}
	if (!rc)
		rc = buf_addstr(b, "</tr></thead><tbody>\n");
	for (row = first; row && skip; row = row->next)
		skip--;
	for (; row && !rc && max; row = row->next, max--) {
		rc = buf_addstr(b, "<tr>");
		for (f = row->child; f && !rc; f = f->next) {
			rc = buf_addstr(b, "<td>");
			if (!rc)
				rc = add_value(b, f);
			if (!rc)
				rc = buf_addstr(b, "</td>");
		}
		if (!rc)
			rc = buf_addstr(b, "</tr>\n");
	}
	if (!rc)
		rc = buf_addstr(b, "</tbody></table>\n");
	return rc;
}

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* Decodes the value at v (up to '&' or the end) into out. */
static bool decode_value(const char *v, char *out, size_t size)
{
	size_t n = 0;

	for (; *v && *v != '&'; v++) {
		int ch = (unsigned char)*v;

		if (ch == '+') {
			ch = ' ';
		} else if (ch == '%') {
			int hi = hexval(v[1]), lo = hi < 0 ? -1 : hexval(v[2]);

			if (lo < 0)
				return false;
			ch = hi * 16 + lo;
			v += 2;
		}
		if (ch == 0 || n + 1 >= size)
			return false;
		out[n++] = (char)ch;
	}
	out[n] = '\0';
	return true;
}

bool ui_form_value(const char *form, const char *name, char *out, size_t size)
{
	size_t len = strlen(name);
	const char *p = form;

	if (size)
		out[0] = '\0';
	while (p && *p) {
		if (!strncmp(p, name, len) && p[len] == '=')
			return decode_value(p + len + 1, out, size);
		p = strchr(p, '&');
		if (p)
			p++;
	}
	return false;
}
