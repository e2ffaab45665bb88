/*
 * Error reporting for library code: a fallible function fills a caller-owned
 * struct err with a lowercase message and returns -1.  Libraries never print;
 * only cli/ turns an err into a line on stderr.
 */
#ifndef COSTS_UTIL_ERR_H
#define COSTS_UTIL_ERR_H

#include <stddef.h>

struct err {
	char msg[1024];
};

/*
 * Formats a message into e (when e is not NULL) and returns -1, so a caller
 * can write `return err_set(e, "cannot open '%s': %s", path, strerror(errno));`.
 */
int err_set(struct err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Prepends a context such as "file.csv:12: " to the message already in e and
 * returns -1.  Does nothing but return -1 when e is NULL.
 */
int err_prefix(struct err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
