/* err.c: the text of each project-wide error code. */
#include "common/common.h"

const char *bbs_strerror(int err)
{
	switch (err) {
	case BBS_OK: return "success";
	case BBS_ERR_NOMEM: return "out of memory";
	case BBS_ERR_INVALID: return "invalid input";
	case BBS_ERR_NOTFOUND: return "not found";
	case BBS_ERR_EXISTS: return "already exists";
	case BBS_ERR_IO: return "input/output error";
	case BBS_ERR_DB: return "database error";
	case BBS_ERR_TOOBIG: return "too large";
	case BBS_ERR_AUTH: return "authentication failed";
	case BBS_ERR_BUSY: return "database busy";
	case BBS_ERR_CRYPTO: return "cryptography error";
	case BBS_ERR_DENIED: return "not allowed";
	case BBS_ERR_WEAK: return "too weak";
	default: return "unknown error";
	}
}
