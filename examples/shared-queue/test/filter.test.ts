import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { Action, Host, type Plugin } from "proxy-wasm-as/host";

const FILTER = fileURLToPath(new URL("../build/filter.wasm", import.meta.url));

const received = (host: Host) =>
  host.logsAt("info").filter((line) => line.startsWith("shared-queue receiver: ") && !line.includes("listening"));

function request(plugin: Plugin, method: string, path: string) {
  const s = plugin.newHttpStream();
  const action = s.requestHeaders(
    [
      [":method", method],
      [":path", path],
      [":authority", "example.com"],
    ],
    { endOfStream: true },
  );
  s.responseHeaders([[":status", "200"]], { endOfStream: true });
  s.complete();
  return action;
}

describe("shared-queue", () => {
  it("carries request summaries from the sender VM to the receiver VM (two VMs, two root ids)", async () => {
    const host = new Host();
    const receiverVm = await host.loadVm(FILTER, { vmId: "shared-queue-receiver" });
    const receiver = receiverVm.startPlugin({ rootId: "receiver", configuration: '{"queue": "summaries"}' });
    const senderVm = await host.loadVm(FILTER, { vmId: "shared-queue-sender" });
    const sender = senderVm.startPlugin({
      rootId: "sender",
      configuration: '{"queue": "summaries", "receiver_vm_id": "shared-queue-receiver"}',
    });
    expect(receiver.configured).toBe(true);
    expect(sender.configured).toBe(true);
    expect(host.logsAt("info")).toContain('shared-queue receiver: listening on queue "summaries"');

    expect(request(sender, "GET", "/hello")).toBe(Action.Continue);
    expect(request(sender, "POST", "/orders?id=7")).toBe(Action.Continue);
    expect(received(host)).toEqual(["shared-queue receiver: GET /hello", "shared-queue receiver: POST /orders?id=7"]);
    // The receiver logged them in its own VM, on its plugin context.
    const lines = host.logs.filter((l) => l.message === "shared-queue receiver: GET /hello");
    expect(lines).toHaveLength(1);
    expect(lines[0].vmId).toBe("shared-queue-receiver");
    expect(lines[0].contextId).toBe(receiver.id);
    // Drained: nothing left behind.
    expect(host.queues.inspect("summaries", "shared-queue-receiver")?.items).toEqual([]);
  });

  it("works inside one VM with the default queue name, and serves unknown root ids as a sender", async () => {
    const host = new Host();
    const vm = await host.loadVm(FILTER);
    vm.startPlugin({ rootId: "receiver" });
    const sender = vm.startPlugin({ rootId: "istio-chosen-root-id" });
    expect(sender.configured).toBe(true);
    request(sender, "DELETE", "/items/3");
    expect(received(host)).toEqual(["shared-queue receiver: DELETE /items/3"]);
  });

  it("drains every item of one notification", async () => {
    const host = new Host();
    const vm = await host.loadVm(FILTER);
    vm.startPlugin({ rootId: "receiver" });
    // Items enqueued from outside the module (another VM, another filter) are drained too.
    host.queues.enqueue("request-summaries", "GET /a");
    host.queues.enqueue("request-summaries", "GET /b");
    expect(received(host)).toEqual(["shared-queue receiver: GET /a", "shared-queue receiver: GET /b"]);
  });

  it("drops summaries while no receiver exists, warns once, and finds the queue when it appears", async () => {
    const host = new Host();
    const senderVm = await host.loadVm(FILTER, { vmId: "s" });
    const sender = senderVm.startPlugin({ rootId: "sender", configuration: '{"receiver_vm_id": "r"}' });
    expect(request(sender, "GET", "/early-1")).toBe(Action.Continue);
    expect(request(sender, "GET", "/early-2")).toBe(Action.Continue);
    const warnings = host.logsAt("warn").filter((l) => l.startsWith("shared-queue sender:"));
    expect(warnings).toEqual([
      'shared-queue sender: queue "request-summaries" not found (is the receiver running?); summaries are dropped until it is',
    ]);

    const receiverVm = await host.loadVm(FILTER, { vmId: "r" });
    receiverVm.startPlugin({ rootId: "receiver" });
    request(sender, "GET", "/late");
    expect(received(host)).toEqual(["shared-queue receiver: GET /late"]);
  });

  it("summarises a request without method or path with dashes", async () => {
    const host = new Host();
    const vm = await host.loadVm(FILTER);
    vm.startPlugin({ rootId: "receiver" });
    const sender = vm.startPlugin({ rootId: "sender" });
    const s = sender.newHttpStream();
    s.requestHeaders([["x-other", "1"]], { endOfStream: true });
    expect(received(host)).toEqual(["shared-queue receiver: - -"]);
  });

  it("refuses malformed JSON, saying why (both plugins)", async () => {
    for (const rootId of ["receiver", "sender"]) {
      const host = new Host();
      const vm = await host.loadVm(FILTER);
      const plugin = vm.startPlugin({ rootId, configuration: "{queue: 1}" });
      expect(plugin.configured, rootId).toBe(false);
      expect(host.logsAt("error").join("\n")).toMatch(/plugin configuration is not valid JSON/);
    }
  });

  it("refuses values of the wrong type", async () => {
    for (const [rootId, configuration, message] of [
      ["receiver", '{"queue": ""}', 'shared-queue receiver: "queue" must be a non-empty string'],
      ["receiver", "[]", "shared-queue receiver: configuration must be a JSON object"],
      ["sender", '{"queue": 5}', 'shared-queue sender: "queue" must be a non-empty string'],
      ["sender", '{"receiver_vm_id": null}', 'shared-queue sender: "receiver_vm_id" must be a string'],
    ]) {
      const host = new Host();
      const vm = await host.loadVm(FILTER);
      const plugin = vm.startPlugin({ rootId, configuration });
      expect(plugin.configured, configuration).toBe(false);
      expect(host.logsAt("error"), configuration).toContain(message);
    }
  });
});
