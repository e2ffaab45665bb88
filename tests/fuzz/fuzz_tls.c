/* Fuzz target: the TLS ClientHello parser, directly and through a flow
 * reassembled from segments with SNI rules in force. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "flowfeed.h"
#include "classify/parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct classify *c;
	struct classify_tls_hello h;

	if (!c)
		c = fuzz_classifier("[service a]\nmatch = sni=*.example.com\n"
		                    "[service b]\nmatch = sni=b?.test port=443\n"
		                    "[service c]\nmatch = port=443\n");
	enum classify_parse r = classify_tls_hello(data, size, &h);
	if (r == CLASSIFY_OK || r == CLASSIFY_TRUNCATED) {
		if (h.has_sni && strlen(h.sni) != h.sni_len)
			__builtin_trap();
		if (h.nalpn > CLASSIFY_TLS_MAX_ALPN || h.nversions > CLASSIFY_TLS_MAX_VERSIONS)
			__builtin_trap();
	}
	if (size > 1) {
		/* The same bytes as a client stream, after one byte of segment size. */
		fuzz_flow(c, data, size);
	}
	return 0;
}
