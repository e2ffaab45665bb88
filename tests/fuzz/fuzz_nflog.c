/*
 * Fuzz target: the NFLOG records costs watch reads from the kernel (the
 * TLV header, the log prefix, the IP packet and what the classifier makes
 * of it).  The input is a sequence of records, each preceded by its length
 * in two bytes (little endian), fed to one watch, so flows span records.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "nft/watch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char conf[] = "[service site]\nmatch = sni=www.example.com\n"
                           "[service api]\nmatch = host=api.example.com path=/v1\n"
                           "[service mcp]\nmatch = detect=mcp\n"
                           "[service web]\nmatch = port=8080\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct config *c;
	struct nftc_watch *w;
	struct err e;
	int64_t t = 1764547200000000;

	if (!c && config_parse(conf, strlen(conf), "fuzz.conf", &c, &e))
		abort();
	if (nftc_watch_new_offline(c, &w, &e))
		abort();
	while (size >= 2) {
		size_t n = (size_t)data[0] | (size_t)data[1] << 8;
		data += 2;
		size -= 2;
		if (n > size)
			n = size;
		/* A copy of its own, so reads past the record are caught. */
		uint8_t *rec = malloc(n ? n : 1);
		if (!rec)
			break;
		memcpy(rec, data, n);
		nftc_watch_record(w, rec, n, t);
		free(rec);
		data += n;
		size -= n;
		t += 1000000;
	}
	nftc_watch_expire(w, t + 60000000);
	nftc_watch_free(w);
	return 0;
}
