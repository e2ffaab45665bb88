/*
 * Libraries loaded on first use: a command that needs a large library (an
 * HTTP client, an HTTP server) opens it with dlopen when it runs, so every
 * other command starts without mapping it and its dependencies.  The types
 * still come from the library's headers; only the calls go through a table
 * of function pointers filled here.
 */
#ifndef COSTS_UTIL_DYNLIB_H
#define COSTS_UTIL_DYNLIB_H

#include <stddef.h>

#include "util/err.h"

/* One function to resolve: its name and where its pointer goes in the table. */
struct dynlib_sym {
	const char *name;
	size_t offset; /* offsetof the function pointer in the caller's table */
};

/* Names a function pointer field of a table struct for a dynlib_sym array. */
#define DYNLIB_SYM(type, field, sym)                                                               \
	{                                                                                          \
#sym, offsetof(type, field)                                                        \
	}

struct dynlib {
	const char *soname;  /* the stable name opened: "libcurl.so.4" */
	const char *package; /* the Debian package that installs it, for the message */
	const struct dynlib_sym *syms;
	size_t nsyms;
	void *table;  /* the struct of function pointers that syms describe */
	void *handle; /* NULL until loaded; the library then stays loaded */
};

/*
 * Opens lib->soname and stores the address of every function of lib->syms
 * in lib->table.  Does nothing when lib is already loaded.  A library that
 * cannot be opened, or lacks one of the functions, is an error naming the
 * library, its package and the loader's reason (dlerror); the table is then
 * left unusable and a later call tries again.  Returns 0, or -1 with a
 * message.  Not thread-safe: the first call must not race another.
 */
int dynlib_load(struct dynlib *lib, struct err *e);

#endif
