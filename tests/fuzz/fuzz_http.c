/* Fuzz target: HTTP/1.x heads (pipelined), body starts, JSON-RPC and SSE
 * sniffing, QUIC headers, and whole flows through the detectors. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "flowfeed.h"
#include "classify/parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct classify *c;
	struct classify_http_head h;
	uint8_t peek[1024];
	bool complete;

	if (!c)
		c = fuzz_classifier("[service api]\nmatch = host=*.example.com path=/v1\n"
		                    "[service ws]\nmatch = detect=websocket\n"
		                    "[service m]\nmatch = detect=mcp port=443\n");
	const uint8_t *p = data;
	size_t n = size;
	for (int i = 0; i < 8 && n > 0; i++) {
		enum classify_parse r = classify_http_head(p, n, &h);
		if (r != CLASSIFY_OK)
			break;
		if (h.head_len == 0 || h.head_len > n)
			__builtin_trap();
		p += h.head_len;
		n -= h.head_len;
		size_t got = classify_http_body(p, n, h.chunked, h.content_length, peek,
		                                sizeof(peek), &complete);
		struct classify_jsonrpc j;
		struct classify_sse s;
		if (classify_jsonrpc(peek, got, &j) == CLASSIFY_OK && j.has_method &&
		    j.method.p + j.method.len > (const char *)peek + got)
			__builtin_trap();
		classify_sse_first(peek, got, &s);
		size_t skip = h.content_length > 0 ? (size_t)h.content_length : 0;
		if (skip > n)
			break;
		p += skip;
		n -= skip;
	}
	struct classify_quic q;
	classify_quic_long(data, size, &q);
	if (size > 1)
		fuzz_flow(c, data, size);
	return 0;
}
