/*
 * cmd: the portal's command interface, for `ssh -p 2222 alice@host COMMAND ...`.
 *
 * Members on slow or costly links use it for store-and-forward: fetch a digest, post a reply
 * written offline. bbsd runs the `bbscmd` program with pipes (no pty) for an exec request; the
 * output is plain UTF-8 text without escape codes, stable enough for scripts, and the exit
 * status means something: 0 done, 1 refused or failed (a message on stderr), 2 bad usage.
 *
 * Same permissions as the UI: everything runs as the authenticated member through the store.
 * Must never: store part of a body (a body that is too large or not UTF-8 is refused whole),
 * interpret the command line with a shell, or print a byte that is not clean text.
 */
#ifndef BBS_CMD_H
#define BBS_CMD_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct store;
struct store_user;

#define CMD_LINE_MAX 4096   /* bytes in one command line */
#define CMD_WORDS_MAX 64    /* words in one command line */

/*
 * Splits a command line into words, the way a member expects from a shell but without any
 * expansion: blanks separate words; '...' is literal; "..." allows \" and \\; a backslash
 * outside quotes escapes the next character. Returns 0 and a heap array of heap strings
 * (NULL-terminated; free with cmd_words_free) in *words and the count in *n; or
 * BBS_ERR_INVALID (unterminated quote, invalid UTF-8, control characters) / BBS_ERR_TOOBIG,
 * with *why set to a static sentence.
 */
int cmd_split(const char *line, char ***words, int *n, const char **why);
void cmd_words_free(char **words);

/* Runs one command (words[0] is its name) for member u. Reads a body from in when the
 * command takes one. Returns the exit status (0, 1 or 2). */
int cmd_run(struct store *st, const struct store_user *u, int n, char **words, FILE *in,
	FILE *out, FILE *err);

/* ---- challenge.c: the challenge question (`challenge ...`), same rules as the UI's ---- */
#define CMD_CHALLENGE_USAGE "challenge [question] | challenge list [--newest] [--mine] " \
	"[--area AREA] | challenge show ID | challenge submit --title TITLE --area AREA " \
	"[--area AREA...] [--id TOKEN] < text | challenge endorse ID | challenge unendorse ID"
/* Runs `challenge` (argv[0]) for member u: the question, the list, one challenge, submit
 * (the explanation read whole from in: too large or not UTF-8 refused whole; --id makes a
 * retry safe), endorse and take back. Returns 0, 1 (refused: a message on err) or 2 (bad
 * usage: the caller prints CMD_CHALLENGE_USAGE). */
int cmd_challenge(struct store *st, const struct store_user *u, int argc, char **argv,
	FILE *in, FILE *out, FILE *err);

/* ---- output.c: printing helpers shared with the line mode (plain text, no escape codes) ---- */

struct store_post;

/* Writes t (Unix seconds) as "YYYY-MM-DD HH:MM" UTC into out, or "?". */
void cmd_fmt_time(int64_t t, char out[20]);
/* Parses a positive decimal id (the whole string); false otherwise (*id untouched). */
bool cmd_parse_id(const char *s, int64_t *id);
/* Prints body (clean text from the store) line by line, each indented by two spaces. */
void cmd_print_indented(FILE *out, const char *body);
/* Prints one post: a header line (#seq, author, org, time, id), its body indented (or the
 * removed/hidden notice), then an empty line. */
void cmd_print_post(FILE *out, const struct store_post *p);
/* Prints "Name (handle)", or "handle" when there is no other name. */
void cmd_print_party(FILE *out, const char *name, const char *handle);
/* A client token that makes a post, message or submit idempotent (--id): 1..64 characters of
 * [A-Za-z0-9._-]. */
bool cmd_token_valid(const char *s);
/* Reads all of in as one text: a heap string, or NULL when it is over max bytes, not UTF-8
 * or holds a NUL byte (then a message saying "nothing was <done>" went to err). Never keeps a
 * part: the text is read whole before anything is decided. */
char *cmd_read_body(FILE *in, FILE *err, size_t max, const char *done);

/* ---- line*.c: the plain line mode (`bbscmd --line`) ----
 *
 * For TERM=dumb, for connections without a pty (`ssh -T host`) and for members who chose it
 * (users.line_mode): numbered menus and prompts on plain lines, no cursor addressing, no
 * escape codes. Input is read a line at a time (at most CMD_LINE_MAX bytes, valid UTF-8,
 * control characters removed); every prompt ends in "> " or ": " on its own line.
 */
struct line {
	struct store *st;
	struct store_user *u;   /* the member (owned; reloaded after an account change); NULL
	                         * for a visitor (line_guest) */
	FILE *in, *out;
	bool tty;               /* input is a terminal (a password can be typed without echo) */
	bool eof;               /* the input ended (or the link dropped): unwind and leave */
	bool quit;              /* the member chose Log off */
	bool draining;          /* the link dropped: reading what is left without waiting */
	char *ring[8];          /* line_clean's copies of unclean text */
	int ringpos;
	bool local_time;        /* times in the member's time zone (TZ set), else UTC */
};

/* Runs the line mode for member u until Log off or the end of input; takes u over (frees
 * it). Returns the exit status (0). */
int line_main(struct store *st, struct store_user *u, FILE *in, FILE *out, bool tty);

/* The line mode for a visitor ("guest"): the public pages only (welcome, focus area pages,
 * the challenge question's text and dates, Who we are); never anything members wrote.
 * Returns the exit status (0). */
