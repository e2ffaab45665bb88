/*
 * dlopen and dlsym behind one call.  The library stays loaded for the life
 * of the process: libraries such as libcurl register handlers of their own
 * and must not be unloaded under them.
 */
#include "util/dynlib.h"

#include <dlfcn.h>
#include <string.h>

/* dlsym returns object pointers that POSIX lets us store in function pointers. */
_Static_assert(sizeof(void *) == sizeof(void (*)(void)), "function pointers are not void *");

int dynlib_load(struct dynlib *lib, struct err *e)
{
	void *h;
	size_t i;

	if (lib->handle)
		return 0;
	if (!(h = dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL))) {
		const char *why = dlerror();
		return err_set(e, "cannot load %s (Debian package %s): %s", lib->soname,
		               lib->package, why ? why : "unknown error");
	}
	for (i = 0; i < lib->nsyms; i++) {
		void *sym;
		const char *why;

		dlerror();
		sym = dlsym(h, lib->syms[i].name);
		if (!sym) {
			why = dlerror();
			err_set(e, "cannot load %s (Debian package %s): %s", lib->soname,
			        lib->package, why ? why : lib->syms[i].name);
			dlclose(h);
			return -1;
		}
		memcpy((char *)lib->table + lib->syms[i].offset, &sym, sizeof(sym));
	}
	lib->handle = h;
	return 0;
}
