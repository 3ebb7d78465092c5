/* ui_svg.c - the console's charts: inline SVG drawn by the collector (no
 * script, no external asset), each with a title and a text equivalent (the
 * table that follows it on the page). */
#include <stdio.h>
#include <string.h>

#include "ui_int.h"

#define BAR_W 600
#define BAR_H 22
#define MAX_PARTS 12
#define MAX_GROUPS 500
#define MAX_POINTS 400

/* Colours with a 3:1 contrast or more against white, told apart by the
 * legend's text as well. */
static const char *const palette[MAX_PARTS] = {"#1b5e20", "#b71c1c", "#0d47a1", "#e65100",
                                               "#4a148c", "#006064", "#3e2723", "#880e4f",
                                               "#33691e", "#263238", "#bf360c", "#1a237e"};

static const char *str_of(const cJSON *row, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(row, name);

	return cJSON_IsString(v) ? v->valuestring : "";
}

static double num_of(const cJSON *row, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(row, name);

	return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

/* The index of s in list (n names), added when new and there is room;
 * -1 when full. */
static int index_of(const char **list, int *n, int max, const char *s)
{
	for (int i = 0; i < *n; i++)
		if (!strcmp(list[i], s))
			return i;
	if (*n == max)
		return -1;
	list[*n] = s;
	return (*n)++;
}

static enum fc_rc svg_open(struct buf *b, int w, int h, const char *label)
{
	enum fc_rc rc = buf_printf(b,
	                           "<figure><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
	                           "height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"",
	                           w, h, w, h);

	if (!rc)
		rc = ui_esc(b, label);
	if (!rc)
		rc = buf_addstr(b, "\"><title>");
	if (!rc)
		rc = ui_esc(b, label);
	if (!rc)
		rc = buf_addstr(b, "</title>");
	return rc;
}

/* The legend: a swatch and the name of each part. */
static enum fc_rc legend(struct buf *b, const char **parts, int n)
{
	enum fc_rc rc = buf_addstr(b, "<figcaption>");

	for (int i = 0; i < n && !rc; i++) {
		rc = buf_printf(b, "<span style=\"color:%s\">&#9632;</span> ", palette[i]);
		if (!rc)
			rc = ui_esc(b, parts[i][0] ? parts[i] : "(unknown)");
		if (!rc)
			rc = buf_addstr(b, " &nbsp; ");
	}
	if (!rc)
		rc = buf_addstr(b, "</figcaption></figure>\n");
	return rc;
}

enum fc_rc ui_svg_bars(struct buf *b, const cJSON *arr, const char *group, const char *part,
                       const char *value, const char *label)
{
	const char *groups[MAX_GROUPS], *parts[MAX_PARTS];
	double sums[MAX_GROUPS] = {0}, at[MAX_GROUPS] = {0}, max = 0;
	int ng = 0, np = 0, h;
	const cJSON *row;
	enum fc_rc rc;

	cJSON_ArrayForEach(row, arr)
	{
		int g = index_of(groups, &ng, MAX_GROUPS, str_of(row, group));

		(void)index_of(parts, &np, MAX_PARTS, str_of(row, part));
		if (g >= 0)
			sums[g] += num_of(row, value);
	}
	for (int g = 0; g < ng; g++)
		max = sums[g] > max ? sums[g] : max;
	h = ng * (BAR_H + 6) + 10;
	rc = svg_open(b, BAR_W + 260, h, label);
	for (int g = 0; g < ng && !rc; g++) {
		rc =
		    buf_printf(b, "<text x=\"0\" y=\"%d\" font-size=\"13\">", g * (BAR_H + 6) + 16);
		if (!rc)
			rc = ui_esc(b, groups[g]);
		if (!rc)
			rc = buf_printf(
			    b, "</text><text x=\"%d\" y=\"%d\" font-size=\"13\">%.0f</text>",
			    150 + BAR_W + 8, g * (BAR_H + 6) + 16, sums[g]);
	}
	cJSON_ArrayForEach(row, arr)
	{
		int g = index_of(groups, &ng, ng, str_of(row, group));
		int p = index_of(parts, &np, np, str_of(row, part));
		double w = max > 0 ? num_of(row, value) / max * BAR_W : 0;

		if (rc || g < 0 || p < 0)
			continue;
		rc =
		    buf_printf(b,
		               "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\">"
		               "<title>",
		               150 + at[g], g * (BAR_H + 6) + 2, w, BAR_H, palette[p]);
		if (!rc)
			rc = ui_esc(b, parts[p]);
		if (!rc)
			rc = buf_printf(b, ": %.0f</title></rect>", num_of(row, value));
		at[g] += w;
	}
	if (!rc)
		rc = buf_addstr(b, "</svg>");
	if (!rc)
		rc = legend(b, parts, np);
	return rc;
}

enum fc_rc ui_svg_lines(struct buf *b, const cJSON *arr, const char *series, const char *date,
                        const char *value, const char *label)
{
	const char *names[MAX_PARTS], *dates[MAX_POINTS];
	int ns = 0, nd = 0;
	double max = 0;
	const cJSON *row;
	enum fc_rc rc;

	cJSON_ArrayForEach(row, arr)
	{
		(void)index_of(names, &ns, MAX_PARTS, str_of(row, series));
		(void)index_of(dates, &nd, MAX_POINTS, str_of(row, date));
		max = num_of(row, value) > max ? num_of(row, value) : max;
	}
	rc = svg_open(b, BAR_W + 100, 300, label);
	if (!rc)
		rc = buf_printf(b,
		                "<line x1=\"60\" y1=\"270\" x2=\"%d\" y2=\"270\" stroke=\"#000\"/>"
		                "<line x1=\"60\" y1=\"10\" x2=\"60\" y2=\"270\" stroke=\"#000\"/>"
		                "<text x=\"0\" y=\"20\" font-size=\"12\">%.0f</text>"
		                "<text x=\"0\" y=\"270\" font-size=\"12\">0</text>",
		                60 + BAR_W, max);
	if (!rc && nd) {
		rc = buf_addstr(b, "<text x=\"60\" y=\"290\" font-size=\"12\">");
		if (!rc)
			rc = ui_esc(b, dates[0]);
		if (!rc)
			rc = buf_printf(b, "</text><text x=\"%d\" y=\"290\" font-size=\"12\">",
			                BAR_W - 20);
		if (!rc)
			rc = ui_esc(b, dates[nd - 1]);
		if (!rc)
			rc = buf_addstr(b, "</text>");
	}
	for (int s = 0; s < ns && !rc; s++) {
		rc = buf_printf(
		    b, "<polyline fill=\"none\" stroke-width=\"2\" stroke=\"%s\" points=\"",
		    palette[s]);
		cJSON_ArrayForEach(row, arr)
		{
			int d = index_of(dates, &nd, nd, str_of(row, date));

			if (rc || d < 0 || strcmp(str_of(row, series), names[s]))
				continue;
			rc = buf_printf(b, "%.1f,%.1f ",
			                60 + (nd > 1 ? (double)d * BAR_W / (nd - 1) : 0.0),
			                270 - (max > 0 ? num_of(row, value) / max * 250 : 0));
		}
		if (!rc)
			rc = buf_addstr(b, "\"/>");
	}
	if (!rc)
		rc = buf_addstr(b, "</svg>");
	if (!rc)
		rc = legend(b, names, ns);
	return rc;
}
