import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { Action, Host, type HttpStream } from "proxy-wasm-as/host";

const FILTER = fileURLToPath(new URL("../build/filter.wasm", import.meta.url));

async function start(configuration = "") {
  const host = new Host();
  const vm = await host.loadVm(FILTER);
  const plugin = vm.startPlugin({ configuration });
  return { host, vm, plugin };
}

/** Request headers of a plain GET /, ending the request. */
const sendGet = (stream: HttpStream) =>
  stream.requestHeaders(
    [
      [":method", "GET"],
      [":path", "/"],
    ],
    { endOfStream: true },
  );

const requests = (method: string, status: string, prefix = "http") =>
  `${prefix}_requests_total.method=.=${method};.;status=.=${status};.;`;

describe("metrics", () => {
  it("counts requests by method and status, with names Envoy's stats_tags can parse", async () => {
    const { host, plugin } = await start();
    expect(plugin.configured).toBe(true);
    const run = (method: string, status: string) => {
      const s = plugin.newHttpStream();
      expect(
        s.requestHeaders(
          [
            [":method", method],
            [":path", "/"],
            [":authority", "a"],
          ],
          { endOfStream: true },
        ),
      ).toBe(Action.Continue);
      expect(s.responseHeaders([[":status", status]], { endOfStream: true })).toBe(Action.Continue);
      s.complete();
    };
    run("GET", "200");
    run("GET", "200");
    run("POST", "201");
    run("GET", "404");
    expect(host.metrics.get(requests("GET", "200"))?.value).toBe(2n);
    expect(host.metrics.get(requests("POST", "201"))?.value).toBe(1n);
    expect(host.metrics.get(requests("GET", "404"))?.value).toBe(1n);
    // Exactly the pairs seen were defined, each once.
    const counters = host.metrics
      .list()
      .filter((m) => m.type === "counter")
      .map((m) => m.name)
      .sort();
    expect(counters).toEqual([requests("GET", "200"), requests("GET", "404"), requests("POST", "201")].sort());
    // The tags are what Envoy's regexes `(method=\.=(.*?);\.;)` and `(status=\.=(.*?);\.;)` extract.
    const name = requests("POST", "201");
    expect(/(method=\.=(.*?);\.;)/.exec(name)?.[2]).toBe("POST");
    expect(/(status=\.=(.*?);\.;)/.exec(name)?.[2]).toBe("201");
  });

  it("records the duration from request headers to the end of the stream, in ms", async () => {
    const { host, plugin } = await start();
    const s = plugin.newHttpStream();
    s.requestHeaders(
      [
        [":method", "GET"],
        [":path", "/slow"],
      ],
      { endOfStream: true },
    );
    host.advanceTime(250);
    s.responseHeaders([[":status", "200"]], { endOfStream: true });
    host.advanceTime(30);
    s.complete();
    expect(host.metrics.get("http_request_duration_milliseconds")?.values).toEqual([280n]);
  });

  it("tracks active streams", async () => {
    const { host, plugin } = await start();
    const gauge = () => host.metrics.get("http_active_streams")?.value;
    const a = plugin.newHttpStream();
    const b = plugin.newHttpStream();
    sendGet(a);
    sendGet(b);
    expect(gauge()).toBe(2n);
    a.responseHeaders([[":status", "200"]], { endOfStream: true });
    a.complete();
    expect(gauge()).toBe(1n);
    b.complete(); // ends without a response (client gone)
    expect(gauge()).toBe(0n);
  });

  it('with "gauge": "set", sets active streams from its own count (one VM\'s view)', async () => {
    const host = new Host();
    const first = (await host.loadVm(FILTER)).startPlugin({ configuration: '{"gauge": "set"}' });
    const second = (await host.loadVm(FILTER)).startPlugin({ configuration: '{"gauge": "set"}' });
    const gauge = () => host.metrics.get("http_active_streams")?.value;
    const a = first.newHttpStream();
    const b = first.newHttpStream();
    sendGet(a);
    sendGet(b);
    expect(gauge()).toBe(2n);
    // another VM (an Envoy worker) sets its own count over it: why "add" is the default
    const c = second.newHttpStream();
    sendGet(c);
    expect(gauge()).toBe(1n);
    a.complete();
    expect(gauge()).toBe(1n);
    b.complete();
    expect(gauge()).toBe(0n);
  });

  it("refuses a gauge mode other than add or set", async () => {
    const { host, plugin } = await start('{"gauge": "inc"}');
    expect(plugin.configured).toBe(false);
    expect(host.logsAt("error").join("\n")).toContain('metrics: "gauge" must be "add" or "set"');
  });

  it("labels streams without a response status as none and unusual methods as OTHER", async () => {
    const { host, plugin } = await start();
    const reset = plugin.newHttpStream();
    sendGet(reset);
    reset.complete();
    const odd = plugin.newHttpStream();
    odd.requestHeaders(
      [
        [":method", "BREW"],
        [":path", "/pot"],
      ],
      { endOfStream: true },
    );
    odd.responseHeaders([[":status", "418"]], { endOfStream: true });
    odd.complete();
    const noMethod = plugin.newHttpStream();
    noMethod.requestHeaders([[":path", "/"]], { endOfStream: true });
    noMethod.responseHeaders([[":status", "abc"]], { endOfStream: true });
    noMethod.complete();
    expect(host.metrics.get(requests("GET", "none"))?.value).toBe(1n);
    expect(host.metrics.get(requests("OTHER", "418"))?.value).toBe(1n);
    expect(host.metrics.get(requests("OTHER", "none"))?.value).toBe(1n);
  });

  it("does not count a stream that never had request headers", async () => {
    const { host, plugin } = await start();
    plugin.newHttpStream().complete();
    expect(host.metrics.list().filter((m) => m.type === "counter")).toEqual([]);
    expect(host.metrics.get("http_active_streams")?.value).toBe(0n);
  });

  it("uses the configured prefix", async () => {
    const { host, plugin } = await start('{"prefix": "edge"}');
    const s = plugin.newHttpStream();
    s.requestHeaders(
      [
        [":method", "PUT"],
        [":path", "/"],
      ],
      { endOfStream: true },
    );
    s.responseHeaders([[":status", "204"]], { endOfStream: true });
    s.complete();
    expect(host.metrics.get(requests("PUT", "204", "edge"))?.value).toBe(1n);
    expect(host.metrics.get("edge_active_streams")).toBeDefined();
    expect(host.metrics.get("http_active_streams")).toBeUndefined();
  });

  it("refuses malformed JSON, saying why", async () => {
    const { host, plugin } = await start('{"prefix": ');
    expect(plugin.configured).toBe(false);
    expect(host.logsAt("error").join("\n")).toMatch(/plugin configuration is not valid JSON/);
  });

  it("refuses a configuration that is not an object, or a bad prefix", async () => {
    for (const [configuration, message] of [
      ["[1]", "configuration must be a JSON object"],
      ['{"prefix": 3}', '"prefix" must be a non-empty string'],
      ['{"prefix": ""}', '"prefix" must be a non-empty string'],
    ]) {
      const { host, plugin } = await start(configuration);
      expect(plugin.configured, configuration).toBe(false);
      expect(host.logsAt("error").join("\n")).toContain(message);
    }
  });

  it("keeps memory flat over many streams", async () => {
    const host = new Host({ record: false });
    const vm = await host.loadVm(FILTER);
    const plugin = vm.startPlugin({ configuration: "" });
    const statuses = ["200", "404", "500"];
    let i = 0;
    const run = () => {
      const s = plugin.newHttpStream();
      s.requestHeaders(
        [
          [":method", i % 2 ? "GET" : "POST"],
          [":path", "/"],
        ],
        { endOfStream: true },
      );
      s.responseHeaders([[":status", statuses[i++ % 3]]], { endOfStream: true });
      s.complete();
    };
    for (let n = 0; n < 1000; n++) run();
    const before = vm.memoryBytes;
    for (let n = 0; n < 10000; n++) run();
    expect(vm.memoryBytes).toBe(before);
  });
});
