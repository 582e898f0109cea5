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
};

#define KEYMAP(name, table) { name, table, sizeof(table) / sizeof((table)[0]) }
const struct ui_keymap ui_keymap_menu = KEYMAP("Main menu", menu_bindings);
const struct ui_keymap ui_keymap_pager = KEYMAP("Page viewer", pager_bindings);
const struct ui_keymap ui_keymap_help = KEYMAP("Help", help_bindings);

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
