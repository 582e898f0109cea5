/*
 * e2e-forms-lib.c: see e2e-forms.h. Test helpers only; never sleeps a fixed time.
 */
#include "tests/e2e/e2e-forms.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/common.h"
#include "keys/keys.h"
#include "text/text.h"

static bool form_shown(const struct tc_screen *sc, void *arg)
{
	const char *heading = arg;
	int rows;

	tc_screen_size(sc, NULL, &rows);
	if (tc_screen_find_in_row(sc, rows - 1, FORM_HINT) < 0)
		return false;
	for (int r = 1; r <= 3; r++)
		if (tc_screen_find_in_row(sc, r, heading) >= 0)
			return true;
	return false;
}

bool form_wait(struct tc *tc, const char *heading, int ms)
{
	char what[256];

	(void)snprintf(what, sizeof what, "form \"%s\"", heading);
	if (!tc_wait_pred(tc, form_shown, (void *)heading, what, ms))
		return false;
	(void)tc_wait_quiet(tc, 50, 1000);
	return true;
}

void form_paste(struct tc *tc, const char *text)
{
	TC_REQUIRE(tc_send(tc, FORM_PASTE_BEGIN) == 0);
	TC_REQUIRE(tc_send(tc, text) == 0);
	TC_REQUIRE(tc_send(tc, FORM_PASTE_END) == 0);
}

void form_read_line(const char *path, char *buf, size_t n)
{
	FILE *f = fopen(path, "r");
	TC_REQUIRE(f != NULL);
	TC_REQUIRE(fgets(buf, (int)n, f) != NULL);
	(void)fclose(f);
	buf[strcspn(buf, "\r\n")] = '\0';
}

void form_pub_line(const char *keyfile, char *buf, size_t n)
{
	char pub[TC_PATH_MAX + 8];

	TC_REQUIRE(bbs_snprintf(pub, sizeof pub, "%s.pub", keyfile) == 0);
	form_read_line(pub, buf, n);
}

void form_fingerprint(const char *keyfile, char *buf, size_t n)
{
	char line[4096];
	struct keys_pub k = { 0 };

	form_pub_line(keyfile, line, sizeof line);
	TC_REQUIRE(keys_parse_authorized(line, &k, NULL) == 0);
	bbs_strlcpy(buf, k.fingerprint, n);
	keys_pub_finish(&k);
}

int form_bbsctl(struct tc_fixture *fx, const char *input, char *out, size_t n, ...)
{
	char *argv[16] = { fx->bbsctl, "-d", fx->dir };
	int argc = 3;
	va_list ap;

	va_start(ap, n);
	for (const char *a = va_arg(ap, const char *); a && argc < 14;
	     a = va_arg(ap, const char *))
		argv[argc++] = (char *)a;
	va_end(ap);
	argv[argc] = NULL;
	return tc_run(argv, input, out, n, 30000);
}

void form_invite_create(struct tc_fixture *fx, char *code, size_t n)
{
	char out[4096];
	int rc = form_bbsctl(fx, NULL, out, sizeof out, "invite", "create", "--note", "e2e",
		(char *)NULL);
	char *p = strstr(out, "code: ");
	if (rc != 0 || !p)
		tc_fail("bbsctl invite create: status %d: %s", rc, out);
	p += 6;
	p[strcspn(p, "\r\n")] = '\0';
	bbs_strlcpy(code, p, n);
	TC_REQUIRE(strlen(code) == KEYS_INVITE_CODE_LEN - 1);
}

bool form_text_clean(const char *s, bool nl)
{
	size_t len = strlen(s);
	const unsigned char *u = (const unsigned char *)s;

	if (!text_utf8_valid(s, len))
		return false;
	for (size_t i = 0; i < len; i++) {
		if ((u[i] < 0x20 && !(nl && u[i] == '\n')) || u[i] == 0x7f)
			return false;
		/* C1 controls are U+0080..U+009F: 0xC2 0x80..0x9F in UTF-8. */
		if (u[i] == 0xc2 && i + 1 < len && u[i + 1] >= 0x80 && u[i + 1] <= 0x9f)
			return false;
	}
	return true;
}
