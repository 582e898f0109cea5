/*
 * keymap.c: every key binding of the UI, as data (tmux's command table idea).
 *
 * Each screen has one table: key -> action, with the description the help screen shows and
 * the word the bottom line shows. Help screens and hints are generated from these tables, so
 * a binding cannot be documented in one place and behave differently in another.
 * Table order is the order of the help screen and of the hints (most important first).
 *
 * Must never: contain behaviour (screens act on actions, not on keys).
 */
#include "ui/ui.h"

#include "common/common.h"

#include <string.h>

#define K_UP UI_FN(KEY_UP)
#define K_DOWN UI_FN(KEY_DOWN)
#define K_LEFT UI_FN(KEY_LEFT)
#define K_RIGHT UI_FN(KEY_RIGHT)
#define K_PGUP UI_FN(KEY_PPAGE)
#define K_PGDN UI_FN(KEY_NPAGE)
#define K_HOME UI_FN(KEY_HOME)
#define K_END UI_FN(KEY_END)

/* The quick exit, on every screen (term.c acts on it before any table is looked at; it is in
 * the tables so that help shows it). ^\ cannot be typed by accident and every terminal sends
 * it as one byte. */
#define QUICK_EXIT_DESC "Quick exit: clear the screen and the scrollback and leave at once"
#define QUICK_EXIT \
	{ UI_ACT_QUICK_EXIT, { UI_KEY_QUICK_EXIT }, "^\\", QUICK_EXIT_DESC, NULL, NULL }
#define QUICK_EXIT_EDITOR \
	{ UI_ACT_QUICK_EXIT, { UI_KEY_QUICK_EXIT }, "^\\", \
		QUICK_EXIT_DESC " (what you typed is kept as a draft)", NULL, NULL }

static const struct ui_binding menu_bindings[] = {
	{ UI_ACT_OPEN, { UI_KEY_ENTER, K_RIGHT }, NULL, "Open the selected item", "Enter", "open" },
	{ UI_ACT_UP, { K_UP, 'k' }, NULL, "Move up", "j/k", "move" },
	{ UI_ACT_DOWN, { K_DOWN, 'j' }, NULL, "Move down", NULL, NULL },
	{ UI_ACT_PGUP, { K_PGUP }, NULL, "Move up one page", NULL, NULL },
	{ UI_ACT_PGDN, { K_PGDN }, NULL, "Move down one page", NULL, NULL },
	{ UI_ACT_HOME, { K_HOME }, NULL, "First item", NULL, NULL },
	{ UI_ACT_END, { K_END }, NULL, "Last item", NULL, NULL },
	{ UI_ACT_JUMP, { '1', '2', '3', '4', '5', '6', '7', '8', '9' }, "1-9",
		"Open item number N", NULL, NULL },
	{ UI_ACT_HELP, { '?' }, NULL, "This help", "?", "help" },
	{ UI_ACT_QUIT, { 'q', UI_KEY_ESC }, NULL, "Log off (asks first)", "q", "log off" },
	{ UI_ACT_NEXT_UNREAD, { 'n' }, NULL, "Open the next discussion with unread posts",
		"n", "next unread" },
	{ UI_ACT_SEARCH, { '/' }, NULL, "Search the discussions", "/", "search" },
	{ UI_ACT_QUICK_EXIT, { UI_KEY_QUICK_EXIT }, "^\\", QUICK_EXIT_DESC, "^\\",
		"quick exit" },
};

/* A guest's menu: what works for someone who is not a member (no n, no /). */
static const struct ui_binding menu_guest_bindings[] = {
	{ UI_ACT_OPEN, { UI_KEY_ENTER, K_RIGHT }, NULL, "Open the selected item", "Enter", "open" },
	{ UI_ACT_UP, { K_UP, 'k' }, NULL, "Move up", "j/k", "move" },
	{ UI_ACT_DOWN, { K_DOWN, 'j' }, NULL, "Move down", NULL, NULL },
	{ UI_ACT_PGUP, { K_PGUP }, NULL, "Move up one page", NULL, NULL },
	{ UI_ACT_PGDN, { K_PGDN }, NULL, "Move down one page", NULL, NULL },
	{ UI_ACT_HOME, { K_HOME }, NULL, "First item", NULL, NULL },
	{ UI_ACT_END, { K_END }, NULL, "Last item", NULL, NULL },
	{ UI_ACT_JUMP, { '1', '2', '3', '4', '5', '6', '7', '8', '9' }, "1-9",
		"Open item number N", NULL, NULL },
	{ UI_ACT_HELP, { '?' }, NULL, "This help", "?", "help" },
	{ UI_ACT_QUIT, { 'q', UI_KEY_ESC }, NULL, "Log off (asks first)", "q", "log off" },
	{ UI_ACT_QUICK_EXIT, { UI_KEY_QUICK_EXIT }, "^\\", QUICK_EXIT_DESC, "^\\",
		"quick exit" },
};

static const struct ui_binding pager_bindings[] = {
	{ UI_ACT_BACK, { 'q', UI_KEY_ESC, K_LEFT, UI_KEY_BACKSPACE }, NULL, "Back to the menu",
		"q", "back" },
	{ UI_ACT_UP, { K_UP, 'k' }, NULL, "Scroll up one line", "j/k", "scroll" },
	{ UI_ACT_DOWN, { K_DOWN, 'j', UI_KEY_ENTER }, NULL, "Scroll down one line", NULL, NULL },
	{ UI_ACT_PGDN, { K_PGDN, ' ' }, NULL, "Scroll down one page", "Space", "page" },
	{ UI_ACT_PGUP, { K_PGUP, 'b' }, NULL, "Scroll up one page", NULL, NULL },
	{ UI_ACT_HOME, { K_HOME, 'g' }, NULL, "Go to the top", NULL, NULL },
	{ UI_ACT_END, { K_END, 'G' }, NULL, "Go to the end", NULL, NULL },
	{ UI_ACT_HELP, { '?' }, NULL, "This help", "?", "help" },
	QUICK_EXIT,
};

