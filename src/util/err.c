/*
 * struct err helpers.  Messages are truncated to the buffer size rather than
 * allocated, so reporting an error can never itself fail.
 */
#include "util/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int err_set(struct err *e, const char *fmt, ...)
{
	va_list ap;

	if (!e)
		return -1;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return -1;
}

int err_prefix(struct err *e, const char *fmt, ...)
{
	char head[512];
	size_t hl, ml;
	va_list ap;

	if (!e)
		return -1;
	va_start(ap, fmt);
	vsnprintf(head, sizeof(head), fmt, ap);
	va_end(ap);
	hl = strlen(head);
	ml = strnlen(e->msg, sizeof(e->msg) - 1);
	if (hl + ml >= sizeof(e->msg))
		ml = sizeof(e->msg) - 1 - hl;
	memmove(e->msg + hl, e->msg, ml);
	memcpy(e->msg, head, hl);
	e->msg[hl + ml] = '\0';
	return -1;
}
