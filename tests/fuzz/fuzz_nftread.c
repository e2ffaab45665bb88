/*
 * Fuzz target: the readers of kernel output in src/nft, the libnftables
 * JSON listing and /proc/net/dev.  The first byte picks the reader.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nft/iface.h"
#include "nft/kernel.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct err e;

	if (size < 1)
		return 0;
	if (data[0] & 1) {
		struct nftc_iface *f = NULL;
		size_t n = 0;
		char *text = malloc(size);
		if (!text)
			return 0;
		/* /proc files are text: the reader gets a NUL-terminated string. */
		memcpy(text, data + 1, size - 1);
		text[size - 1] = '\0';
		if (nftc_iface_parse(text, &f, &n, &e) == 0)
			free(f);
		free(text);
	} else {
		struct nftc_reading r;
		if (nftc_parse_json((const char *)data + 1, size - 1, &r, &e) == 0)
			nftc_reading_release(&r);
	}
	return 0;
}
