"""WebSocket server for the fixtures: answers each message with random
bytes (random so permessage-deflate cannot shrink them)."""
import asyncio
import os
import sys

import websockets


async def handler(ws, path=None):
    async for msg in ws:
        await ws.send(os.urandom(int(msg)))


async def main():
    async with websockets.serve(handler, sys.argv[1], int(sys.argv[2])):
        await asyncio.Future()


asyncio.run(main())
