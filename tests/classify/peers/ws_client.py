"""WebSocket client for the fixtures: wss://NAME/ws through nginx, asks
for N messages of random bytes.   ws_client.py URL N"""
import asyncio
import ssl
import sys

import websockets


async def main():
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    got = 0
    async with websockets.connect(sys.argv[1], ssl=ctx if sys.argv[1].startswith("wss") else None) as ws:
        for i in range(int(sys.argv[2])):
            await ws.send(str(2000 + 500 * i))
            got += len(await ws.recv())
    print(f"ws client: {got} bytes", file=sys.stderr)


asyncio.run(main())
