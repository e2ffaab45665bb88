#!/usr/bin/python3
"""Long-lived wss client for the watch test: asks for SIZE random bytes every
PERIOD seconds for SECS seconds over one connection, reading each answer.
  wss_client.py URL SECS SIZE PERIOD"""
import asyncio
import ssl
import sys

import websockets


async def main(url, secs, size, period):
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    loop = asyncio.get_running_loop()
    end = loop.time() + secs
    async with websockets.connect(url, ssl=ctx, max_size=None, compression=None) as ws:
        print("connected", flush=True)
        while loop.time() < end:
            await ws.send(str(size))
            got = await ws.recv()
            assert len(got) == size
            await asyncio.sleep(period)
    print("done", flush=True)


asyncio.run(main(sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])))
