// The servers behind nginx in the tests, on unix sockets in a temporary folder: an echo upstream
// (answers with what it received, as JSON) and small services the filters call.
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** What the echo upstream answers: the request as it arrived. */
export interface Echo {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** The echo upstream sets the response header named by this request header ("name: value"). */
export const ECHO_RESPONSE_HEADER = "x-echo-response-header";

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

export class Servers {
  readonly dir = mkdtempSync(join(tmpdir(), "pwas-e2e-up-"));
  private readonly servers: Server[] = [];
  /** Requests each service received, by name. */
  readonly received = new Map<string, Echo[]>();

  /** Starts a server named `name`; resolves to its address for nginx ("unix:/path"). */
  async serve(name: string, handler: Handler): Promise<string> {
    const socket = join(this.dir, `${name}.sock`);
    const log: Echo[] = [];
    this.received.set(name, log);
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const body = Buffer.concat(chunks).toString("utf8");
        log.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
        handler(req, body, res);
      });
    });
    await new Promise<void>((r) => server.listen(socket, r));
    this.servers.push(server);
    return `unix:${socket}`;
  }

  /** The echo upstream. */
  echo(): Promise<string> {
    return this.serve("upstream", (req, body, res) => {
      const extra = req.headers[ECHO_RESPONSE_HEADER];
      if (typeof extra === "string") {
        const colon = extra.indexOf(":");
        res.setHeader(extra.slice(0, colon).trim(), extra.slice(colon + 1).trim());
      }
      res.setHeader("content-type", "application/json");
      const echo: Echo = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body };
      res.end(JSON.stringify(echo));
    });
  }

  async close(): Promise<void> {
    for (const s of this.servers) {
      s.closeAllConnections();
      await new Promise((r) => s.close(r));
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
