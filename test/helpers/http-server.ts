// A real HTTP server on 127.0.0.1 (random port) whose answer is chosen per
// path, to exercise downloads against misbehaving servers. Paths without a
// reply get 404.
import http from "node:http";
import type { AddressInfo } from "node:net";

export type Reply =
  /** 200 with the body and its Content-Length. */
  | { kind: "ok"; body: Uint8Array }
  /** This status, always, with a short text body. */
  | { kind: "status"; status: number }
  /** `status` for the first `failures` requests, then 200 with the body. */
  | { kind: "fail-then-ok"; status: number; failures: number; body: Uint8Array }
  /** Accepts the request and never answers. */
  | { kind: "hang" }
  /** 200 and the first `sendBytes` bytes, then silence with the connection open. */
  | { kind: "stall"; body: Uint8Array; sendBytes: number }
  /** Announces the whole body, sends `sendBytes` bytes and destroys the socket. */
  | { kind: "truncate"; body: Uint8Array; sendBytes: number }
  /** A redirect to another location. */
  | { kind: "redirect"; status?: number; location: string };

export interface TestServer {
  /** http://127.0.0.1:PORT, no trailing slash. */
  origin: string;
  /** Sets the reply for a path such as /a/train-images-idx3-ubyte.gz. */
  reply(path: string, reply: Reply): void;
  /** How many requests a path received. */
  hits(path: string): number;
  close(): Promise<void>;
}

export async function startHttpServer(): Promise<TestServer> {
  const replies = new Map<string, Reply>();
  const counts = new Map<string, number>();

  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    const hit = (counts.get(path) ?? 0) + 1;
    counts.set(path, hit);
    const reply = replies.get(path);
    if (!reply) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
      return;
    }
    switch (reply.kind) {
      case "ok":
        sendBody(res, reply.body);
        return;
      case "status":
        res.writeHead(reply.status, { "content-type": "text/plain" }).end(`${reply.status}\n`);
        return;
      case "fail-then-ok":
        if (hit <= reply.failures) {
          res.writeHead(reply.status, { "content-type": "text/plain" }).end(`${reply.status}\n`);
        } else {
          sendBody(res, reply.body);
        }
        return;
      case "hang":
        return;
      case "stall":
        res.writeHead(200, { "content-length": reply.body.length });
        res.write(reply.body.subarray(0, reply.sendBytes));
        return;
      case "truncate":
        res.writeHead(200, { "content-length": reply.body.length });
        res.write(reply.body.subarray(0, reply.sendBytes), () => res.socket?.destroy());
        return;
      case "redirect":
        res.writeHead(reply.status ?? 302, { location: reply.location }).end();
        return;
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    origin: `http://127.0.0.1:${port}`,
    reply: (path, reply) => {
      replies.set(path, reply);
    },
    hits: (path) => counts.get(path) ?? 0,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function sendBody(res: http.ServerResponse, body: Uint8Array): void {
  res.writeHead(200, {
    "content-type": "application/octet-stream",
    "content-length": body.length,
  });
  res.end(body);
}