static const struct ui_binding area_bindings[] = {
	{ UI_ACT_BACK, { 'q', UI_KEY_ESC, K_LEFT, UI_KEY_BACKSPACE }, NULL, "Back to the menu",
		"q", "back" },
	{ UI_ACT_BOARDS, { 'b' }, NULL, "This area's discussion boards", "b", "boards" },
	{ UI_ACT_UP, { K_UP, 'k' }, NULL, "Scroll up one line", "j/k", "scroll" },
	{ UI_ACT_DOWN, { K_DOWN, 'j', UI_KEY_ENTER }, NULL, "Scroll down one line", NULL, NULL },
	{ UI_ACT_PGDN, { K_PGDN, ' ' }, NULL, "Scroll down one page", "Space", "page" },
	{ UI_ACT_PGUP, { K_PGUP }, NULL, "Scroll up one page", NULL, NULL },
	{ UI_ACT_HOME, { K_HOME, 'g' }, NULL, "Go to the top", NULL, NULL },
	{ UI_ACT_END, { K_END, 'G' }, NULL, "Go to the end", NULL, NULL },
	{ UI_ACT_HELP, { '?' }, NULL, "This help", "?", "help" },
	QUICK_EXIT,
};

/* Moving in a list, shared wording for the three lists. */
#define LIST_MOVES \
	{ UI_ACT_UP, { K_UP, 'k' }, NULL, "Move up", "j/k", "move" }, \
	{ UI_ACT_DOWN, { K_DOWN, 'j' }, NULL, "Move down", NULL, NULL }, \
	{ UI_ACT_PGUP, { K_PGUP }, NULL, "Move up one page", NULL, NULL }, \
	{ UI_ACT_PGDN, { K_PGDN, ' ' }, NULL, "Move down one page", NULL, NULL }, \
	{ UI_ACT_HOME, { K_HOME, 'g' }, NULL, "First item", NULL, NULL }, \
	{ UI_ACT_END, { K_END, 'G' }, NULL, "Last item", NULL, NULL }

static const struct ui_binding boards_bindings[] = {
	{ UI_ACT_OPEN, { UI_KEY_ENTER, K_RIGHT }, NULL, "Open the selected board", "Enter", "open" },
	LIST_MOVES,
	{ UI_ACT_BACK, { 'q', UI_KEY_ESC, K_LEFT, UI_KEY_BACKSPACE }, NULL, "Back", "q", "back" },
	{ UI_ACT_HELP, { '?' }, NULL, "This help", "?", "help" },
	{ UI_ACT_NEXT_UNREAD, { 'n' }, NULL, "Open the next discussion with unread posts",
		"n", "next unread" },
	{ UI_ACT_SEARCH, { '/' }, NULL, "Search the discussions", "/", "search" },
	{ UI_ACT_MARK_READ, { 'm' }, NULL, "Mark this board read", "m", "mark read" },
	{ UI_ACT_MARK_ALL, { 'M' }, NULL, "Mark everything read (asks first)", NULL, NULL },
	QUICK_EXIT,
};

static const struct ui_binding threads_bindings[] = {
	{ UI_ACT_OPEN, { UI_KEY_ENTER, K_RIGHT }, NULL, "Open the selected discussion",
		"Enter", "open" },
	{ UI_ACT_NEW, { 'c' }, NULL, "Start a new discussion", "c", "new" },
	LIST_MOVES,
	{ UI_ACT_BACK, { 'q', UI_KEY_ESC, K_LEFT, UI_KEY_BACKSPACE }, NULL, "Back to the boards",
		"q", "back" },
	{ UI_ACT_HELP, { '?' }, NULL, "This help", "?", "help" },
	{ UI_ACT_NEXT_UNREAD, { 'n' }, NULL, "Open the next discussion with unread posts",
		"n", "next unread" },
	{ UI_ACT_SEARCH, { '/' }, NULL, "Search the discussions", "/", "search" },
	{ UI_ACT_MARK_READ, { 'm' }, NULL, "Mark this board read", "m", "mark read" },
	{ UI_ACT_PIN, { 'P' }, NULL, "Moderators: pin or unpin the selected discussion", NULL, NULL },
	QUICK_EXIT,
};

static const struct ui_binding discussion_bindings[] = {
	{ UI_ACT_BACK, { 'q', UI_KEY_ESC, K_LEFT, UI_KEY_BACKSPACE }, NULL,
		"Back to the discussion list", "q", "back" },
	{ UI_ACT_UP, { K_UP, 'k' }, NULL, "Scroll up one line", "j/k", "scroll" },
	{ UI_ACT_DOWN, { K_DOWN, 'j', UI_KEY_ENTER }, NULL, "Scroll down one line", NULL, NULL },
	{ UI_ACT_NEXT_POST, { 'J' }, NULL, "Next post", "J/K", "post" },
	{ UI_ACT_PREV_POST, { 'K' }, NULL, "Previous post", NULL, NULL },
	{ UI_ACT_REPLY, { 'r' }, NULL, "Reply", "r", "reply" },
	{ UI_ACT_QUOTE, { 'R' }, NULL, "Reply quoting the current post", "R", "quote" },
	{ UI_ACT_HELP, { '?' }, NULL, "This help", "?", "help" },
	{ UI_ACT_NEXT_UNREAD, { 'n' }, NULL, "Open the next discussion with unread posts",
		"n", "next unread" },
	{ UI_ACT_EDIT, { 'e' }, NULL, "Edit the current post (your own)", "e", "edit" },
	{ UI_ACT_DELETE, { 'd' }, NULL, "Delete the current post (your own; asks first)",
		"d", "delete" },
	{ UI_ACT_SEARCH, { '/' }, NULL, "Search the discussions", "/", "search" },
	{ UI_ACT_CHALLENGE, { 'c' }, NULL, "The challenge this discussion came from", NULL, NULL },
	{ UI_ACT_REPORT, { '!' }, NULL, "Report the current post to the moderators (asks why)",
		"!", "report" },
	{ UI_ACT_HIDE, { 'H' }, NULL, "Moderators: hide the current post (asks for a reason)",
		NULL, NULL },
	{ UI_ACT_UNHIDE, { 'U' }, NULL, "Moderators: show a hidden post again", NULL, NULL },
	{ UI_ACT_LOCK, { 'L' }, NULL, "Moderators: lock or unlock the discussion", NULL, NULL },
	{ UI_ACT_PIN, { 'P' }, NULL, "Moderators: pin or unpin the discussion", NULL, NULL },
	{ UI_ACT_MOVE, { 'V' }, NULL, "Moderators: move the discussion to another board",
		NULL, NULL },
	{ UI_ACT_PGDN, { K_PGDN, ' ' }, NULL, "Scroll down one page", NULL, NULL },
	{ UI_ACT_PGUP, { K_PGUP, 'b' }, NULL, "Scroll up one page", NULL, NULL },
	{ UI_ACT_HOME, { K_HOME, 'g' }, NULL, "Go to the first post", NULL, NULL },
	{ UI_ACT_END, { K_END, 'G' }, NULL, "Go to the end", NULL, NULL },
	QUICK_EXIT,
};

