/*
 * The benchmark's baseline: the cheapest possible libpcap read loop over a
 * file, summing the wire lengths.  Not a test.
 */
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>

static void on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	uint64_t *sum = (uint64_t *)(void *)user;
	(void)bytes;
	sum[0]++;
	sum[1] += h->len;
}

int main(int argc, char **argv)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	uint64_t sum[2] = {0, 0};

	if (argc != 2) {
		fprintf(stderr, "usage: rawloop FILE\n");
		return 2;
	}
	pcap_t *p = pcap_open_offline(argv[1], errbuf);
	if (!p) {
		fprintf(stderr, "rawloop: %s\n", errbuf);
		return 1;
	}
	while (pcap_dispatch(p, 4096, on_packet, (u_char *)sum) > 0)
		;
	pcap_close(p);
	printf("%llu packets %llu bytes\n", (unsigned long long)sum[0], (unsigned long long)sum[1]);
	return 0;
}
