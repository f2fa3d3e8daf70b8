/**
 * An HTTP(S) proxy that forwards nothing: every request and CONNECT tunnel it is asked for is recorded and refused.
 * An agent run with HTTP_PROXY/HTTPS_PROXY pointing here (NO_PROXY for 127.0.0.1) shows every attempt to reach
 * anything beyond the local model server.
 */
import { createServer } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export interface ProxyRecorder {
  url: string;
  /** `CONNECT host:port` or `GET http://…`, in order. */
  attempts: string[];
  close(): Promise<void>;
}

export async function startProxyRecorder(): Promise<ProxyRecorder> {
  const attempts: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    attempts.push(`${req.method ?? "GET"} ${req.url ?? ""}`);
    res.writeHead(403, { "content-type": "text/plain" }).end("dispatch test: no network beyond 127.0.0.1\n");
  });
  server.on("connect", (req, socket: Socket) => {
    attempts.push(`CONNECT ${req.url ?? ""}`);
    socket.end("HTTP/1.1 403 Forbidden\r\n\r\n");
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    attempts,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