static const struct ui_binding search_bindings[] = {
	{ UI_ACT_OPEN, { UI_KEY_ENTER, K_RIGHT }, NULL, "Open the discussion at this post",
		"Enter", "open" },
	LIST_MOVES,
	{ UI_ACT_BACK, { 'q', UI_KEY_ESC, K_LEFT, UI_KEY_BACKSPACE }, NULL, "Back", "q", "back" },
	{ UI_ACT_HELP, { '?' }, NULL, "This help", "?", "help" },
	{ UI_ACT_SEARCH, { '/' }, NULL, "Search again", "/", "search" },
	QUICK_EXIT,
};

/* The editor: every printable key is text, so its commands are control keys; help is ^G
 * (as in nano) because '?' must type a question mark. */
#define EDITOR_KEYS \
	{ UI_ACT_SEND, { UI_CTRL('x') }, "^X", "Send", "^X", "send" }, \
	{ UI_ACT_CANCEL, { UI_CTRL('c'), UI_KEY_ESC }, "^C, Esc", \
		"Cancel (asks before throwing away what you typed)", "^C", "cancel" }
#define EDITOR_MOVES \
	{ UI_ACT_HELP, { UI_CTRL('g'), UI_FN(KEY_F(1)) }, "^G, F1", "This help", "^G", "help" }, \
	{ UI_ACT_LEFT, { K_LEFT }, NULL, "Cursor left", NULL, NULL }, \
	{ UI_ACT_RIGHT, { K_RIGHT }, NULL, "Cursor right", NULL, NULL }, \
	{ UI_ACT_UP, { K_UP }, NULL, "Cursor up one line", NULL, NULL }, \
	{ UI_ACT_DOWN, { K_DOWN }, NULL, "Cursor down one line", NULL, NULL }, \
	{ UI_ACT_WORD_LEFT, { UI_KEY_WORD_LEFT }, "Ctrl-Left, Alt-b", "Previous word", NULL, NULL }, \
	{ UI_ACT_WORD_RIGHT, { UI_KEY_WORD_RIGHT }, "Ctrl-Right, Alt-f", "Next word", NULL, NULL }, \
	{ UI_ACT_LINE_START, { K_HOME, UI_CTRL('a') }, "Home, ^A", "Start of the line", NULL, NULL }, \
	{ UI_ACT_LINE_END, { K_END, UI_CTRL('e') }, "End, ^E", "End of the line", NULL, NULL }, \
	{ UI_ACT_PGUP, { K_PGUP }, NULL, "Up one page", NULL, NULL }, \
	{ UI_ACT_PGDN, { K_PGDN }, NULL, "Down one page", NULL, NULL }, \
	{ UI_ACT_BACKSPACE, { UI_KEY_BACKSPACE }, "Backspace, ^H", "Delete the character before the cursor", \
		NULL, NULL }, \
	{ UI_ACT_DELETE_CHAR, { UI_KEY_DELETE, UI_CTRL('d') }, "Delete, ^D", \
		"Delete the character under the cursor", NULL, NULL }, \
	{ UI_ACT_NEWLINE, { UI_KEY_ENTER }, NULL, "New line (in the title: go to the text)", NULL, NULL }

static const struct ui_binding editor_new_bindings[] = {
	EDITOR_KEYS,
	{ UI_ACT_SWITCH, { UI_KEY_TAB }, "Tab", "Between the title and the text", "Tab",
		"title/body" },
	EDITOR_MOVES,
	QUICK_EXIT_EDITOR,
};

static const struct ui_binding editor_bindings[] = {
	EDITOR_KEYS,
	EDITOR_MOVES,
	QUICK_EXIT_EDITOR,
};

static const struct ui_binding help_bindings[] = {
	{ UI_ACT_BACK, { 'q', UI_KEY_ESC, K_LEFT, UI_KEY_BACKSPACE }, NULL, "Close the help",
		"q", "close" },
	{ UI_ACT_UP, { K_UP, 'k' }, NULL, "Scroll up one line", "j/k", "scroll" },
	{ UI_ACT_DOWN, { K_DOWN, 'j', UI_KEY_ENTER }, NULL, "Scroll down one line", NULL, NULL },
	{ UI_ACT_PGDN, { K_PGDN, ' ' }, NULL, "Scroll down one page", NULL, NULL },
	{ UI_ACT_PGUP, { K_PGUP, 'b' }, NULL, "Scroll up one page", NULL, NULL },
	{ UI_ACT_HOME, { K_HOME, 'g' }, NULL, "Go to the top", NULL, NULL },
	{ UI_ACT_END, { K_END, 'G' }, NULL, "Go to the end", NULL, NULL },
	QUICK_EXIT,
};

/* Moderators' keys on the challenge screens; members get "Only moderators can do that". */
#define MODERATOR_KEYS \
	{ UI_ACT_MERGE, { 'M' }, NULL, "Moderators: merge this challenge into another", NULL, NULL }, \
	{ UI_ACT_HIDE, { 'H' }, NULL, "Moderators: hide this challenge (asks for a reason)", \
		NULL, NULL }, \
	{ UI_ACT_UNHIDE, { 'U' }, NULL, "Moderators: show a hidden challenge again", NULL, NULL }, \
	{ UI_ACT_PROMOTE, { 'P' }, NULL, "Moderators: turn this challenge into a discussion", \
		NULL, NULL }, \
	{ UI_ACT_SETTINGS, { 'Q' }, NULL, "Moderators: the question settings", NULL, NULL }

static const struct ui_binding challenge_bindings[] = {
	{ UI_ACT_ANSWER, { 'a' }, NULL, "Answer: submit a challenge", "a", "answer" },
	{ UI_ACT_OPEN, { UI_KEY_ENTER, K_RIGHT }, NULL, "Open the selected challenge",
		"Enter", "open" },
	{ UI_ACT_ENDORSE, { 'e' }, NULL, "Endorse the selected challenge, or take it back",
		"e", "endorse" },
	{ UI_ACT_ORDER, { 'o' }, NULL, "Order: most endorsed or newest", "o", "order" },
	{ UI_ACT_FILTER, { 'f' }, NULL, "Filter by focus area", "f", "area" },
	{ UI_ACT_MINE, { 'm' }, NULL, "Only my challenges (again: everyone's)", "m", "mine" },
	{ UI_ACT_HELP, { '?' }, NULL, "This help", "?", "help" },
	{ UI_ACT_BACK, { 'q', UI_KEY_ESC, K_LEFT, UI_KEY_BACKSPACE }, NULL, "Back", "q", "back" },
	{ UI_ACT_RESULTS, { 'r' }, NULL, "Results", "r", "results" },
	{ UI_ACT_ARCHIVE, { 'h' }, NULL, "Past questions", "h", "archive" },
	{ UI_ACT_MODLOG, { 'R' }, NULL, "The moderation record", "R", "record" },
	{ UI_ACT_SEARCH, { '/' }, NULL, "Search the discussions", NULL, NULL },
	LIST_MOVES,
	MODERATOR_KEYS,
	QUICK_EXIT,
};

