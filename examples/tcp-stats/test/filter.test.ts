import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { Action, Host } from "proxy-wasm-as/host";

const FILTER = fileURLToPath(new URL("../build/filter.wasm", import.meta.url));

async function start(configuration = "", host = new Host()) {
  const vm = await host.loadVm(FILTER);
  const plugin = vm.startPlugin({ configuration });
  return { host, vm, plugin };
}

const metric = (host: Host, name: string) => host.metrics.get(name)?.value;

describe("tcp-stats", () => {
  it("counts bytes in each direction and logs open and close with the totals", async () => {
    const { host, plugin } = await start();
    expect(plugin.configured).toBe(true);
    const conn = plugin.newTcpStream();
    conn.setProperty(["source", "address"], "10.0.0.12:53124");
    expect(conn.newConnection()).toBe(Action.Continue);
    expect(host.logsAt("info")).toContain(`tcp-stats: connection ${conn.id} opened from 10.0.0.12:53124`);

    expect(conn.downstreamData("GET / HTTP/1.1\r\n\r\n")).toBe(Action.Continue);
    expect(conn.upstreamData("HTTP/1.1 200 OK\r\n")).toBe(Action.Continue);
    expect(conn.upstreamData("content-length: 0\r\n\r\n")).toBe(Action.Continue);
    // Data goes through untouched.
    expect(conn.downstreamDataText).toBe("GET / HTTP/1.1\r\n\r\n");
    expect(conn.upstreamDataText).toBe("HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n");

    expect(metric(host, "tcp_stats_connections_total")).toBe(1n);
    expect(metric(host, "tcp_stats_active_connections")).toBe(1n);
    expect(metric(host, "tcp_stats_downstream_bytes_total")).toBe(18n);
    expect(metric(host, "tcp_stats_upstream_bytes_total")).toBe(38n);

    // The client hangs up: as in Envoy, that ends the connection's context at once, and the
    // upstream's late bytes are never counted.
    conn.downstreamClose("remote");
    expect(conn.completed).toBe(true);
    expect(conn.upstreamData("late")).toBeNull();
    expect(host.logsAt("info")).toContain(
      `tcp-stats: connection ${conn.id} from 10.0.0.12:53124 closed by downstream (peer): 18 bytes from downstream, 38 bytes from upstream`,
    );
    expect(metric(host, "tcp_stats_active_connections")).toBe(0n);
  });

  it("adds up connections in the shared counters, and keeps per-connection totals apart", async () => {
    const { host, plugin } = await start();
    const a = plugin.newTcpStream();
    const b = plugin.newTcpStream();
    a.setProperty(["source", "address"], "10.0.0.7:4000");
    b.setProperty(["source", "address"], "10.0.0.8:4000");
    a.newConnection();
    b.newConnection();
    a.downstreamData("aaaa");
    b.downstreamData("bb");
    b.upstreamData("B");
    expect(metric(host, "tcp_stats_active_connections")).toBe(2n);
    b.upstreamClose("remote");
    expect(b.completed).toBe(false); // waits for the client side
    b.downstreamClose("remote");
    a.downstreamClose("local");
    expect(metric(host, "tcp_stats_connections_total")).toBe(2n);
    expect(metric(host, "tcp_stats_downstream_bytes_total")).toBe(6n);
    expect(metric(host, "tcp_stats_upstream_bytes_total")).toBe(1n);
    expect(metric(host, "tcp_stats_active_connections")).toBe(0n);
    const closes = host.logsAt("info").filter((l) => l.includes("closed"));
    expect(closes).toEqual([
      `tcp-stats: connection ${b.id} from 10.0.0.8:4000 closed by upstream (peer): 2 bytes from downstream, 1 bytes from upstream`,
      `tcp-stats: connection ${a.id} from 10.0.0.7:4000 closed by downstream (proxy): 4 bytes from downstream, 0 bytes from upstream`,
    ]);
  });

  it("names the side that closed first and who closed it", async () => {
    const { host, plugin } = await start();
    const conn = plugin.newTcpStream();
    conn.setProperty(["source", "address"], "10.0.0.9:4000");
    conn.newConnection();
    conn.upstreamClose("local");
    expect(host.logsAt("info").filter((l) => l.includes("closed"))).toEqual([]); // still open
    conn.downstreamClose("remote");
    expect(host.logsAt("info").filter((l) => l.includes("closed"))).toEqual([
      `tcp-stats: connection ${conn.id} from 10.0.0.9:4000 closed by upstream (proxy): 0 bytes from downstream, 0 bytes from upstream`,
    ]);
  });

  it("ignores empty end-of-stream chunks", async () => {
    const { host, plugin } = await start();
    const conn = plugin.newTcpStream();
    conn.newConnection();
    conn.downstreamData("", true);
    conn.upstreamData("", true);
    conn.complete();
    expect(metric(host, "tcp_stats_downstream_bytes_total")).toBe(0n);
    expect(metric(host, "tcp_stats_upstream_bytes_total")).toBe(0n);
  });

  it("uses the configured prefix", async () => {
    const { host, plugin } = await start('{"prefix": "db_proxy"}');
    const conn = plugin.newTcpStream();
    conn.newConnection();
    conn.downstreamData("x");
    expect(metric(host, "db_proxy_downstream_bytes_total")).toBe(1n);
    expect(host.metrics.get("tcp_stats_downstream_bytes_total")).toBeUndefined();
  });

  it("refuses malformed JSON, saying why", async () => {
    const { host, plugin } = await start('{"prefix": "x"');
    expect(plugin.configured).toBe(false);
    expect(host.logsAt("error").join("\n")).toMatch(/plugin configuration is not valid JSON/);
  });

  it("refuses a bad prefix or a non-object", async () => {
    for (const [configuration, message] of [
      ['{"prefix": ""}', 'tcp-stats: "prefix" must be a non-empty string'],
      ['{"prefix": ["a"]}', 'tcp-stats: "prefix" must be a non-empty string'],
      ["true", "tcp-stats: configuration must be a JSON object"],
    ]) {
      const { host, plugin } = await start(configuration);
      expect(plugin.configured, configuration).toBe(false);
      expect(host.logsAt("error")).toContain(message);
    }
  });

  it("keeps memory flat over many connections", async () => {
    const host = new Host({ record: false });
    const { vm, plugin } = await start("", host);
    const run = () => {
      const c = plugin.newTcpStream();
      c.newConnection();
      c.downstreamData("ping");
      c.upstreamData("pong");
      c.upstreamClose("local");
      c.downstreamClose();
    };
    for (let i = 0; i < 1000; i++) run();
    const before = vm.memoryBytes;
    for (let i = 0; i < 10000; i++) run();
    expect(vm.memoryBytes).toBe(before);
  });
});
