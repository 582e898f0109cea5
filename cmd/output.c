/*
 * output.c: printing helpers shared by the command interface (commands.c) and the plain line
 * mode (line*.c): times, ids, posts, "Name (handle)".
 *
 * Output is plain UTF-8 text without escape codes. Text from the store is already clean (no
 * control characters but newlines); these helpers must never print anything else.
 */
#include "cmd/cmd.h"
#include "common/common.h"
#include "store/store.h"
#include "text/text.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

void cmd_fmt_time(int64_t t, char out[20])
{
	struct tm tm;
	time_t tt = (time_t)t;
	if (!gmtime_r(&tt, &tm) || strftime(out, 20, "%Y-%m-%d %H:%M", &tm) == 0)
		bbs_strlcpy(out, "?", 20);
}

bool cmd_parse_id(const char *s, int64_t *id)
{
	char *end;
	long long v = strtoll(s, &end, 10);
	if (!*s || *end || v <= 0)
		return false;
	*id = v;
	return true;
}

void cmd_print_indented(FILE *out, const char *body)
{
	const char *p = body;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		fprintf(out, "  %.*s\n", (int)n, p);
		p += n + (nl ? 1 : 0);
	}
}

void cmd_print_post(FILE *out, const struct store_post *p)
{
	char when[20];
	cmd_fmt_time(p->created, when);
	if (strcmp(p->author_handle, STORE_REMOVED_NAME) == 0)   /* deleted by a sysop */
		fprintf(out, "#%lld  %s", (long long)p->seq, p->author_handle);
	else
		fprintf(out, "#%lld  %s (%s)", (long long)p->seq, p->author_name[0]
			? p->author_name : p->author_handle, p->author_handle);
	if (p->author_org[0])
		fprintf(out, ", %s", p->author_org);
	fprintf(out, "  %s%s  [post %lld]\n", when, p->edited ? "  (edited)" : "",
		(long long)p->id);
	if (p->deleted) {
		fprintf(out, "  [removed by its author]\n");
	} else if (p->hidden) {
		/* The body is "" unless the reader is a moderator (store_post_range_for). */
		char hid[20];
		cmd_fmt_time(p->hidden_at, hid);
		fprintf(out, "  [Hidden by a moderator on %s: %s]\n", hid,
			p->hidden_reason ? p->hidden_reason : "");
		if (p->body && p->body[0])
			cmd_print_indented(out, p->body);
	} else {
		cmd_print_indented(out, p->body);
	}
	fputc('\n', out);
}

void cmd_print_party(FILE *out, const char *name, const char *handle)
{
	if (name && name[0] && strcmp(name, handle) != 0)
		fprintf(out, "%s (%s)", name, handle);
	else
		fprintf(out, "%s", handle);
}

bool cmd_token_valid(const char *s)
{
	size_t n = strlen(s);
	return n > 0 && n <= 64 &&
		strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == n;
}

char *cmd_read_body(FILE *in, FILE *err, size_t max, const char *done)
{
	size_t cap = 4096, len = 0;
	char *buf = xmalloc(cap + 1);
	for (;;) {
		if (len == cap) {
			if (cap > max)
				break; /* one byte over is enough to refuse */
			cap *= 2;
			buf = xrealloc(buf, cap + 1);
		}
		size_t r = fread(buf + len, 1, cap - len, in);
		len += r;
		if (r == 0)
			break;
	}
	if (len > max) {
		fprintf(err, "bbs: the text is too large: the limit is %zu bytes; nothing was %s\n",
			max, done);
		free(buf);
		return NULL;
	}
	buf[len] = '\0';
	if (!text_utf8_valid(buf, len) || memchr(buf, '\0', len)) {
		fprintf(err, "bbs: the text is not valid UTF-8; nothing was %s\n", done);
		free(buf);
		return NULL;
	}
	return buf;
}