/* A page of text: scrolling, shared by the challenge detail. */
#define PAGE_MOVES \
	{ UI_ACT_UP, { K_UP, 'k' }, NULL, "Scroll up one line", "j/k", "scroll" }, \
	{ UI_ACT_DOWN, { K_DOWN, 'j' }, NULL, "Scroll down one line", NULL, NULL }, \
	{ UI_ACT_PGDN, { K_PGDN, ' ' }, NULL, "Scroll down one page", NULL, NULL }, \
	{ UI_ACT_PGUP, { K_PGUP, 'b' }, NULL, "Scroll up one page", NULL, NULL }, \
	{ UI_ACT_HOME, { K_HOME, 'g' }, NULL, "Go to the top", NULL, NULL }, \
	{ UI_ACT_END, { K_END, 'G' }, NULL, "Go to the end", NULL, NULL }

static const struct ui_binding challenge_detail_bindings[] = {
	{ UI_ACT_BACK, { 'q', UI_KEY_ESC, K_LEFT, UI_KEY_BACKSPACE }, NULL, "Back", "q", "back" },
	{ UI_ACT_ENDORSE, { 'e' }, NULL, "Endorse or take back (your own: edit it)", "e",
		"endorse/edit" },
	{ UI_ACT_DISCUSSION, { 'd' }, NULL, "The discussion it was promoted to", "d",
		"discussion" },
	{ UI_ACT_WITHDRAW, { 'w' }, NULL, "Withdraw your own challenge (asks first)", "w",
		"withdraw" },
	{ UI_ACT_REPORT, { '!' }, NULL, "Report this challenge to the moderators (asks why)",
		"!", "report" },
	{ UI_ACT_HELP, { '?' }, NULL, "This help", "?", "help" },
	PAGE_MOVES,
	MODERATOR_KEYS,
	QUICK_EXIT,
};

static const struct ui_binding areas_choose_bindings[] = {
	{ UI_ACT_TOGGLE, { ' ', 'x' }, NULL, "Tick or untick the area", "Space", "tick" },
	{ UI_ACT_OPEN, { UI_KEY_ENTER }, NULL, "Done: submit with the ticked areas", "Enter",
		"done" },
	{ UI_ACT_BACK, { 'q', UI_KEY_ESC, K_LEFT }, NULL, "Back to the text", "q", "back" },
	{ UI_ACT_HELP, { '?' }, NULL, "This help", "?", "help" },
	{ UI_ACT_UP, { K_UP, 'k' }, NULL, "Move up", "j/k", "move" },
	{ UI_ACT_DOWN, { K_DOWN, 'j' }, NULL, "Move down", NULL, NULL },
	QUICK_EXIT,
};

static const struct ui_binding archive_bindings[] = {
	{ UI_ACT_OPEN, { UI_KEY_ENTER, K_RIGHT }, NULL, "Show that question's challenges",
		"Enter", "open" },
	LIST_MOVES,
	{ UI_ACT_BACK, { 'q', UI_KEY_ESC, K_LEFT, UI_KEY_BACKSPACE }, NULL, "Back", "q", "back" },
	{ UI_ACT_HELP, { '?' }, NULL, "This help", "?", "help" },
	QUICK_EXIT,
};

static const struct ui_binding question_bindings[] = {
	{ UI_ACT_OPEN, { UI_KEY_ENTER }, NULL, "Change the field, or do the action", "Enter",
		"change" },
	{ UI_ACT_TOGGLE, { ' ' }, NULL, "Switch yes/no", "Space", "yes/no" },
	{ UI_ACT_UP, { K_UP, 'k' }, NULL, "Move up", "j/k", "move" },
	{ UI_ACT_DOWN, { K_DOWN, 'j', UI_KEY_TAB }, NULL, "Move down", NULL, NULL },
	{ UI_ACT_BACK, { 'q', UI_KEY_ESC, K_LEFT }, NULL, "Back (unsaved changes are lost)", "q",
		"back" },
	{ UI_ACT_HELP, { '?' }, NULL, "This help", "?", "help" },
	QUICK_EXIT,
};

/* Forms (form.c): printable keys are text, so commands are control and function keys. */
static const struct ui_binding form_bindings[] = {
	{ UI_ACT_SEND, { UI_CTRL('x') }, "^X", "Submit the form", "^X", "submit" },
	{ UI_ACT_DOWN, { K_DOWN, UI_KEY_TAB }, "Down, Tab", "Next field (in a text box: next line)",
		"Tab", "next" },
	{ UI_ACT_UP, { K_UP, UI_FN(KEY_BTAB) }, "Up, Shift-Tab",
		"Previous field (in a text box: previous line)", NULL, NULL },
	{ UI_ACT_OPEN, { UI_KEY_ENTER }, NULL,
		"Next field; in a text box a new line; on the button, submit", NULL, NULL },
	{ UI_ACT_CANCEL, { UI_KEY_ESC, UI_CTRL('c') }, "Esc, ^C",
		"Leave the form (asks first if you typed something)", "Esc", "leave" },
	{ UI_ACT_TOGGLE, { 0 }, "Space, Left, Right", "Change a choice or a yes/no field", NULL,
		NULL },
	{ UI_ACT_NONE, { 0 }, "^U", "Clear the field", NULL, NULL },
	{ UI_ACT_HELP, { UI_CTRL('g'), UI_FN(KEY_F(1)) }, "^G, F1", "This help", "^G", "help" },
	{ UI_ACT_LEFT, { K_LEFT }, NULL, "Cursor left (a choice: previous option)", NULL, NULL },
	{ UI_ACT_RIGHT, { K_RIGHT }, NULL, "Cursor right (a choice: next option)", NULL, NULL },
	{ UI_ACT_WORD_LEFT, { UI_KEY_WORD_LEFT }, "Ctrl-Left, Alt-b", "Previous word", NULL, NULL },
	{ UI_ACT_WORD_RIGHT, { UI_KEY_WORD_RIGHT }, "Ctrl-Right, Alt-f", "Next word", NULL, NULL },
	{ UI_ACT_LINE_START, { K_HOME, UI_CTRL('a') }, "Home, ^A", "Start of the line", NULL, NULL },
	{ UI_ACT_LINE_END, { K_END, UI_CTRL('e') }, "End, ^E", "End of the line", NULL, NULL },
	{ UI_ACT_BACKSPACE, { UI_KEY_BACKSPACE }, "Backspace, ^H",
		"Delete the character before the cursor", NULL, NULL },
	{ UI_ACT_DELETE_CHAR, { UI_KEY_DELETE, UI_CTRL('d') }, "Delete, ^D",
		"Delete the character under the cursor", NULL, NULL },
	QUICK_EXIT,
};

