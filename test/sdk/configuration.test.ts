// JSON plugin configuration: typed reads, and malformed documents that fail plugin start with a
// log line saying what is wrong and where.
import { describe, expect, it } from "vitest";
import { Host } from "../../host/index.js";
import { probeHeaders, startProbe } from "./helpers.js";

describe("plugin configuration as JSON", () => {
  it("reads typed values; a missing key or a wrong type gives the fallback", async () => {
    const { plugin } = await startProbe(JSON.stringify({ greeting: 'hi "there" \u00e9\u2713', limit: 12.5 }));
    expect(plugin.configured).toBe(true);
    const stream = plugin.newHttpStream();
    stream.requestHeaders(probeHeaders("config"));
    expect(stream.requestHeadersMap).toContainEqual(["x-greeting", 'hi "there" é✓']);
    expect(stream.requestHeadersMap).toContainEqual(["x-limit", "12.5"]);
    const wrongType = await startProbe(JSON.stringify({ greeting: 5, limit: "12" }));
    const other = wrongType.plugin.newHttpStream();
    other.requestHeaders(probeHeaders("config"));
    expect(other.requestHeadersMap).toContainEqual(["x-greeting", "none"]);
    expect(other.requestHeadersMap).toContainEqual(["x-limit", "-1.0"]);
  });

  it("treats an empty configuration as {}", async () => {
    const { plugin } = await startProbe("");
    expect(plugin.configured).toBe(true);
  });

  const malformed: [string, string, number][] = [
    ['{"a": 1,}', "expected a string key", 8],
    ['{"a" 1}', "expected ':' after key", 5],
    ["[1, 2", "expected ',' or ']' in array", 5],
    ['{"a": tru}', "invalid literal, expected true", 9],
    ['{"a": "x\u0001"}', "control character in string", 8],
    ['{"a": 1} trailing', "unexpected data after the document", 9],
    ['{"a": -}', "invalid number", 7],
    ['"\\q"', "invalid escape", 2],
    ["[" + "[".repeat(100), "nesting deeper than 64 levels", 64],
  ];
  for (const [document, message, position] of malformed) {
    it(`rejects ${JSON.stringify(document.slice(0, 20))} with "${message}" at byte ${position}`, async () => {
      const { plugin, host } = await startProbe(document);
      expect(plugin.configured).toBe(false);
      expect(host.logsAt("error")).toContain(`plugin configuration is not valid JSON: ${message} at byte ${position}`);
    });
  }

  it("a stream of a plugin that failed to configure throws an error quoting the filter's own error line (issue 23.8)", async () => {
    const { plugin } = await startProbe('{"a": 1,}');
    expect(plugin.startFailure).toBe(
      'its proxy_on_configure returned false; it logged: "plugin configuration is not valid JSON: expected a string key at byte 8"',
    );
    expect(() => plugin.newHttpStream()).toThrow(
      /has no filter: its proxy_on_configure returned false; it logged: "plugin configuration is not valid JSON: expected a string key at byte 8"/,
    );
  });

  it("quotes the error line even when the Host records no logs (lean mode)", async () => {
    const { plugin, host } = await startProbe("[1, 2", new Host({ record: false }));
    expect(host.logs).toEqual([]);
    expect(plugin.startFailure).toMatch(/expected ',' or '\]' in array at byte 5/);
  });
});
