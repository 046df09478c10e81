export * from "proxy-wasm-as/assembly/proxy";
// One module, two plugins that talk through a shared queue:
// - "receiver" (root id `receiver`) registers the queue and, on onQueueReady, dequeues every item
//   and logs it;
// - "sender" (root id `sender`, and any other root id) is an HTTP filter whose streams enqueue a
//   summary of each request, "METHOD PATH".
// The sender finds the queue by name (and the receiver's VM id), so the two can live in
// different VMs: Envoy delivers onQueueReady to the plugin context that registered the queue.
import {
  Action, HttpContext, JsonValue, PluginContext, Status,
  dequeueSharedQueue, enqueueSharedQueue, getPluginConfigurationJson, logError, logInfo, logWarn,
  registerPlugin, registerPluginForRootId, registerSharedQueue, requestHeaders, resolveSharedQueue, statusName,
} from "proxy-wasm-as/assembly";

const DEFAULT_QUEUE = "request-summaries";

/** The plugin configuration as an object, or null (after logging) when it is not one. */
function configuration(role: string): JsonValue | null {
  const parsed = getPluginConfigurationJson();
  if (!parsed.ok) return null; // the SDK logged what is wrong with the JSON
  const config = <JsonValue>parsed.value;
  if (!config.isObject) {
    logError("shared-queue " + role + ": configuration must be a JSON object");
    return null;
  }
  return config;
}

/** A string member, `fallback` when absent, null (after logging) when not a string. */
function stringMember(role: string, config: JsonValue, key: string, fallback: string, allowEmpty: bool): string | null {
  const value = config.get(key);
  if (value === null) return fallback;
  const text = value.asString();
  if (text === null || (!allowEmpty && text.length == 0)) {
    logError("shared-queue " + role + ": \"" + key + "\" must be a " + (allowEmpty ? "" : "non-empty ") + "string");
    return null;
  }
  return text;
}

// --- receiver

class Receiver extends PluginContext {
  queueName: string = DEFAULT_QUEUE;

  onPluginStart(configurationSize: usize): bool {
    const config = configuration("receiver");
    if (config === null) return false;
    const name = stringMember("receiver", config, "queue", DEFAULT_QUEUE, false);
    if (name === null) return false;
    this.queueName = name;
    const queue = registerSharedQueue(name);
    if (queue.status != Status.Ok) {
      logError("shared-queue receiver: cannot register queue \"" + name + "\": " + statusName(queue.status));
      return false;
    }
    logInfo("shared-queue receiver: listening on queue \"" + name + "\"");
    return true;
  }

  onQueueReady(queueId: u32): void {
    // One notification may stand for several items: drain the queue.
    while (true) {
      const item = dequeueSharedQueue(queueId);
      if (item.status == Status.Empty) return;
      if (item.status != Status.Ok) {
        logWarn("shared-queue receiver: dequeue failed: " + statusName(item.status));
        return;
      }
      logInfo("shared-queue receiver: " + String.UTF8.decode(<ArrayBuffer>item.value));
    }
  }
}

// --- sender

class Sender extends PluginContext {
  queueName: string = DEFAULT_QUEUE;
  receiverVmId: string = "";
  queueId: u32 = 0;
  resolved: bool = false;
  warnedMissing: bool = false;

  onPluginStart(configurationSize: usize): bool {
    const config = configuration("sender");
    if (config === null) return false;
    const name = stringMember("sender", config, "queue", DEFAULT_QUEUE, false);
    if (name === null) return false;
    const vmId = stringMember("sender", config, "receiver_vm_id", "", true);
    if (vmId === null) return false;
    this.queueName = name;
    this.receiverVmId = vmId;
    return true;
  }

  /** Finds the queue; false (warning once) when no receiver registered it yet. */
  resolve(): bool {
    if (this.resolved) return true;
    const queue = resolveSharedQueue(this.receiverVmId, this.queueName);
    if (queue.status != Status.Ok) {
      if (!this.warnedMissing) {
        logWarn("shared-queue sender: queue \"" + this.queueName + "\" not found (is the receiver running?); summaries are dropped until it is");
        this.warnedMissing = true;
      }
      return false;
    }
    this.queueId = queue.id;
    this.resolved = true;
    this.warnedMissing = false;
    return true;
  }

  /**
   * Sends one summary. The queue is resolved on first use (the receiver may start after the
   * sender), and again when the host no longer knows the id (the receiver was replaced).
   */
  send(summary: string): void {
    const data = String.UTF8.encode(summary);
    for (let attempt = 0; attempt < 2; attempt++) {
      if (!this.resolve()) return;
      if (enqueueSharedQueue(this.queueId, data) != Status.NotFound) return;
      this.resolved = false;
    }
  }

  newHttpContext(contextId: u32): HttpContext {
    return new SenderStream(contextId, this);
  }
}

class SenderStream extends HttpContext {
  constructor(id: u32, public plugin: Sender) { super(id); }

  onRequestHeaders(numHeaders: u32, endOfStream: bool): Action {
    const method = requestHeaders.get(":method");
    const path = requestHeaders.get(":path");
    this.plugin.send((method === null ? "-" : method) + " " + (path === null ? "-" : path));
    return Action.Continue;
  }
}

registerPluginForRootId("receiver", (contextId: u32): PluginContext => new Receiver(contextId));
registerPluginForRootId("sender", (contextId: u32): PluginContext => new Sender(contextId));
// Any other root id (e.g. one chosen by Istio) is a sender too.
registerPlugin((contextId: u32): PluginContext => new Sender(contextId));