/* Your account (account.c): a short menu. */
static const struct ui_binding account_bindings[] = {
	{ UI_ACT_OPEN, { UI_KEY_ENTER, K_RIGHT }, NULL, "Open the selected item", "Enter", "open" },
	{ UI_ACT_UP, { K_UP, 'k' }, NULL, "Move up", "j/k", "move" },
	{ UI_ACT_DOWN, { K_DOWN, 'j' }, NULL, "Move down", NULL, NULL },
	{ UI_ACT_JUMP, { '1', '2', '3', '4', '5', '6', '7', '8', '9' }, "1-9",
		"Open item number N", NULL, NULL },
	{ UI_ACT_BACK, { 'q', UI_KEY_ESC, K_LEFT, UI_KEY_BACKSPACE }, NULL, "Back", "q", "back" },
	{ UI_ACT_HELP, { '?' }, NULL, "This help", "?", "help" },
	QUICK_EXIT,
};

/* Your account > Keys: the list of one's keys. */
static const struct ui_binding keys_bindings[] = {
	{ UI_ACT_NEW, { 'a' }, NULL, "Add a key (paste an authorized_keys line)", "a", "add" },
	{ UI_ACT_DELETE, { 'd', UI_KEY_DELETE }, NULL, "Remove the selected key (asks first)", "d",
		"remove" },
	{ UI_ACT_UP, { K_UP, 'k' }, NULL, "Move up", "j/k", "move" },
	{ UI_ACT_DOWN, { K_DOWN, 'j' }, NULL, "Move down", NULL, NULL },
	{ UI_ACT_HOME, { K_HOME, 'g' }, NULL, "First key", NULL, NULL },
	{ UI_ACT_END, { K_END, 'G' }, NULL, "Last key", NULL, NULL },
	{ UI_ACT_BACK, { 'q', UI_KEY_ESC, K_LEFT, UI_KEY_BACKSPACE }, NULL, "Back", "q", "back" },
	{ UI_ACT_HELP, { '?' }, NULL, "This help", "?", "help" },
	QUICK_EXIT,
};

/* The pages between the steps of joining and of the forced password change: Enter goes on,
 * q leaves. */
static const struct ui_binding join_bindings[] = {
	{ UI_ACT_OPEN, { UI_KEY_ENTER }, NULL, "Go on to the next step", "Enter", "go on" },
	{ UI_ACT_QUIT, { 'q', UI_KEY_ESC }, NULL, "Leave (log off)", "q", "leave" },
	{ UI_ACT_UP, { K_UP, 'k' }, NULL, "Scroll up one line", "j/k", "scroll" },
	{ UI_ACT_DOWN, { K_DOWN, 'j' }, NULL, "Scroll down one line", NULL, NULL },
	{ UI_ACT_PGDN, { K_PGDN, ' ' }, NULL, "Scroll down one page", NULL, NULL },
	{ UI_ACT_PGUP, { K_PGUP, 'b' }, NULL, "Scroll up one page", NULL, NULL },
	{ UI_ACT_HOME, { K_HOME, 'g' }, NULL, "Go to the top", NULL, NULL },
	{ UI_ACT_END, { K_END, 'G' }, NULL, "Go to the end", NULL, NULL },
	{ UI_ACT_HELP, { '?' }, NULL, "This help", "?", "help" },
	QUICK_EXIT,
};

/* The member directory (directory.c). */
static const struct ui_binding directory_bindings[] = {
	{ UI_ACT_OPEN, { UI_KEY_ENTER, K_RIGHT }, NULL, "Open the member's profile", "Enter",
		"profile" },
	{ UI_ACT_SEARCH, { '/' }, NULL, "Search by name, organisation, sector or country", "/",
		"search" },
	{ UI_ACT_FILTER, { 's' }, NULL, "Show one sector (again: the next one, then all)", "s",
		"sector" },
	{ UI_ACT_MESSAGE, { 'm' }, NULL, "Write a message to the selected member", "m", "message" },
	{ UI_ACT_HELP, { '?' }, NULL, "This help", "?", "help" },
	{ UI_ACT_BACK, { 'q', UI_KEY_ESC, K_LEFT, UI_KEY_BACKSPACE }, NULL, "Back", "q", "back" },
	LIST_MOVES,
	QUICK_EXIT,
};

/* A member's profile (a page). */
static const struct ui_binding profile_bindings[] = {
	{ UI_ACT_BACK, { 'q', UI_KEY_ESC, K_LEFT, UI_KEY_BACKSPACE }, NULL, "Back", "q", "back" },
	{ UI_ACT_MESSAGE, { 'm' }, NULL, "Write a message to this member", "m", "message" },
	{ UI_ACT_HELP, { '?' }, NULL, "This help", "?", "help" },
	{ UI_ACT_UP, { K_UP, 'k' }, NULL, "Scroll up one line", "j/k", "scroll" },
	{ UI_ACT_DOWN, { K_DOWN, 'j' }, NULL, "Scroll down one line", NULL, NULL },
	{ UI_ACT_PGDN, { K_PGDN, ' ' }, NULL, "Scroll down one page", NULL, NULL },
	{ UI_ACT_PGUP, { K_PGUP, 'b' }, NULL, "Scroll up one page", NULL, NULL },
	{ UI_ACT_HOME, { K_HOME, 'g' }, NULL, "Go to the top", NULL, NULL },
	{ UI_ACT_END, { K_END, 'G' }, NULL, "Go to the end", NULL, NULL },
	QUICK_EXIT,
};

