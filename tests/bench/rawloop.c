/*
 * The benchmark's baseline: a lean libpcap read loop over a file that does
 * the least a per-port byte counter must do: pcap_next_ex, the Ethernet
 * (and 802.1Q) header, IPv4 or IPv6, the TCP/UDP ports, and a sum of the
 * IP length per local port.  Not a test.  Prints "PACKETS packets BYTES
 * bytes" (wire lengths), then a checksum of the per-port sums.  The file
 * is read through a 1 MiB stdio buffer, as costs reads it.
 */
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>

static uint64_t port_bytes[65536];

static unsigned be16(const u_char *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static void parse(const u_char *b, size_t caplen)
{
	size_t off = 14;
	unsigned type;

	if (caplen < 14)
		return;
	type = be16(b + 12);
	while ((type == 0x8100 || type == 0x88a8) && off + 4 <= caplen) {
		type = be16(b + off + 2);
		off += 4;
	}
	unsigned proto, len, sport, dport;
	const u_char *l4;
	if (type == 0x0800 && off + 20 <= caplen) {
		const u_char *ip = b + off;
		size_t hl = (size_t)(ip[0] & 15) * 4;
		proto = ip[9];
		len = be16(ip + 2);
		if (off + hl + 4 > caplen || (be16(ip + 6) & 0x1fff))
			return;
		l4 = ip + hl;
	} else if (type == 0x86dd && off + 44 <= caplen) {
		const u_char *ip = b + off;
		proto = ip[6];
		len = be16(ip + 4) + 40;
		l4 = ip + 40;
	} else {
		return;
	}
	if (proto != 6 && proto != 17)
		return;
	sport = be16(l4);
	dport = be16(l4 + 2);
	port_bytes[sport < dport ? sport : dport] += len;
}

int main(int argc, char **argv)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	uint64_t n = 0, bytes = 0, check = 0;
	struct pcap_pkthdr *h;
	const u_char *data;

	if (argc != 2) {
		fprintf(stderr, "usage: rawloop FILE\n");
		return 2;
	}
	FILE *f = fopen(argv[1], "rb");
	static char iobuf[1 << 20];
	if (!f) {
		perror(argv[1]);
		return 1;
	}
	setvbuf(f, iobuf, _IOFBF, sizeof(iobuf));
	pcap_t *p = pcap_fopen_offline(f, errbuf);
	if (!p) {
		fprintf(stderr, "rawloop: %s\n", errbuf);
		return 1;
	}
	while (pcap_next_ex(p, &h, &data) == 1) {
		n++;
		bytes += h->len;
		parse(data, h->caplen);
	}
	pcap_close(p);
	for (size_t i = 0; i < 65536; i++)
		check = check * 31 + port_bytes[i];
	printf("%llu packets %llu bytes %llx\n", (unsigned long long)n, (unsigned long long)bytes,
	       (unsigned long long)check);
	return 0;
}
