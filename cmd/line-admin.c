/*
 * line-admin.c: what moderators can do in the plain line mode: the report queue (open
 * reports, oldest first; one shown whole; resolved with a note). The discussion view
 * (line-boards.c) adds hiding and unhiding posts, locking and pinning for them.
 * For sysops the menu adds members, invites, who is online, the audit log and the structure
 * and content (line-sysop.c).
 *
 * The store checks the role of every call (BBS_ERR_DENIED otherwise) and writes the audit and
 * moderation record entries; this file only asks and shows.
 * Must never: show a report to a member, or print store text that is not clean.
 */
#include "cmd/cmd.h"
#include "common/common.h"
#include "store/store.h"

#include <stdlib.h>
#include <string.h>

#define REPORTS_PAGE 50

static void report_one(struct line *l, const struct store_report *r)
{
	char when[LINE_TIME_LEN];
	line_time(l, r->created, when);
	fprintf(l->out, "\nReport %lld (%s), %s\n  What: %s\n  Excerpt: %s\n  Reported by: %s\n"
		"  Reason: %s\n", (long long)r->id, r->open ? "open" : "resolved", when,
		line_clean(l, r->target, false), line_clean(l, r->excerpt, false),
		line_clean(l, r->reporter, false), line_clean(l, r->reason, false));
	if (!r->open) {
		fprintf(l->out, "  Resolution: %s\n", line_clean(l, r->resolution, false));
		return;
	}
	char word[16];
	int c = line_choose(l, "Report: r resolve it with a note, q back> ", 0, "r",
		"Report choices: r resolve it with a note; q back; x log off.\n", word, sizeof word);
	if (c != 0 || strcmp(word, "r") != 0)
		return;
	char note[CMD_LINE_MAX + 1];
	if (!line_read(l, "Note (one line, what was done; empty: cancel): ", note, sizeof note) ||
	    !note[0])
		return;
	int e = store_report_resolve(l->st, l->u->id, r->id, note);
	if (e == 0)
		fprintf(l->out, "Resolved.\n");
	else if (e == BBS_ERR_INVALID || e == BBS_ERR_TOOBIG)
		fprintf(l->out, "Not resolved: it was resolved already, or the note is too long.\n");
	else
		fprintf(l->out, "Could not resolve it (%s).\n", bbs_strerror(e));
}

static void reports(struct line *l)
{
	static const char help[] = "Reports: a number shows that report (and resolves it); q "
		"back; x log off.\n";
	while (!line_done(l)) {
		struct store_report *v = NULL;
		size_t n = 0;
		if (store_report_list(l->st, l->u->id, true, 0, REPORTS_PAGE, &v, &n) != 0) {
			fprintf(l->out, "The reports cannot be read right now.\n");
			return;
		}
		fprintf(l->out, "\nOpen reports from members, oldest first:\n");
		for (size_t i = 0; i < n; i++) {
			char when[LINE_TIME_LEN];
			line_time(l, v[i].created, when);
			fprintf(l->out, "  %zu. %s  %s  (%s)\n", i + 1, when,
				line_clean(l, v[i].target, false), line_clean(l, v[i].reason, false));
		}
		if (n == 0)
			fprintf(l->out, "  None.\n");
		char word[16];
		int c = line_choose(l, "Reports: type a number to show, q back> ", (int)n, "", help,
			word, sizeof word);
		if (c > 0)
			report_one(l, &v[c - 1]);
		store_report_list_free(v, n);
		if (c <= 0)
			return;
	}
}

void line_admin(struct line *l)
{
	static const char help_mod[] = "Administration: 1 reports from members; q back; x log "
		"off.\n";
	static const char help_sysop[] = "Administration: 1 reports from members; 2 members "
		"(applications, edit, verify, password reset, lock, silence, delete); 3 invites "
		"(create, list, revoke); 4 who is online (end a session); 5 the audit log (and its "
		"chain); 6 structure and content (site name, registration, guest access, pages, "
		"focus areas and boards); q back; x log off.\n";
	while (!line_done(l)) {
		/* Sysop items only for sysops; each also checks the role again when chosen. */
		bool sysop = l->u->role >= STORE_ROLE_SYSOP;
		fprintf(l->out, "\nAdministration\n  1. Reports from members\n");
		if (sysop)
			fprintf(l->out, "  2. Members - applications, edit, verify, password, lock, "
				"delete\n  3. Invites - create, list, revoke\n  4. Who is online - end a "
				"session\n  5. Audit log - entries, verify the chain\n  6. Structure and "
				"content - settings, pages, focus areas, boards\n");
		fprintf(l->out, "In a discussion, moderators also have h hide, u unhide, l lock or "
			"unlock, p pin or unpin.\n");
		char word[16];
		int c = line_choose(l, sysop ? "Administration: type 1-6, q back> " :
			"Administration: type 1, q back> ", sysop ? 6 : 1, "",
			sysop ? help_sysop : help_mod, word, sizeof word);
		switch (c) {
		case 1: reports(l); break;
		case 2: line_sysop_members(l); break;
		case 3: line_sysop_invites(l); break;
		case 4: line_sysop_online(l); break;
		case 5: line_sysop_audit(l); break;
		case 6: line_sysop_structure(l); break;
		default: return;
		}
	}
}