/* Private messages (messages.c): the inbox and sent folders. */
static const struct ui_binding messages_bindings[] = {
	{ UI_ACT_OPEN, { UI_KEY_ENTER, K_RIGHT }, NULL, "Read the selected message", "Enter",
		"read" },
	{ UI_ACT_NEW, { 'c', 'm' }, NULL, "Write a new message", "c", "compose" },
	{ UI_ACT_REPLY, { 'r' }, NULL, "Reply, quoting the message", "r", "reply" },
	{ UI_ACT_SWITCH, { UI_KEY_TAB }, "Tab", "Switch between Inbox and Sent", "Tab",
		"inbox/sent" },
	{ UI_ACT_HELP, { '?' }, NULL, "This help", "?", "help" },
	{ UI_ACT_BACK, { 'q', UI_KEY_ESC, K_LEFT, UI_KEY_BACKSPACE }, NULL, "Back", "q", "back" },
	{ UI_ACT_DELETE, { 'd', UI_KEY_DELETE }, NULL, "Delete the message (asks first)", "d",
		"delete" },
	{ UI_ACT_BLOCK, { 'b' }, NULL, "Block or unblock the sender (asks first)", "b", "block" },
	{ UI_ACT_BLOCKED, { 'B' }, NULL, "Members you block", NULL, NULL },
	{ UI_ACT_UP, { K_UP, 'k' }, NULL, "Move up", NULL, NULL },
	{ UI_ACT_DOWN, { K_DOWN, 'j' }, NULL, "Move down", NULL, NULL },
	{ UI_ACT_PGUP, { K_PGUP }, NULL, "Move up one page", NULL, NULL },
	{ UI_ACT_PGDN, { K_PGDN, ' ' }, NULL, "Move down one page", NULL, NULL },
	{ UI_ACT_HOME, { K_HOME, 'g' }, NULL, "First item", NULL, NULL },
	{ UI_ACT_END, { K_END, 'G' }, NULL, "Last item", NULL, NULL },
	QUICK_EXIT,
};

/* One message (a page). */
static const struct ui_binding message_bindings[] = {
	{ UI_ACT_BACK, { 'q', UI_KEY_ESC, K_LEFT, UI_KEY_BACKSPACE }, NULL, "Back", "q", "back" },
	{ UI_ACT_REPLY, { 'r' }, NULL, "Reply, quoting the message", "r", "reply" },
	{ UI_ACT_DELETE, { 'd', UI_KEY_DELETE }, NULL, "Delete the message (asks first)", "d",
		"delete" },
	{ UI_ACT_BLOCK, { 'b' }, NULL, "Block or unblock the sender (asks first)", "b", "block" },
	{ UI_ACT_REPORT, { '!' }, NULL, "Report a message you received to the moderators (asks why)",
		"!", "report" },
	{ UI_ACT_HELP, { '?' }, NULL, "This help", "?", "help" },
	{ UI_ACT_UP, { K_UP, 'k' }, NULL, "Scroll up one line", "j/k", "scroll" },
	{ UI_ACT_DOWN, { K_DOWN, 'j' }, NULL, "Scroll down one line", NULL, NULL },
	{ UI_ACT_PGDN, { K_PGDN, ' ' }, NULL, "Scroll down one page", NULL, NULL },
	{ UI_ACT_PGUP, { K_PGUP }, NULL, "Scroll up one page", NULL, NULL },
	{ UI_ACT_HOME, { K_HOME, 'g' }, NULL, "Go to the top", NULL, NULL },
	{ UI_ACT_END, { K_END, 'G' }, NULL, "Go to the end", NULL, NULL },
	QUICK_EXIT,
};

/* Members one blocks. */
static const struct ui_binding blocked_bindings[] = {
	{ UI_ACT_BLOCK, { 'u', 'b', UI_KEY_ENTER }, NULL, "Unblock the selected member (asks first)",
		"u", "unblock" },
	LIST_MOVES,
	{ UI_ACT_BACK, { 'q', UI_KEY_ESC, K_LEFT, UI_KEY_BACKSPACE }, NULL, "Back", "q", "back" },
	{ UI_ACT_HELP, { '?' }, NULL, "This help", "?", "help" },
	QUICK_EXIT,
};

/* News and announcements (announce.c); sysops also write and delete. */
#define ANNOUNCE_KEYS \
	{ UI_ACT_OPEN, { UI_KEY_ENTER, K_RIGHT }, NULL, "Read the selected announcement", "Enter", \
		"read" }
#define ANNOUNCE_TAIL \
	LIST_MOVES, \
	{ UI_ACT_BACK, { 'q', UI_KEY_ESC, K_LEFT, UI_KEY_BACKSPACE }, NULL, "Back", "q", "back" }, \
	{ UI_ACT_HELP, { '?' }, NULL, "This help", "?", "help" }, \
	QUICK_EXIT
static const struct ui_binding announce_bindings[] = {
	ANNOUNCE_KEYS,
	ANNOUNCE_TAIL,
};
static const struct ui_binding announce_sysop_bindings[] = {
	ANNOUNCE_KEYS,
	{ UI_ACT_NEW, { 'n' }, NULL, "Sysops: write an announcement", "n", "new" },
	{ UI_ACT_DELETE, { 'd', UI_KEY_DELETE }, NULL, "Sysops: delete the announcement (asks first)",
		"d", "delete" },
	ANNOUNCE_TAIL,
};

/* Administration (admin-*.c). Every admin screen checks the role itself as well. */
#define ADMIN_BACK \
	{ UI_ACT_BACK, { 'q', UI_KEY_ESC, K_LEFT, UI_KEY_BACKSPACE }, NULL, "Back", "q", "back" }, \
	{ UI_ACT_HELP, { '?' }, NULL, "This help", "?", "help" }