int line_guest(struct store *st, FILE *in, FILE *out);

/* True once the session must unwind (input ended or Log off). */
bool line_done(const struct line *l);
/* Prints prompt (it ends in "> " or ": "), reads one line into buf (size >= 2): a line too
 * long, not UTF-8, is refused with a message and asked again; control characters are
 * removed and blanks trimmed at both ends. Returns false at the end of input (l->eof). */
bool line_read(struct line *l, const char *prompt, char *buf, size_t size);
/* A menu answer: 1..n for a number in range; 0 with the answer (lower case) in word for one
 * of the space-separated words of keys, or "q"; -1 to leave (end of input, or "x"/"0" = Log
 * off, which sets l->quit). A number out of range or another word is refused and asked
 * again (the menu is not printed twice); "?" prints help (if not NULL) and asks again. */
int line_choose(struct line *l, const char *prompt, int n, const char *keys, const char *help,
	char *word, size_t wsize);
/* Asks a yes/no question (prompt ends in "(y/n): "). False for no and at end of input. */
bool line_yes(struct line *l, const char *prompt);
/* Text from the store as it may be printed: s itself when clean, else a cleaned copy (kept
 * until 8 more calls). With the member's ASCII preference, non-ASCII becomes '?'. */
const char *line_clean(struct line *l, const char *s, bool multiline);
/* A time as "YYYY-MM-DD HH:MM ZONE": in the member's time zone when they chose one that this
 * system knows (line_apply_tz), else "UTC". */
#define LINE_TIME_LEN 48
void line_time(const struct line *l, int64_t t, char out[LINE_TIME_LEN]);
/* Follows the member's time zone preference (TZ for this process); again after a change. */
void line_apply_tz(struct line *l);
/* Prints text (multi-line, cleaned) indented by two spaces. */
void line_print_text(struct line *l, const char *s);
/* "Unknown choice" message, pointing at "?". */
void line_unknown(struct line *l);
/* The text a quoting reply starts with, as the full-screen editor writes it: "handle wrote:",
 * each line of body as "> line", then an empty line. A heap string. */
char *line_quote(const char *handle, const char *body);
/* Asks for a reason and reports a post, challenge or message (enum store_report_kind) to the
 * moderators, saying what came of it. */
void line_report(struct line *l, int kind, int64_t target_id);

/* What line_body asks for and does at the end of input. */
struct line_body {
	const char *what;       /* "your reply", used in messages */
	size_t max;             /* bytes */
	const char *context;    /* draft context saved at the end of input, or NULL */
	const char *title;      /* the draft's title ("" if none) */
	const char *initial;    /* text already written (a quote, a draft), or NULL */
};
/* Reads a body: lines ended by a line holding only ".", "~q" abandons. Returns 0 with a heap
 * string in *out; 1 when abandoned or refused (too large: a message says so, nothing kept);
 * -1 at the end of input (the text so far saved as a draft under b->context). */
int line_body(struct line *l, const struct line_body *b, char **out);

/* The areas (line-boards.c, line-messages.c, line-account.c, line-challenge.c). Each runs
 * its menus until q, Log off or the end of input, with the member's permissions as the store
 * applies them. The writers (reply, new discussion, message, challenge) return 0 when the
 * text was stored, 1 when cancelled or refused (a message says why), -1 at the end of input
 * (the text kept as a draft); a non-NULL title/subject/draft_body resumes a draft (the
 * body is shown and the member's lines are added after it). */
void line_boards(struct line *l, int64_t area_id);   /* area_id -1: every board */
/* Opens the next discussion with unread posts; false (and a message) when there is none. */
bool line_next_unread(struct line *l);
void line_search(struct line *l);
/* A discussion page by page from from_seq (0: its first unread post), marked read as shown. */
void line_thread(struct line *l, int64_t thread_id, int64_t from_seq);
int line_reply(struct line *l, int64_t thread_id, int64_t quote_id, const char *draft_body);
int line_new_thread(struct line *l, int64_t board_id, const char *title, const char *draft_body);
void line_messages(struct line *l);
void line_directory(struct line *l);
/* handle NULL: asked (never echoed unless it is a member's handle); reply_to 0: a new one. */
int line_message_write(struct line *l, const char *handle, int64_t reply_to,
	const char *subject, const char *draft_body);
void line_account(struct line *l);
/* After a sysop's password reset (must_change_password): a new password before anything else;
 * false when none was set (no terminal, or the input ended): the session must end. */
bool line_password_forced(struct line *l);
void line_challenge(struct line *l);
/* Moderators and sysops (line-admin.c): the report queue; for sysops also the items of
 * line-sysop.c. */
void line_admin(struct line *l);
/* The sysops' administration (line-sysop.c), each refused with a message for anyone but a
 * sysop: members (applications, edit, verify, password reset, lock, silence, delete),
 * invites (create, list, revoke), who is online (end a session), the audit log, the
 * structure and content (site name, registration, guest access, pages, areas, boards). */
void line_sysop_members(struct line *l);
void line_sysop_invites(struct line *l);
void line_sysop_online(struct line *l);
void line_sysop_audit(struct line *l);
void line_sysop_structure(struct line *l);   /* settings, pages, focus areas, boards */
int line_challenge_submit(struct line *l, int64_t question_id, const char *title,
	const char *draft_body);

#endif
