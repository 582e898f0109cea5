/*
 * e2e-forms.h: helpers for the membership tests that drive forms (e2e-account, e2e-apply,
 * e2e-join): waiting for a form (its hints have "^X submit", not "? help": in a form '?' is
 * text and help is ^G), bracketed paste, a key file's line, and bbsctl runs.
 * Never sends anything but keys; never sleeps a fixed time.
 */
#ifndef BBS_TEST_E2E_FORMS_H
#define BBS_TEST_E2E_FORMS_H

#include <stdbool.h>
#include <stddef.h>

#include "tests/e2e/tclient.h"

#define FORM_HINT "^X submit"
#define FORM_PASTE_BEGIN "\033[200~"
#define FORM_PASTE_END "\033[201~"

/* Waits for a form: heading in rows 1..3 and "^X submit" on the last row, then for the
 * screen to settle. */
bool form_wait(struct tc *tc, const char *heading, int ms);
/* Sends text as one bracketed paste. Fails the test if the channel is gone. */
void form_paste(struct tc *tc, const char *text);
/* The first line of a file (without its line break). Fails the test on error. */
void form_read_line(const char *path, char *buf, size_t n);
/* The public key line of the private key file keyfile (keyfile.pub). */
void form_pub_line(const char *keyfile, char *buf, size_t n);
/* Its SHA256 fingerprint as ssh-keygen -lf prints it. */
void form_fingerprint(const char *keyfile, char *buf, size_t n);
/*
 * Runs `bbsctl -d DIR args...` (args NULL-terminated, at most 10), stdin from input (may be
 * NULL), output into out (may be NULL). Returns the exit status.
 */
int form_bbsctl(struct tc_fixture *fx, const char *input, char *out, size_t n, ...);
/* `bbsctl invite create` and the code it printed (fails the test on error). */
void form_invite_create(struct tc_fixture *fx, char *code, size_t n);
/* True when no byte of the string s is a C0 control (but '\n' when nl), DEL or a C1 control,
 * and s is valid UTF-8: text that is safe to store and draw. */
bool form_text_clean(const char *s, bool nl);

#endif