static const struct ui_binding admin_bindings[] = {
	{ UI_ACT_OPEN, { UI_KEY_ENTER, K_RIGHT }, NULL, "Open the selected item", "Enter", "open" },
	{ UI_ACT_UP, { K_UP, 'k' }, NULL, "Move up", "j/k", "move" },
	{ UI_ACT_DOWN, { K_DOWN, 'j' }, NULL, "Move down", NULL, NULL },
	{ UI_ACT_JUMP, { '1', '2', '3', '4', '5', '6', '7', '8', '9' }, "1-9",
		"Open item number N", NULL, NULL },
	ADMIN_BACK,
	QUICK_EXIT,
};
static const struct ui_binding admin_members_bindings[] = {
	{ UI_ACT_OPEN, { UI_KEY_ENTER, K_RIGHT }, NULL, "Open the selected member", "Enter",
		"open" },
	{ UI_ACT_SEARCH, { '/' }, NULL, "Search by handle, name, organisation, sector or country",
		"/", "search" },
	{ UI_ACT_FILTER, { 'f' }, NULL, "Next filter: each status, each role, each sector, then all",
		"f", "filter" },
	ADMIN_BACK,
	LIST_MOVES,
	QUICK_EXIT,
};
/* One member: a page, so Up/Down scroll; k is "keys" here, not "up". */
static const struct ui_binding admin_member_bindings[] = {
	ADMIN_BACK,
	{ UI_ACT_EDIT, { 'e' }, NULL, "Edit name, organisation, sector, country, role, status",
		"e", "edit" },
	{ UI_ACT_APPROVE, { 'a' }, NULL, "Approve the application (asks first)", "a", "approve" },
	{ UI_ACT_DECLINE, { 'x' }, NULL, "Decline the application (asks first)", "x", "decline" },
	{ UI_ACT_VERIFY, { 'v' }, NULL, "Mark the affiliation verified / not verified", "v",
		"verify" },
	{ UI_ACT_PASSWORD, { 'p' }, NULL, "Reset the password (shows a one-time password)", "p",
		"password" },
	{ UI_ACT_KEYS, { 'k' }, NULL, "The member's keys: list, add, revoke", "k", "keys" },
	{ UI_ACT_LOCK, { 'l' }, NULL, "Lock: disable the account and end its sessions (asks first)",
		"l", "lock" },
	{ UI_ACT_UNLOCK, { 'u' }, NULL, "Unlock: enable the account again", "u", "unlock" },
	{ UI_ACT_END_SESSIONS, { 'E' }, NULL, "End all of the member's sessions now (asks first)",
		"E", "end sessions" },
	{ UI_ACT_SILENCE, { 'S' }, NULL, "Silence the member for N days with a reason (0 lifts it)",
		"S", "silence" },
	{ UI_ACT_DELETE_MEMBER, { 'D' }, NULL, "Delete the member for good: keep or remove their "
		"posts, then type the handle", "D", "delete" },
	{ UI_ACT_UP, { K_UP }, NULL, "Scroll up one line", NULL, NULL },
	{ UI_ACT_DOWN, { K_DOWN, 'j' }, NULL, "Scroll down one line", NULL, NULL },
	{ UI_ACT_PGDN, { K_PGDN, ' ' }, NULL, "Scroll down one page", NULL, NULL },
	{ UI_ACT_PGUP, { K_PGUP, 'b' }, NULL, "Scroll up one page", NULL, NULL },
	{ UI_ACT_HOME, { K_HOME, 'g' }, NULL, "Go to the top", NULL, NULL },
	{ UI_ACT_END, { K_END, 'G' }, NULL, "Go to the end", NULL, NULL },
	QUICK_EXIT,
};
static const struct ui_binding admin_keys_bindings[] = {
	{ UI_ACT_NEW, { 'a' }, NULL, "Add a key (paste an authorized_keys line)", "a", "add" },
	{ UI_ACT_DELETE, { 'd', UI_KEY_DELETE }, NULL, "Revoke the selected key (asks first)", "d",
		"revoke" },
	ADMIN_BACK,
	LIST_MOVES,
	QUICK_EXIT,
};
static const struct ui_binding admin_invites_bindings[] = {
	{ UI_ACT_NEW, { 'c' }, NULL, "Create an invite (the code is shown once)", "c", "create" },
	{ UI_ACT_DELETE, { 'r' }, NULL, "Revoke the selected invite (asks first)", "r", "revoke" },
	ADMIN_BACK,
	LIST_MOVES,
	QUICK_EXIT,
};
static const struct ui_binding admin_online_bindings[] = {
	{ UI_ACT_END_SESSIONS, { 'e' }, NULL, "End the selected session (asks first)", "e", "end" },
	{ UI_ACT_REFRESH, { 'R' }, NULL, "Read the list again", "R", "refresh" },
	ADMIN_BACK,
	LIST_MOVES,
	QUICK_EXIT,
};
static const struct ui_binding admin_audit_bindings[] = {
	{ UI_ACT_OPEN, { UI_KEY_ENTER, K_RIGHT }, NULL, "Show the selected entry whole", "Enter",
		"open" },
	{ UI_ACT_SEARCH, { '/' }, NULL, "Filter: words in actor, action, target or detail", "/",
		"filter" },
	ADMIN_BACK,
	LIST_MOVES,
	QUICK_EXIT,
};

/* The report queue (reports.c) and structure editing (admin-structure.c). */
static const struct ui_binding reports_bindings[] = {
	{ UI_ACT_OPEN, { UI_KEY_ENTER, K_RIGHT }, NULL, "Open what was reported", "Enter", "open" },
	{ UI_ACT_RESOLVE, { 'r' }, NULL, "Resolve the report with a note", "r", "resolve" },
	{ UI_ACT_SILENCE, { 'S' }, NULL, "Silence the author for N days with a reason", "S",
		"silence" },
	{ UI_ACT_REFRESH, { 'R' }, NULL, "Read the queue again", NULL, NULL },
	ADMIN_BACK,
	LIST_MOVES,
	QUICK_EXIT,
};
static const struct ui_binding structure_bindings[] = {
	{ UI_ACT_OPEN, { UI_KEY_ENTER, K_RIGHT }, NULL, "Open or change the selected item",
		"Enter", "open" },
	ADMIN_BACK,
	LIST_MOVES,
	QUICK_EXIT,
};
static const struct ui_binding structure_list_bindings[] = {
	{ UI_ACT_NEW, { 'c' }, NULL, "Create one", "c", "create" },
	{ UI_ACT_EDIT, { 'e' }, NULL, "Edit the name and summary", "e", "edit" },
	{ UI_ACT_ARCHIVE, { 'a' }, NULL, "Archive or unarchive (asks first)", "a", "archive" },
	{ UI_ACT_MOVE_UP, { 'K', '-' }, NULL, "Move up in the order", "K/J", "order" },
	{ UI_ACT_MOVE_DOWN, { 'J', '+' }, NULL, "Move down in the order", NULL, NULL },
	{ UI_ACT_PAGE, { 'p' }, NULL, "Focus areas: edit the area's page", "p", "page" },
	{ UI_ACT_OPEN, { UI_KEY_ENTER, K_RIGHT }, NULL, "Focus areas: the area's boards", NULL,
		NULL },
	ADMIN_BACK,
	LIST_MOVES,
	QUICK_EXIT,
};
static const struct ui_binding choose_bindings[] = {
	{ UI_ACT_OPEN, { UI_KEY_ENTER, K_RIGHT }, NULL, "Choose the selected item", "Enter",
		"choose" },
	ADMIN_BACK,
	LIST_MOVES,
	QUICK_EXIT,
};

#define KEYMAP(name, table) { name, table, sizeof(table) / sizeof((table)[0]) }
const struct ui_keymap ui_keymap_menu = KEYMAP("Main menu", menu_bindings);
const struct ui_keymap ui_keymap_pager = KEYMAP("Page viewer", pager_bindings);
const struct ui_keymap ui_keymap_help = KEYMAP("Help", help_bindings);
const struct ui_keymap ui_keymap_area = KEYMAP("Focus area page", area_bindings);
const struct ui_keymap ui_keymap_menu_guest = KEYMAP("Main menu", menu_guest_bindings);
/* A guest's area page is a plain page: the boards are for members. */
const struct ui_keymap ui_keymap_area_guest = KEYMAP("Focus area page", pager_bindings);
const struct ui_keymap ui_keymap_boards = KEYMAP("Board list", boards_bindings);
const struct ui_keymap ui_keymap_threads = KEYMAP("Discussion list", threads_bindings);
const struct ui_keymap ui_keymap_discussion = KEYMAP("Discussion", discussion_bindings);
const struct ui_keymap ui_keymap_search = KEYMAP("Search results", search_bindings);
const struct ui_keymap ui_keymap_editor_new = KEYMAP("Editor", editor_new_bindings);
const struct ui_keymap ui_keymap_editor = KEYMAP("Editor", editor_bindings);
const struct ui_keymap ui_keymap_challenge = KEYMAP("The challenge question", challenge_bindings);
const struct ui_keymap ui_keymap_challenge_detail = KEYMAP("Challenge", challenge_detail_bindings);
const struct ui_keymap ui_keymap_areas_choose = KEYMAP("Focus areas", areas_choose_bindings);
const struct ui_keymap ui_keymap_archive = KEYMAP("Past questions", archive_bindings);
const struct ui_keymap ui_keymap_question = KEYMAP("Question settings", question_bindings);
const struct ui_keymap ui_keymap_form = KEYMAP("Form", form_bindings);
const struct ui_keymap ui_keymap_account = KEYMAP("Your account", account_bindings);
const struct ui_keymap ui_keymap_keys = KEYMAP("Your keys", keys_bindings);
const struct ui_keymap ui_keymap_join = KEYMAP("Next step", join_bindings);
const struct ui_keymap ui_keymap_directory = KEYMAP("Member directory", directory_bindings);
const struct ui_keymap ui_keymap_profile = KEYMAP("Member profile", profile_bindings);
const struct ui_keymap ui_keymap_messages = KEYMAP("Messages", messages_bindings);
const struct ui_keymap ui_keymap_message = KEYMAP("Message", message_bindings);
const struct ui_keymap ui_keymap_blocked = KEYMAP("Members you block", blocked_bindings);
const struct ui_keymap ui_keymap_announce = KEYMAP("News and announcements", announce_bindings);
const struct ui_keymap ui_keymap_announce_sysop = KEYMAP("News and announcements",
	announce_sysop_bindings);
const struct ui_keymap ui_keymap_admin = KEYMAP("Administration", admin_bindings);
const struct ui_keymap ui_keymap_admin_members = KEYMAP("Members (administration)",
	admin_members_bindings);
const struct ui_keymap ui_keymap_admin_member = KEYMAP("Member (administration)",
	admin_member_bindings);
const struct ui_keymap ui_keymap_admin_keys = KEYMAP("A member's keys", admin_keys_bindings);
const struct ui_keymap ui_keymap_admin_invites = KEYMAP("Invites", admin_invites_bindings);
const struct ui_keymap ui_keymap_admin_online = KEYMAP("Who is online", admin_online_bindings);
const struct ui_keymap ui_keymap_admin_audit = KEYMAP("Audit log", admin_audit_bindings);
const struct ui_keymap ui_keymap_reports = KEYMAP("Reports", reports_bindings);
const struct ui_keymap ui_keymap_structure = KEYMAP("Structure and content", structure_bindings);
const struct ui_keymap ui_keymap_structure_list = KEYMAP("Focus areas and boards",
	structure_list_bindings);
const struct ui_keymap ui_keymap_choose = KEYMAP("Choose", choose_bindings);

int ui_keymap_lookup(const struct ui_keymap *km, int key)
{
	if (!km || key == 0)
		return UI_ACT_NONE;
	for (size_t i = 0; i < km->n; i++) {
		const struct ui_binding *b = &km->bindings[i];
		for (size_t k = 0; k < UI_BINDING_KEYS && b->keys[k] != 0; k++)
			if (b->keys[k] == key)
				return b->action;
	}
	return UI_ACT_NONE;
}

const char *ui_keymap_key_name(int key, char *buf, size_t size)
{
	switch (key) {
	case K_UP: return "Up";
	case K_DOWN: return "Down";
	case K_LEFT: return "Left";
	case K_RIGHT: return "Right";
	case K_PGUP: return "PgUp";
	case K_PGDN: return "PgDn";
	case K_HOME: return "Home";
	case K_END: return "End";
	case UI_KEY_ENTER: return "Enter";
	case UI_KEY_ESC: return "Esc";
	case UI_KEY_BACKSPACE: return "Backspace";
	case ' ': return "Space";
	default: break;
	}
	if (size >= 2 && key > ' ' && key < 127) {
		buf[0] = (char)key;
		buf[1] = '\0';
		return buf;
	}
	return "?";
}

void ui_keymap_keys_label(const struct ui_binding *b, char *buf, size_t size)
{
	if (size == 0)
		return;
	buf[0] = '\0';
	if (b->keys_label) {
		bbs_strlcpy(buf, b->keys_label, size);
		return;
	}
	size_t used = 0;
	for (size_t k = 0; k < UI_BINDING_KEYS && b->keys[k] != 0; k++) {
		char one[2];
		const char *name = ui_keymap_key_name(b->keys[k], one, sizeof one);
		const char *sep = k ? ", " : "";
		if (bbs_snprintf(buf + used, size - used, "%s%s", sep, name) != 0)
			return; /* truncated: keep what fitted (bbs_snprintf leaves it terminated) */
		used += strlen(buf + used);
	}
}
